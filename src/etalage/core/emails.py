"""Emails rendered from a pair of templates, in the reader's language."""

from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation


def render_email(
    template: str, context: dict[str, Any], language: str
) -> tuple[str, str]:
    """Render ``<template>.subject.txt`` and ``<template>.txt`` in ``language``, with
    the site's address as ``site_url``; return (subject, body)."""
    with translation.override(language):
        full = {"site_url": settings.ETALAGE_SITE_URL, **context}
        subject = render_to_string(f"{template}.subject.txt", full, using="text")
        return subject.strip(), render_to_string(f"{template}.txt", full, using="text")
