"""The marketplace's glossary, read (pure): which query words also mean others.

An entry is either words that mean the same, separated by ``=`` (华夫饼 = gaufre =
wafel = waffle: each finds the others), or a word that also means others, ``a → b,
c`` (or ``->``: 精酿 → craft beer finds craft beers; a query for craft beer does not
find every 精酿 listing). Words are compared normalized (``text.normalize``), so
Traditional entries and accents need no second line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from etalage.search.text import normalize, query_words

_ARROW = re.compile(r"\s*(?:→|->)\s*")


def glossary_read(entries: Iterable[str]) -> dict[str, set[str]]:
    """{normalized word: the words it also means}, from the entries' texts."""
    meanings: dict[str, set[str]] = {}
    for entry in entries:
        if _ARROW.search(entry):
            source, targets = _ARROW.split(entry, maxsplit=1)
            key = normalize(source).strip()
            words = {normalize(t).strip() for t in targets.split(",")}
            meanings.setdefault(key, set()).update(w for w in words if w)
            continue
        group = {normalize(t).strip() for t in entry.split("=")}
        group.discard("")
        for word in group:
            meanings.setdefault(word, set()).update(group - {word})
    return meanings


def also_means(word: str, meanings: dict[str, set[str]]) -> set[str]:
    """The query words a glossary entry adds to ``word`` (each phrase split into the
    words a query of it would have)."""
    added: set[str] = set()
    for phrase in meanings.get(word, ()):
        added.update(query_words(phrase))
    return added
