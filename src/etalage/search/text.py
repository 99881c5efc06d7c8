"""How text becomes search terms, the same way for the index and for queries (pure).

- Chinese: Traditional characters mapped to Simplified (OpenCC ``t2s``), then
  segmented by jieba (the index takes every word jieba's search mode sees and
  every single character, a query the words of its precise mode), and each word
  written in pinyin without tones (pypinyin), so ``qiaokeli`` finds 巧克力.
- Latin scripts: lower case, accents removed, each word kept with its Snowball stems
  in French, Dutch and English (a product written in French is found from English
  and Dutch words that stem alike; the language of either side need not be known).
- Codes: HS codes and SKUs kept whole, punctuation removed (``MV-104-250`` →
  ``mv104250``).

A query is a list of *groups*: each group is the forms one query word may take
(itself, its stems, its glossary synonyms, its typo corrections); a product matches
when each group has one of its forms in the product's text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cache, lru_cache
from typing import Any

import opencc
import snowballstemmer

_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUN = re.compile(rf"[{_CJK}]+|[a-z0-9]+(?:[-./][a-z0-9]+)*")
_IS_CJK = re.compile(rf"[{_CJK}]")
STEMMERS = ("french", "dutch", "english")
MAX_QUERY_CHARS = 200
MAX_GROUPS = 12


# jieba and pypinyin are loaded on first use: about 80 MB that a process which never
# reads Chinese text (an import worker, the clock) need not hold.
@cache
def _jieba() -> Any:
    import jieba

    jieba.setLogLevel(60)  # no "Building prefix dict" chatter in logs
    return jieba


@cache
def _lazy_pinyin() -> Any:
    from pypinyin import lazy_pinyin

    return lazy_pinyin


@cache
def _t2s() -> opencc.OpenCC:
    return opencc.OpenCC("t2s.json")


@cache
def _stemmer(language: str) -> snowballstemmer.stemmer:
    return snowballstemmer.stemmer(language)


@cache
def _combining() -> re.Pattern[str]:
    """Every combining mark (what ``unicodedata.combining`` says is one)."""
    marks = "".join(
        re.escape(chr(c))
        for c in range(0x300, 0x10000)
        if unicodedata.combining(chr(c)) and not 0xD800 <= c < 0xE000
    )
    return re.compile(f"[{marks}]")


def normalize(text: str) -> str:
    """Simplified characters, lower case, no accents, compatibility forms folded
    (full-width letters and digits become ASCII)."""
    text = text or ""
    if text.isascii():  # nothing to fold but the case
        return text.lower()
    text = unicodedata.normalize("NFKC", text)
    if _IS_CJK.search(text):
        text = _t2s().convert(text)
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return _combining().sub("", decomposed)


# A catalogue repeats its words: each word's pinyin and stems are worked out once per
# process (bounded), which makes the indexer several times faster (the Snowball
# stemmers are pure Python).
WORDS_REMEMBERED = 100_000


@lru_cache(maxsize=WORDS_REMEMBERED)
def pinyin(word: str) -> str:
    """A Chinese word in pinyin without tones, syllables joined: 巧克力 → qiaokeli."""
    return "".join(_lazy_pinyin()(word))


@lru_cache(maxsize=WORDS_REMEMBERED)
def stems(word: str) -> frozenset[str]:
    """A Latin word and its stems in the marketplace's Latin-script languages."""
    forms = {word}
    if word.isalpha() and len(word) > 3:
        forms.update(_stemmer(language).stemWord(word) for language in STEMMERS)
    # A stem of two letters ("hoed" → "ho") would match far too much.
    return frozenset(f for f in forms if len(f) > 2 or f == word)


def _code(run: str) -> str:
    return re.sub(r"[-./]", "", run)


@lru_cache(maxsize=WORDS_REMEMBERED)
def _run_terms(run: str) -> tuple[str, ...]:
    """The terms of one run of Chinese characters or of one Latin word or code,
    worked out once per process (a catalogue repeats its words and phrases)."""
    seen: dict[str, None] = {}
    if _IS_CJK.match(run):
        for word in _jieba().cut_for_search(run):
            seen.setdefault(word)
            if len(word) > 1:
                seen.setdefault(pinyin(word))
        for character in run:  # 黑 of 浓黑: a one-character query finds it
            seen.setdefault(character)
        seen.setdefault(pinyin(run))  # the whole run, as typed in pinyin
    else:
        code = _code(run)
        for part in {code, *re.split(r"[-./]", run)}:
            for form in sorted(stems(part)):
                seen.setdefault(form)
    return tuple(seen)


# Whole texts repeat too (a brand, a merchant's name, an origin, the same
# description on every size of a product): each is analysed once per process.
TEXTS_REMEMBERED = 50_000


@lru_cache(maxsize=TEXTS_REMEMBERED)
def _text_terms(text: str) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for run in _RUN.findall(normalize(text)):
        seen.update(dict.fromkeys(_run_terms(run)))
    return tuple(seen)


def index_terms(*texts: str) -> list[str]:
    """Every term a text is found by (for the index), in order, without repeats."""
    seen: dict[str, None] = {}
    for text in texts:
        if text:
            seen.update(dict.fromkeys(_text_terms(text)))
    return list(seen)


def query_words(query: str) -> list[str]:
    """The words of a query, as a buyer meant them (jieba's precise mode for
    Chinese: 比利时啤酒 → 比利时, 啤酒); at most ``MAX_GROUPS``."""
    words: list[str] = []
    for run in _RUN.findall(normalize(query[:MAX_QUERY_CHARS])):
        if _IS_CJK.match(run):
            words.extend(w for w in _jieba().cut(run) if w.strip())
        else:
            words.append(run)
    return words[:MAX_GROUPS]


def word_forms(word: str) -> set[str]:
    """What one query word may match in the index."""
    if _IS_CJK.match(word):
        return {word}
    code = _code(word)
    return {code} if code != word else set(stems(word))


def is_latin(word: str) -> bool:
    return not _IS_CJK.match(word)


@lru_cache(maxsize=WORDS_REMEMBERED)
def is_vocabulary_word(term: str) -> bool:
    """Whether an index term is a word a mistyped query may have meant: a Latin
    word of four letters or more, or a Chinese one of two to six characters."""
    if is_latin(term):
        return len(term) > 3
    return 2 <= len(term) <= 6 and all(_IS_CJK.match(c) for c in term)


def joined(terms: Iterable[str]) -> str:
    return " ".join(terms)
