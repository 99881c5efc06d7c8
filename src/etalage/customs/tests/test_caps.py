"""Yearly quantity caps of the positive list: read from text, counted per line."""

from decimal import Decimal as D

import pytest

from etalage.customs.caps import (
    GRAMS,
    MILLILITRES,
    PIECES,
    Cap,
    counted,
    describe,
    parse_cap,
)
from etalage.customs.cbec import NetContent, NetUnit


@pytest.mark.parametrize(
    ("text", "cap"),
    [
        ("2 kg", Cap(D("2000"), GRAMS)),
        ("2kg", Cap(D("2000"), GRAMS)),
        ("1,5 KG", Cap(D("1500"), GRAMS)),
        ("500 g", Cap(D("500"), GRAMS)),
        ("2 千克", Cap(D("2000"), GRAMS)),
        ("1.5 L", Cap(D("1500"), MILLILITRES)),
        ("750 ml", Cap(D("750"), MILLILITRES)),
        ("6 pieces", Cap(D("6"), PIECES)),
        ("6 件", Cap(D("6"), PIECES)),
    ],
)
def test_a_cap_is_read_in_grams_millilitres_or_pieces(text, cap):
    assert parse_cap(text) == cap


@pytest.mark.parametrize("text", ["two kilos", "2 stones", "kg", "0 kg", "-1 kg"])
def test_what_is_not_a_cap_is_refused_with_the_reason(text):
    with pytest.raises(ValueError, match="cap"):
        parse_cap(text)


def test_no_text_is_no_cap():
    assert parse_cap("  ") is None


def test_a_line_counts_its_net_content_or_its_pieces():
    grams = NetContent(250, NetUnit.GRAM)
    box_of_ten = NetContent(10, NetUnit.PIECE)
    assert counted(Cap(D("2000"), GRAMS), net=grams, quantity=3) == 750
    assert counted(Cap(D("6"), PIECES), net=grams, quantity=3) == 3
    # A box of 10 masks is 10 pieces of a cap in pieces.
    assert counted(Cap(D("60"), PIECES), net=box_of_ten, quantity=3) == 30
    # A millilitre counts as a gram against a cap by weight.
    assert (
        counted(
            Cap(D("2000"), GRAMS), net=NetContent(330, NetUnit.MILLILITRE), quantity=2
        )
        == 660
    )
    with pytest.raises(ValueError, match="not pieces"):
        counted(Cap(D("2000"), GRAMS), net=box_of_ten, quantity=1)
    assert describe(Cap(D("2000"), GRAMS)) == "2 kg"
    assert describe(Cap(D("750"), GRAMS)) == "750 g"
    assert describe(Cap(D("1500"), MILLILITRES)) == "1.5 L"
    assert describe(Cap(D("6"), PIECES)) == "6 pieces"
