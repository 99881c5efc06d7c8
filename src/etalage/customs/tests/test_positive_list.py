import pytest
from django.core.management import CommandError, call_command

from etalage.customs.models import PositiveListEntry
from etalage.customs.positive_list import PositiveListRefused, positive_list_load

GOOD = (
    b"hs_code,description,remarks,bonded_only,yearly_cap\n"
    b"1806.32.00.00,Chocolate not filled,,no,\n"
    b"1701991000,Sugar,Only for personal use,yes,2 kg\n"
)


def test_loads_the_list_and_replaces_the_old_one(db):
    PositiveListEntry.objects.create(
        hs_code="9999999999", description="old", list_version="x"
    )
    added, removed = positive_list_load(data=GOOD, list_version="2022")
    assert (added, removed) == (2, 1)
    sugar = PositiveListEntry.objects.get(hs_code="1701991000")
    assert (sugar.bonded_only, sugar.yearly_cap, sugar.list_version) == (
        True,
        "2 kg",
        "2022",
    )
    assert (sugar.cap_amount, sugar.cap_unit) == (2000, "g")


def test_a_cap_that_is_not_a_quantity_is_refused_by_line(db):
    bad = GOOD + b"1905310000,Biscuits,,,a few boxes\n"
    with pytest.raises(PositiveListRefused) as error:
        positive_list_load(data=bad, list_version="2022")
    assert error.value.problems == [
        "line 4: yearly_cap: 'a few boxes' is not a yearly cap: write an amount and "
        "kg, g, L, ml or pieces"
    ]


def test_a_bad_line_loads_nothing_and_names_it(db):
    bad = GOOD + b"1806,Too short,,,\n1806320000,Again,,,\n"
    with pytest.raises(PositiveListRefused) as error:
        positive_list_load(data=bad, list_version="2022")
    assert error.value.problems[0].startswith(
        "line 4: hs_code: An HS code for China has 10"
    )
    assert error.value.problems[1] == "line 5: hs_code 1806320000 is also on line 2"
    assert not PositiveListEntry.objects.exists()


def test_the_command_loads_a_file(db, tmp_path):
    path = tmp_path / "list.csv"
    path.write_bytes(GOOD)
    call_command("positive_list", "load", str(path), "--list", "2022")
    assert PositiveListEntry.objects.count() == 2
    path.write_bytes(b"nope\n")
    with pytest.raises(CommandError, match="Nothing was loaded"):
        call_command("positive_list", "load", str(path), "--list", "2022")
