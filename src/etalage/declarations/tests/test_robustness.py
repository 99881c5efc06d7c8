"""The customs chores keep going when one thing is wrong: an answer file that
cannot be read is set aside with its reason and the files after it are applied; a
file leaves the inbox only once applied; a message the gateway did not take is
sent again, by the clock, under the same guid; ``etalage declarations read``
says what answer files hold without applying them."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from etalage.declarations.models import Declaration, Message, SimulatorDocument
from etalage.declarations.receipts import receipt_xml
from etalage.declarations.services import declarations_requery, new_guid
from etalage.declarations.tests.test_clearance import receipt


@pytest.fixture
def inbox(customs, settings, tmp_path):
    """Parcels declared to the simulator; answers then come through the exchange
    folders of the customs client software."""
    customs.paid()
    customs.declare()
    settings.ETALAGE_CUSTOMS_GATEWAY = "files"
    settings.ETALAGE_CUSTOMS_GATEWAY_DIR = str(tmp_path)
    (tmp_path / "in").mkdir()
    return tmp_path / "in"


def _drop(inbox, name: str, data: bytes, age: int) -> None:
    import os

    path = inbox / name
    path.write_bytes(data)
    stamp = timezone.now().timestamp() - age
    os.utime(path, (stamp, stamp))


def _entered() -> bytes:
    order = Declaration.objects.get(kind="311")
    return receipt_xml([receipt("311", order.guid, 120, "海关入库")], guid=new_guid())


def test_an_unreadable_answer_is_set_aside_and_the_answers_after_it_applied(
    customs, inbox
):
    from etalage.declarations.answers import answers_collect

    good = _entered()
    _drop(
        inbox,
        "1-gbk.xml",
        "海关入库".encode("gbk").join(good.split("海关入库".encode())),
        50,
    )
    _drop(inbox, "2-doctype.xml", good.replace(b"?>", b"?><!DOCTYPE x>", 1), 40)
    _drop(
        inbox,
        "3-date.xml",
        good.replace(b"<ceb:returnTime>2026113020", b"<ceb:returnTime>2026133020"),
        30,
    )
    _drop(inbox, "4-good.xml", good, 20)
    with customs.capture(execute=True):
        assert answers_collect() == 1
    order = Declaration.objects.get(kind="311")
    assert order.state == Declaration.State.ACCEPTED and order.status == 120
    assert sorted(p.name for p in (inbox / "done").iterdir()) == ["4-good.xml"]
    failed = inbox / "failed"
    reasons = {p.name: p.read_text() for p in failed.glob("*.reason")}
    assert set(reasons) == {
        "1-gbk.xml.reason",
        "2-doctype.xml.reason",
        "3-date.xml.reason",
    }
    assert reasons["1-gbk.xml.reason"].startswith("xml: ")
    assert reasons["2-doctype.xml.reason"].startswith("DOCTYPE: ")
    assert reasons["3-date.xml.reason"].startswith("returnTime: ")
    assert (failed / "2-doctype.xml").exists() and not list(inbox.glob("*.xml"))


def test_an_answer_leaves_the_inbox_only_once_applied(customs, inbox, monkeypatch):
    from etalage.declarations import answers

    _drop(inbox, "1-first.xml", _entered(), 20)
    _drop(inbox, "2-second.xml", _entered().replace(b">120<", b">399<"), 10)
    real, calls = answers._receipt, []

    def database_down_once(doc, data):
        calls.append(doc.status)
        if len(calls) == 1:
            raise RuntimeError("the database went away")
        return real(doc, data)

    monkeypatch.setattr(answers, "_receipt", database_down_once)
    with customs.capture(execute=True):
        assert answers.answers_collect() == 1  # the second, after the first failed
    assert [p.name for p in inbox.glob("*.xml")] == ["1-first.xml"]  # kept
    with customs.capture(execute=True):
        assert answers.answers_collect() == 1  # applied now
    assert not list(inbox.glob("*.xml"))
    assert Declaration.objects.get(kind="311").status == 399


def test_a_message_the_gateway_refused_is_sent_again_by_the_clock_under_its_guid(
    customs, monkeypatch
):
    from etalage.declarations import gateway

    def refusing(self, **_kwargs):
        raise gateway.GatewayError("the customs client is not running")

    monkeypatch.setattr(gateway.SimulatorGateway, "send", refusing)
    customs.paid()
    customs.declare()
    refused = Message.objects.get(kind="311")
    heads = list(Declaration.objects.filter(message=refused).values_list("guid"))
    assert refused.state == Message.State.FAILED
    assert not SimulatorDocument.objects.exists()
    monkeypatch.undo()
    assert declarations_requery() == 0  # too soon: it may still be on its way
    later = timezone.now() + timedelta(seconds=31)
    with customs.capture(execute=True):
        assert declarations_requery(now=later) == 2  # the order's and the payment's
    refused.refresh_from_db()
    assert refused.state == Message.State.SENT and refused.attempts == 2
    assert (
        list(Declaration.objects.filter(message=refused).values_list("guid")) == heads
    )
    assert SimulatorDocument.objects.filter(guid=heads[0][0], kind="311").exists()
    customs.answer(rounds=1)
    assert Declaration.objects.get(guid=heads[0][0]).state == "accepted"


def test_read_says_what_each_answer_file_holds_and_applies_nothing(
    customs, tmp_path, capsys
):
    customs.paid()
    customs.declare()
    good = tmp_path / "CEB312_good.xml"
    good.write_bytes(_entered())
    call_command("declarations", "read", str(good))
    said = capsys.readouterr().out
    assert "CEB312 (receipt of CEB311)" in said and "1 block" in said
    assert "status 120" in said and "海关入库" in said
    assert Declaration.objects.get(kind="311").status is None  # nothing applied
    bad = tmp_path / "CEB312_bad.xml"
    bad.write_bytes(b"<?xml version='1.0'?><!DOCTYPE x><x/>")
    with pytest.raises(CommandError) as failed:
        call_command("declarations", "read", str(bad), str(good))
    assert failed.value.returncode == 1
    said = capsys.readouterr().out
    assert f"{bad}: unreadable: DOCTYPE" in said and f"{good}: CEB312" in said


def test_a_message_in_the_out_folder_is_for_its_owner_only(tmp_path):
    """It carries the buyer's ID number in clear: 0600 in a 0700 folder, also when a
    half-written file of an earlier try was left with wider rights."""
    import stat

    from etalage.declarations.gateway import FileGateway

    exchange = FileGateway(tmp_path)
    (tmp_path / "out" / "CEB311_g1.part").write_bytes(b"old")
    (tmp_path / "out" / "CEB311_g1.part").chmod(0o644)
    exchange.send(kind="311", guid="g1", message=b"<CEB311Message/>")
    sent = tmp_path / "out" / "CEB311_g1.xml"
    assert sent.read_bytes() == b"<CEB311Message/>"
    assert stat.S_IMODE(sent.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "out").stat().st_mode) == 0o700
