"""The back-office's first page lists the admin's applications and their models
(Django's ``admin/app_list.html``), written by Python: its 53 models,
each row a dozen template nodes, cost the operator's dashboard page about 7 ms of
CPU through the template engine, more than its ten charts and their tables.
``web/tests/test_app_list_html.py`` holds this to Django's own template, byte for
byte, in the four languages, names escaped; the other admin pages (the nav
sidebar) still use the template."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import quote

from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext


def _e(value: object) -> str:
    """A value as a template's variable shows it: text, escaped."""
    return conditional_escape(value if isinstance(value, str) else str(value))


def _within(part: object, whole: str) -> bool:
    """The template's ``part in whole`` (False when ``part`` is not text)."""
    try:
        return part in whole  # type: ignore[operator]
    except TypeError:
        return False


def _model_html(app_label: str, model: Mapping[str, Any], path: str) -> str:
    name = str(model["object_name"]).lower()
    ident = f"{_e(app_label)}-{_e(name)}"
    admin_url, add_url = model.get("admin_url"), model.get("add_url")
    current = admin_url and _within(admin_url, path)
    parts = [
        f'\n          \n            <tr class="model-{_e(name)}'
        f'{" current-model" if current else ""}">\n'
        f'              <th scope="row" id="{ident}">\n                '
    ]
    if admin_url:
        aria = ' aria-current="page"' if current else ""
        parts.append(
            f'\n                  <a href="{_e(admin_url)}"{aria}>'
            f"{_e(model['name'])}</a>\n                "
        )
    else:
        parts.append(f"\n                  {_e(model['name'])}\n                ")
    parts.append("\n              </th>\n\n              ")
    if add_url:
        parts.append(
            f'\n                <td><a href="{_e(add_url)}" class="addlink"'
            f' aria-describedby="{ident}">{gettext("Add")}</a></td>\n              '
        )
    else:
        parts.append("\n                <td></td>\n              ")
    parts.append("\n\n              ")
    if admin_url:
        kind, word = (
            ("viewlink", gettext("View"))
            if model.get("view_only")
            else ("changelink", gettext("Change"))
        )
        parts.append(
            f'\n                \n                  <td><a href="{_e(admin_url)}"'
            f' class="{kind}" aria-describedby="{ident}">{word}</a></td>\n'
            "                \n              "
        )
    else:
        parts.append("\n                <td></td>\n              ")
    parts.append("\n            </tr>\n          \n        ")
    return "".join(parts)


def app_list_html(app_list: Iterable[Mapping[str, Any]], path: str) -> SafeString:
    """What ``admin/app_list.html`` writes for ``app_list`` with the change links
    shown (the index's ``show_changelinks=True``), on the page at ``path``."""
    path = quote(path)
    apps = list(app_list)
    if not apps:
        refused = gettext("You don’t have permission to view or edit anything.")
        return mark_safe(f"\n\n\n  <p>{refused}</p>\n\n")  # noqa: S308 (a translation)
    heads = (
        '        <thead class="visually-hidden">\n          <tr>\n'
        f'            <th scope="col">{gettext("Model name")}</th>\n'
        f'            <th scope="col">{gettext("Add link")}</th>\n'
        f'            <th scope="col">{gettext("Change or view list link")}</th>\n'
        "          </tr>\n        </thead>\n        "
    )
    parts = ["\n\n\n  "]
    for app in apps:
        label, name = app["app_label"], _e(app["name"])
        current = " current-app" if _within(app["app_url"], path) else ""
        title = gettext("Models in the %(name)s application") % {"name": name}
        parts.append(
            f'\n    <div class="app-{_e(label)} module{current}">\n      <table>\n'
            f'        <caption>\n          <a href="{_e(app["app_url"])}"'
            f' class="section" title="{title}">{name}</a>\n        </caption>\n' + heads
        )
        parts += [_model_html(label, model, path) for model in app["models"]]
        parts.append("\n      </table>\n    </div>\n  ")
    parts.append("\n\n")
    return mark_safe("".join(parts))  # noqa: S308 (every value escaped above)
