"""How text becomes search terms: Chinese segmented and in pinyin, Traditional
folded to Simplified, Latin words with their stems, codes kept whole; the
glossary read."""

from etalage.search.glossary import also_means, glossary_read
from etalage.search.text import index_terms, normalize, query_words, word_forms


def test_traditional_characters_and_full_width_letters_are_folded():
    assert normalize("比利時啤酒 朱古力 蕾絲") == "比利时啤酒 朱古力 蕾丝"
    assert normalize("ＣＨＯＣＯＬＡＴ Crème Brûlée") == "chocolat creme brulee"


def test_chinese_is_segmented_and_written_in_pinyin():
    terms = index_terms("比利时修道院啤酒")
    assert {"比利时", "啤酒", "pijiu", "bilishi"} <= set(terms)
    assert "黑" in index_terms("浓黑72%")  # single characters are found too
    assert query_words("比利時啤酒") == ["比利时", "啤酒"]


def test_latin_words_keep_their_stems_in_three_languages():
    assert {"chocolats", "chocolat"} <= set(index_terms("Chocolats"))
    assert {"gaufres", "gaufr"} <= set(index_terms("gaufres"))
    assert word_forms("hoed") == {"hoed"}  # never a two-letter stem ("ho")


def test_codes_are_kept_whole():
    assert "mv104250" in index_terms("MV-104-250")
    assert word_forms("mv-104-250") == {"mv104250"}
    assert "1806900000" in index_terms("1806.90.00.00")


def test_queries_without_words_read_as_nothing():
    for text in ("", "   ", "🍫🍺", "\"'", "--;", "‘’“”"):
        assert query_words(text) == [], text
    assert len(query_words("啤酒 " * 500)) == 12  # a query is bounded


def test_the_glossary_reads_equivalences_and_one_way_meanings():
    meanings = glossary_read(
        ["华夫饼 = gaufre = wafel = Waffle", "精酿 → craft beer", "朱古力 = 巧克力"]
    )
    assert meanings["gaufre"] == {"华夫饼", "wafel", "waffle"}
    assert also_means("精酿", meanings) == {"craft", "beer"}
    assert "精酿" not in meanings.get("craft beer", set())  # one way only
    assert meanings["巧克力"] == {"朱古力"}
