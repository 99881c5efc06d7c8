"""The demo's reviews: its spam review is hidden for the fixed reason
"advertising or contact details", with the operator's own words beside it."""

from etalage.demo import reviews as demo_reviews
from etalage.reviews.models import HideReason


def test_the_demo_hides_its_spam_for_advertising_or_contact_details(monkeypatch):
    hidden: dict = {}

    class Written:
        def __init__(self, stars: int) -> None:
            self.stars, self.merchant, self.buyer = stars, object(), object()

    said = [stars for language in demo_reviews.SAID.values()
            for stars, _text, _photo in language]  # fmt: skip
    written = iter(Written(stars) for stars in said)
    monkeypatch.setattr(demo_reviews, "_reviewer", lambda *a: object())
    monkeypatch.setattr(demo_reviews, "_delivered_order", lambda *a: object())
    monkeypatch.setattr(demo_reviews, "_photo", lambda line: [])

    class Line:
        class variant:  # noqa: N801
            class product:  # noqa: N801
                class merchant:  # noqa: N801
                    slug = ""

    class Lines:
        def filter(self, **kw):
            return self

        def select_related(self, *a):
            return [Line(), Line(), Line()]

    monkeypatch.setattr(demo_reviews.OrderLine, "objects", Lines())
    monkeypatch.setattr(demo_reviews, "REVIEWERS", [
        (u, r, lang, ["", "", ""]) for u, r, lang, _m in demo_reviews.REVIEWERS
    ])  # fmt: skip
    monkeypatch.setattr(demo_reviews, "review_write", lambda **kw: next(written))
    monkeypatch.setattr(demo_reviews, "review_reply", lambda **kw: None)
    monkeypatch.setattr(demo_reviews, "review_report", lambda **kw: None)
    monkeypatch.setattr(demo_reviews, "review_hide", lambda **kw: hidden.update(kw))

    class Users:
        class objects:  # noqa: N801
            @staticmethod
            def get(**kw):
                return "operator"

    monkeypatch.setattr(demo_reviews, "get_user_model", lambda: Users)
    demo_reviews.demo_reviews(pay=lambda order, how: None, log=lambda text: None)
    assert hidden["code"] == HideReason.ADVERTISING
    assert hidden["reason"] and "Advertising" not in hidden["reason"]
