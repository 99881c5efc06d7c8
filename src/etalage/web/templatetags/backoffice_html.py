"""The back-office's first page's parts written by Python (``{% load
backoffice_html %}``)."""

from django import template
from django.utils.safestring import SafeString

from etalage.web.backoffice.app_list_html import app_list_html

register = template.Library()


@register.simple_tag(takes_context=True)
def admin_app_list(context: template.Context) -> SafeString:
    """``{% include "admin/app_list.html" with show_changelinks=True %}``, the
    same HTML written without the template engine."""
    return app_list_html(context["app_list"], context["request"].path)
