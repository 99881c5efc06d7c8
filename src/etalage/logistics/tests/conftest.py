import pytest


@pytest.fixture(autouse=True)
def _no_outside_call_in_a_transaction(request):
    """Every test here fails if a party outside is called with a transaction open
    (``etalage.conftest.no_call_in_transaction``)."""
    if "transactional_db" not in request.fixturenames:
        request.getfixturevalue("no_call_in_transaction")
