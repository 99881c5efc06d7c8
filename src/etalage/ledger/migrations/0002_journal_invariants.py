"""The journal's invariants, held by the database itself (SQLite and PostgreSQL).

Entries are written before their transaction's header (foreign keys are checked at
commit); the header's insert checks that its entries sum to zero in each currency
and that there are as many as it says; an entry for a transaction already posted is
refused; an entry's currency is its account's; entries and headers never change;
each account's balance moves with every entry. On PostgreSQL entries and headers
cannot be deleted either; SQLite's test-suite flush deletes rows one table at a
time, so there a deletion is caught by ``etalage check`` (balances against
entries) rather than refused.
"""

from django.db import migrations

SQLITE = [
    """CREATE TRIGGER ledger_entry_checked BEFORE INSERT ON ledger_entry
    BEGIN
      SELECT RAISE(ABORT, 'ledger: the transaction is posted; correct it by a reversing one')
      WHERE EXISTS (SELECT 1 FROM ledger_transaction WHERE id = NEW.transaction_id);
      SELECT RAISE(ABORT, 'ledger: an entry is in its account''s currency')
      WHERE NEW.currency IS NOT (SELECT currency FROM ledger_account WHERE id = NEW.account_id);
    END""",
    """CREATE TRIGGER ledger_entry_balance AFTER INSERT ON ledger_entry
    BEGIN
      UPDATE ledger_account SET balance_minor = balance_minor + NEW.amount_minor
      WHERE id = NEW.account_id;
    END""",
    """CREATE TRIGGER ledger_transaction_balanced AFTER INSERT ON ledger_transaction
    BEGIN
      SELECT RAISE(ABORT, 'ledger: the entries do not sum to zero in each currency')
      WHERE EXISTS (SELECT 1 FROM ledger_entry WHERE transaction_id = NEW.id
                    GROUP BY currency HAVING SUM(amount_minor) <> 0);
      SELECT RAISE(ABORT, 'ledger: the transaction has not the entries it names')
      WHERE (SELECT COUNT(*) FROM ledger_entry WHERE transaction_id = NEW.id)
            <> NEW.entries_count OR NEW.entries_count < 2;
    END""",
    """CREATE TRIGGER ledger_entry_unchanged BEFORE UPDATE ON ledger_entry
    BEGIN SELECT RAISE(ABORT, 'ledger: entries never change'); END""",
    """CREATE TRIGGER ledger_transaction_unchanged BEFORE UPDATE ON ledger_transaction
    BEGIN SELECT RAISE(ABORT, 'ledger: posted transactions never change'); END""",
]

# On PostgreSQL the sums are checked and the balances moved once per statement
# (transition tables): posting many entries to one account in one transaction
# updates its row once per statement, not once per entry (each update of a row in
# the same transaction walks the versions the previous ones left).
POSTGRESQL = [
    """CREATE FUNCTION ledger_entry_checked() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF EXISTS (SELECT 1 FROM ledger_transaction WHERE id = NEW.transaction_id) THEN
        RAISE EXCEPTION 'ledger: the transaction is posted; correct it by a reversing one';
      END IF;
      IF NEW.currency IS DISTINCT FROM
         (SELECT currency FROM ledger_account WHERE id = NEW.account_id) THEN
        RAISE EXCEPTION 'ledger: an entry is in its account''s currency';
      END IF;
      RETURN NEW;
    END $$""",
    """CREATE TRIGGER ledger_entry_checked BEFORE INSERT ON ledger_entry
    FOR EACH ROW EXECUTE FUNCTION ledger_entry_checked()""",
    # Accounts are updated in the order of their keys, so that two postings that
    # share accounts lock them in the same order and never deadlock.
    """CREATE FUNCTION ledger_balances_moved() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
      moved record;
    BEGIN
      FOR moved IN SELECT account_id, SUM(amount_minor) AS total FROM added
                   GROUP BY account_id ORDER BY account_id LOOP
        UPDATE ledger_account SET balance_minor = balance_minor + moved.total
        WHERE id = moved.account_id;
      END LOOP;
      RETURN NULL;
    END $$""",
    """CREATE TRIGGER ledger_balances_moved AFTER INSERT ON ledger_entry
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_balances_moved()""",
    """CREATE FUNCTION ledger_transactions_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF EXISTS (SELECT 1 FROM ledger_entry e JOIN added t ON t.id = e.transaction_id
                 GROUP BY e.transaction_id, e.currency HAVING SUM(e.amount_minor) <> 0) THEN
        RAISE EXCEPTION 'ledger: the entries do not sum to zero in each currency';
      END IF;
      IF EXISTS (SELECT 1 FROM added t
                 WHERE t.entries_count < 2 OR t.entries_count <>
                   (SELECT COUNT(*) FROM ledger_entry e WHERE e.transaction_id = t.id)) THEN
        RAISE EXCEPTION 'ledger: the transaction has not the entries it names';
      END IF;
      RETURN NULL;
    END $$""",
    """CREATE TRIGGER ledger_transactions_balanced AFTER INSERT ON ledger_transaction
    REFERENCING NEW TABLE AS added
    FOR EACH STATEMENT EXECUTE FUNCTION ledger_transactions_balanced()""",
    """CREATE FUNCTION ledger_unchanged() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'ledger: % never changes; correct it by a reversing transaction',
        TG_TABLE_NAME;
    END $$""",
    """CREATE TRIGGER ledger_entry_unchanged BEFORE UPDATE OR DELETE ON ledger_entry
    FOR EACH ROW EXECUTE FUNCTION ledger_unchanged()""",
    """CREATE TRIGGER ledger_transaction_unchanged BEFORE UPDATE OR DELETE
    ON ledger_transaction FOR EACH ROW EXECUTE FUNCTION ledger_unchanged()""",
]


def install(apps, schema_editor):
    statements = {"sqlite": SQLITE, "postgresql": POSTGRESQL}.get(
        schema_editor.connection.vendor
    )
    if statements is None:
        raise RuntimeError(
            f"the ledger's invariants are written for SQLite and PostgreSQL, "
            f"not {schema_editor.connection.vendor}"
        )
    for statement in statements:
        schema_editor.execute(statement, None)


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
