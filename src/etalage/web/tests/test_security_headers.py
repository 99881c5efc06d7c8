"""Headers and files that keep buyers' data where it belongs."""

import os
import stat
from types import SimpleNamespace

from etalage.core.apps import _private_sqlite_files
from etalage.imports import problems_csv
from etalage.imports.format import ImportProblem


def test_every_page_has_a_content_security_policy_without_inline_scripts(
    client, markets
):
    response = client.get("/en/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    html = response.content.decode()
    assert "<script>" not in html and "onsubmit=" not in html and "onclick=" not in html


def test_a_signed_in_page_is_never_stored_by_a_cache(client, shopping):
    assert "no-store" not in client.get("/en/").get("Cache-Control", "")
    client.force_login(shopping.buyer())
    assert "no-store" in client.get("/en/account/")["Cache-Control"]
    assert "no-store" in client.get("/en/")["Cache-Control"]


def test_the_api_docs_load_nothing_from_another_site(client, markets):
    html = client.get("/api/v1/docs").content.decode()
    assert "swagger-ui-bundle.js" in html
    assert "cdn." not in html and "https://" not in html.split("<body")[0]


def test_the_sqlite_file_is_readable_by_its_owner_only(tmp_path):
    database = tmp_path / "etalage.sqlite3"
    database.write_bytes(b"")
    os.chmod(database, 0o644)
    connection = SimpleNamespace(vendor="sqlite", settings_dict={"NAME": database})
    _private_sqlite_files(sender=None, connection=connection)
    assert stat.S_IMODE(database.stat().st_mode) == 0o600


def test_an_error_report_cell_never_runs_as_a_formula():
    report = problems_csv(
        [ImportProblem(row=2, column="name_fr", message='=HYPERLINK("http://x")'),
         ImportProblem(row=3, column="@sku", message="plain")]
    ).decode("utf-8-sig")  # fmt: skip
    assert "'=HYPERLINK" in report and "'@sku" in report and ",plain" in report


def test_every_page_names_its_icon(client, markets):
    assert (
        'rel="icon" href="/static/etalage/favicon.svg"'
        in client.get("/en/").content.decode()
    )


def test_the_icon_is_found_where_browsers_look_for_it(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == "/static/etalage/favicon.svg"
