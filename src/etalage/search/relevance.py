"""The relevance set: queries a buyer would type, in zh-Hans, Traditional
characters, pinyin, French, Dutch and English, over the demo catalogue, each with
what must fill the first five results (the products of these demo categories).
Read by the relevance test and by ``bench/relevance.py``, which prints precision
and recall."""

from __future__ import annotations

from collections.abc import Callable

CHOCOLATE = ("chocolate-bars", "pralines")
WAFFLES = ("biscuits-waffles",)

# (query, the categories whose products are right answers, how many of the first
# five can be right: fewer than five where the demo has fewer such products)
CASES: list[tuple[str, tuple[str, ...], int]] = [
    # beer
    ("啤酒", ("beer",), 5), ("比利时啤酒", ("beer",), 5), ("比利時啤酒", ("beer",), 5),
    ("pijiu", ("beer",), 5), ("bière", ("beer",), 5), ("bieres belges", ("beer",), 5),
    ("bier", ("beer",), 5), ("beer", ("beer",), 5), ("belgian beer", ("beer",), 5),
    ("saison", ("beer",), 4), ("季节啤酒", ("beer",), 4), ("精酿", ("beer",), 5),
    ("tripel", ("beer",), 4), ("dubbel", ("beer",), 4),
    # jenever
    ("杜松子酒", ("jenever",), 5), ("genièvre", ("jenever",), 5),
    ("jenever", ("jenever",), 5),
    ("genever", ("jenever",), 5), ("dusongzijiu", ("jenever",), 5),
    # chocolate
    ("巧克力", CHOCOLATE, 5), ("朱古力", CHOCOLATE, 5), ("qiaokeli", CHOCOLATE, 5),
    ("chocolat", CHOCOLATE, 5), ("chocolade", CHOCOLATE, 5),
    ("chocolate", CHOCOLATE, 5),
    ("chocolte", CHOCOLATE, 5), ("chocolat noir", CHOCOLATE, 5),
    ("黑巧克力", CHOCOLATE, 5),
    ("热巧克力", ("chocolate-bars",), 4), ("hot chocolate", ("chocolate-bars",), 4),
    ("orangettes", ("pralines",), 2), ("mendiants", ("pralines",), 2),
    ("糖渍橙皮", ("pralines",), 2),
    # waffles and biscuits
    ("华夫饼", WAFFLES, 5), ("huafubing", WAFFLES, 5), ("gaufre", WAFFLES, 5),
    ("gaufres", WAFFLES, 5), ("wafel", WAFFLES, 5), ("wafels", WAFFLES, 5),
    ("waffle", WAFFLES, 5), ("waffles", WAFFLES, 5), ("speculoos", WAFFLES, 5),
    ("speculaas", WAFFLES, 5),
    # lace
    ("蕾丝", ("lace",), 5), ("蕾絲", ("lace",), 5), ("leisi", ("lace",), 5),
    ("dentelle", ("lace",), 5), ("kant", ("lace",), 5), ("lace", ("lace",), 5),
    ("蕾丝手帕", ("lace",), 4),
    # hats
    ("帽子", ("hats",), 5), ("maozi", ("hats",), 5), ("chapeau", ("hats",), 5),
    ("hoed", ("hats",), 5), ("hat", ("hats",), 5), ("hats", ("hats",), 5),
    ("fedora", ("hats",), 4), ("礼帽", ("hats",), 4),
    # cosmetics
    ("手工皂", ("cosmetics",), 4), ("soap", ("cosmetics",), 4),
    ("savon", ("cosmetics",), 4),
    ("zeep", ("cosmetics",), 4),
    # jewellery
    ("银手链", ("jewellery",), 4), ("bracelet", ("jewellery",), 4),
    ("armband", ("jewellery",), 4),
    # bedding
    ("防螨", ("bedding",), 5), ("mattress protector", ("bedding",), 4),
    # toys
    ("玩具", ("toys",), 5), ("wanju", ("toys",), 5), ("jouet", ("toys",), 5),
    ("speelgoed", ("toys",), 5), ("toys", ("toys",), 5), ("木制玩具", ("toys",), 5),
]  # fmt: skip


def evaluate(
    ranked_categories: Callable[[str], list[str]],
) -> list[tuple[str, float, float, list[str]]]:
    """(query, precision, recall, the first five results' categories) of every case,
    over the first five results: precision is the share of them that are right,
    recall the share of the right answers (at most five) among them.
    ``ranked_categories(query)`` gives the category slug of each result in order."""
    rows = []
    for query, wanted, right in CASES:
        top = ranked_categories(query)[:5]
        hits = sum(1 for c in top[:right] if c in wanted)
        precision = hits / min(len(top), right) if top else 0.0
        rows.append((query, precision, hits / right, top))
    return rows
