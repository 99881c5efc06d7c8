"""A product page's promotions are kept with its body and the reader's own parts
filled per request (``web.storefront.promotions``): the same HTML, byte for byte,
as the template that read the reader's standings itself
(``promotions_template.html`` beside this test, the storefront's
``_promotions.html`` as it was), in the four languages, for a visitor and a
signed-in buyer, every value escaped."""

from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace
from uuid import uuid4

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, engines
from django.utils import translation

from etalage.web.storefront import promotions
from etalage.web.templatetags import coupon_standings as standings_tag

LANGUAGES = ("zh-hans", "fr", "nl", "en")
TEMPLATE = (Path(__file__).parent / "promotions_template.html").read_text()
NASTY = '<b>"Tom & Jerry\'s"</b>'
SECRET = "s" * 32
TOKEN = "the-viewers-masked-token"


@pytest.fixture
def standings(monkeypatch):
    keys = [str(uuid4()) for _ in range(3)]
    mine = {keys[0]: "used", keys[1]: "claimed"}

    def read(*, buyer_id, promotion_ids):
        return {k: v for k, v in mine.items() if k in promotion_ids} if buyer_id else {}

    monkeypatch.setattr(standings_tag, "coupon_standings", read)
    monkeypatch.setattr(promotions, "coupon_standings", read)
    return keys


def _request(rf, signed_in):
    request = rf.get("/en/p/x/", {"reviews": "2", "q": NASTY, "x": "a&b'c"})
    request.user = (
        SimpleNamespace(is_authenticated=True, pk=7) if signed_in else AnonymousUser()
    )
    request.META["CSRF_COOKIE"] = SECRET
    request._etalage_csrf = (SECRET, TOKEN)
    return request


@pytest.mark.parametrize("signed_in", [False, True])
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_kept_promotions_filled_are_what_the_template_wrote(
    rf, standings, language, signed_in
):
    request = _request(rf, signed_in)
    coupons = [(key, f"{NASTY} {n}") for n, key in enumerate(standings)]
    offers = [NASTY, "10 € off from 50 €"]
    flash = [
        {
            "label": NASTY,
            "price": "¥8.00",
            "regular": "¥10.00",
            "ends_at": datetime(2024, 7, 1, 12, 30, tzinfo=UTC),
        }
    ]
    with translation.override(language):
        template = engines["django"].engine.from_string(TEMPLATE)
        expected = template.render(
            Context(
                {
                    "coupons": coupons,
                    "offers": offers,
                    "sales": flash,
                    "next": request.get_full_path(),
                    "user": request.user,
                    "csrf_token": TOKEN,
                }
            )
        )
        kept = promotions.promotions_rendered((coupons, offers), flash)
        filled = promotions.promotions_filled(request, kept, (coupons, offers))
    assert str(filled) == expected
    assert "<coupon-standing" not in filled and "<promotions-next" not in filled
    assert "Tom &amp; Jerry" in filled and NASTY not in filled


def test_nothing_to_show_is_nothing(rf):
    request = _request(rf, False)
    assert promotions.promotions_rendered(([], []), []) == ""
    assert promotions.promotions_filled(request, "", ([], [])) == ""


def test_a_visitors_words_cannot_fill_a_slot(rf, standings):
    """The way back is escaped before it goes in: a slot's name in the address
    stays text."""
    request = rf.get("/en/p/x/", {"q": f"<coupon-standing-{standings[0]}/>"})
    request.user = AnonymousUser()
    request.META["CSRF_COOKIE"] = SECRET
    request._etalage_csrf = (SECRET, TOKEN)
    coupons = [(standings[0], "A coupon")]
    with translation.override("en"):
        kept = promotions.promotions_rendered((coupons, []), [])
        filled = promotions.promotions_filled(request, kept, (coupons, []))
    assert filled.count("Sign in to claim") == 1
    assert "<coupon-standing" not in filled
