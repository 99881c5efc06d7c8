"""The back-office's first page writes the admin's list of applications and
models in Python (``web.backoffice.app_list_html``): the same HTML, byte for
byte, as Django's own ``admin/app_list.html`` (read from Django, so an upgrade
that changes it fails here), for the operator's real list and for lists with
every kind of row, in the four languages, names escaped."""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.template import Context, Engine
from django.test import RequestFactory
from django.utils import translation

from etalage.web.backoffice.app_list_html import app_list_html

LANGUAGES = ("zh-hans", "fr", "nl", "en")
NASTY = '<b>"Tom & Jerry\'s"</b>'


def _by_template(app_list, path):
    request = RequestFactory().get(path)
    template = Engine.get_default().get_template("admin/app_list.html")
    return template.render(
        Context({"app_list": app_list, "request": request, "show_changelinks": True})
    )


def _model(name, admin_url="/backoffice/a/m/", add_url=None, view_only=False):
    return {
        "name": name,
        "object_name": name.title().replace(" ", ""),
        "admin_url": admin_url,
        "add_url": add_url,
        "view_only": view_only,
    }


def _apps():
    return [
        {"name": "Orders", "app_label": "orders", "app_url": "/backoffice/orders/",
         "models": [_model("Orders", "/backoffice/orders/order/"),
                    _model("Sub-orders", "/backoffice/orders/suborder/",
                           "/backoffice/orders/suborder/add/", view_only=True)]},
        {"name": NASTY, "app_label": 'x"y', "app_url": '/backoffice/<x>/?a="1"&b',
         "models": [_model(NASTY, '/backoffice/<x>/"m"/', '/add/?a=<1>&b="2"'),
                    _model("No page", None, "/backoffice/x/add/"),
                    _model("Nothing", None, None)]},
        {"name": "Empty", "app_label": "empty", "app_url": "/backoffice/empty/",
         "models": []},
    ]  # fmt: skip


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    "path",
    ["/backoffice/", "/backoffice/orders/", "/backoffice/orders/suborder/",
     '/backoffice/<x>/"m"/', "/backoffice/订单/"],
)  # fmt: skip
def test_the_renderer_writes_what_djangos_template_wrote(language, path):
    with translation.override(language):
        assert app_list_html(_apps(), path) == _by_template(_apps(), path)
        assert app_list_html([], path) == _by_template([], path)


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_operators_own_list_is_written_as_the_template_wrote_it(language):
    """The whole back-office as the operator (every model) and as staff who may
    only view the orders."""
    users = get_user_model()
    staff = users.objects.create_user("clerk", is_staff=True)
    staff.user_permissions.add(Permission.objects.get(codename="view_order"))
    for user in (users.objects.create_superuser("op", "op@example.com", "pw"), staff):
        request = RequestFactory().get("/backoffice/")
        request.user = users.objects.get(pk=user.pk)
        with translation.override(language):
            apps = admin.site.get_app_list(request)
            assert apps
            html = app_list_html(apps, "/backoffice/")
            assert html == _by_template(apps, "/backoffice/")


def test_every_value_is_escaped():
    html = app_list_html(_apps(), "/backoffice/")
    assert NASTY not in html and "&lt;b&gt;&quot;Tom &amp; Jerry&#x27;s&quot;" in html
    assert 'href="/backoffice/&lt;x&gt;/?a=&quot;1&quot;&amp;b"' in html
    assert 'class="app-x&quot;y module"' in html
