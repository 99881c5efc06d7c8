"""The back-office in a real browser: links in a line of text (the breadcrumbs of the
trial balance and of every page) are told from that text by more than colour, as
WCAG 1.4.1 asks and axe-core's ``link-in-text-block`` rule checks: underlined, or
at a contrast of 3:1 with the text around them."""

import pytest
from django.contrib.auth import get_user_model

from etalage.web.tests.test_browser import browser_page  # noqa: F401

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# What axe-core computes for link-in-text-block: the link's own styling, else the
# contrast of its colour with its parent's (WCAG relative luminance).
TOLD_APART = """
(link) => {
  const style = getComputedStyle(link);
  const around = getComputedStyle(link.parentElement);
  if (style.textDecorationLine.includes("underline")) return "underlined";
  const luminance = (css) => {
    const [r, g, b] = css.match(/[\\d.]+/g).slice(0, 3).map(Number).map((v) => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [a, b] = [luminance(style.color), luminance(around.color)];
  const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
  const said = ratio.toFixed(2) + ":1";
  return ratio >= 3 ? "contrast " + said : "by colour alone, " + said;
}
"""


@pytest.mark.parametrize("width", [390, 1280])
def test_the_trial_balance_s_breadcrumb_links_are_told_apart_from_its_text(
    browser_page,  # noqa: F811 (the fixture imported above)
    live_server,
    markets,
    width,
):
    get_user_model().objects.create_superuser("op", "op@example.com", "pw-op-123")
    page = browser_page
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/backoffice/login/")
    page.fill("#id_username", "op")
    page.fill("#id_password", "pw-op-123")
    page.click("input[type=submit]")
    for path in ("/backoffice/ledger/account/", "/backoffice/ledger/payoutrun/run/"):
        page.goto(live_server.url + path)
        links = page.locator("div.breadcrumbs a")
        assert links.count() >= 1
        for n in range(links.count()):
            told = links.nth(n).evaluate(TOLD_APART)
            assert not told.startswith("by colour alone"), (path, n, told)
