"""Form widgets written by Python for the storefront's filter forms: the HTML
Django's own widget templates write (``django/forms/widgets/input.html``,
``attrs.html``, ``select.html``, ``select_option.html``), without a template
render per widget and per option (a category page's four filter widgets cost
18 % of its CPU through the template engine). Any other template goes to
Django's renderer; ``web/tests/test_widgets_html.py`` holds these to Django's
output byte for byte."""

from __future__ import annotations

from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString, mark_safe

_INPUTS = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in ("input", "text", "number", "email", "search", "hidden", "url")
)
_SELECT = "django/forms/widgets/select.html"


def _attrs(attrs: dict[str, Any]) -> str:
    return "".join(
        f" {conditional_escape(name)}"
        if value is True
        else f' {conditional_escape(name)}="{escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


def _input(widget: dict[str, Any]) -> str:
    value = widget["value"]
    shown = f' value="{escape(str(value))}"' if value is not None else ""
    return (
        f'<input type="{conditional_escape(widget["type"])}" '
        f'name="{conditional_escape(widget["name"])}"{shown}{_attrs(widget["attrs"])}>'
    )


def _option(option: dict[str, Any]) -> str:
    return (
        f'<option value="{escape(str(option["value"]))}"'
        f"{_attrs(option['attrs'])}>{conditional_escape(option['label'])}</option>"
    )


def _select(widget: dict[str, Any]) -> str:
    parts = [f'<select name="{conditional_escape(widget["name"])}"']
    parts.append(_attrs(widget["attrs"]) + ">")
    for _name, group_choices, _index in widget["optgroups"]:  # (no named groups)
        parts += ["\n  " + _option(option) + "\n" for option in group_choices]
    parts.append("\n</select>")
    return "".join(parts)


class StorefrontWidgets(DjangoTemplates):
    """Django's form renderer, with inputs and selects written by Python."""

    def render(
        self, template_name: str, context: dict[str, Any], request: Any = None
    ) -> SafeString:
        if template_name in _INPUTS:
            return mark_safe(_input(context["widget"]))  # noqa: S308 (escaped)
        if template_name == _SELECT and not any(
            name for name, _c, _i in context["widget"]["optgroups"]
        ):  # (named groups: Django's template)
            return mark_safe(_select(context["widget"]))  # noqa: S308 (escaped)
        return mark_safe(super().render(template_name, context, request))  # noqa: S308
