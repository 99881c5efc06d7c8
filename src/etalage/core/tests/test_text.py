"""The one rule for text that reaches customs, carriers, banks and labels."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from etalage.core.text import refused_character, text_refusal, texts_check

XML_CHAR = st.characters(
    blacklist_categories=("Cs", "Cc"),
    blacklist_characters=[chr(c) for c in range(0xFDD0, 0xFDF0)],
).filter(lambda c: ord(c) & 0xFFFE != 0xFFFE)


@pytest.mark.parametrize(
    "character",
    [
        "\x00",
        "\x01",
        "\x08",
        "\x0b",
        "\x0c",
        "\x1b",
        "\x1f",
        "\x7f",
        "\x80",
        "\x85",
        "\x9f",
        "\ud800",
        "\udfff",
        "\ufdd0",
        "\ufffe",
        "\uffff",
        "\U0001fffe",
    ],
)
def test_control_characters_and_non_xml_characters_are_refused(character):
    text = f"上海市{character}浦东"
    assert refused_character(text) == character
    assert refused_character(text, multiline=True) == character
    refusal = text_refusal(text)
    assert refusal.code == "control_character"
    assert f"U+{ord(character):04X}" in refusal.messages[0]


@pytest.mark.parametrize("character", ["\t", "\n", "\r"])
def test_tab_and_line_breaks_only_in_a_text_of_several_lines(character):
    assert text_refusal(f"a{character}b").code == "line_break"
    assert text_refusal(f"a{character}b", multiline=True) is None


@given(st.text(XML_CHAR))
def test_printable_text_in_any_script_passes(text):
    assert refused_character(text) is None


def test_every_refused_field_is_named_at_once():
    with pytest.raises(Exception) as refused:
        texts_check(
            {"name": "a\x01", "street": "ok", "story": "a\nb", "city": "a\nb"},
            multiline={"story"},
        )
    assert set(refused.value.message_dict) == {"name", "city"}
