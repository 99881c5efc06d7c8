"""Emails to the buyer of an order: rendered in the order's language, sent to the
buyer's address (none when the buyer gave none)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.mail import send_mail

from etalage.core.emails import render_email
from etalage.orders.models import Order


def email_buyer(order: Order, template: str, context: dict[str, Any]) -> None:
    """Send ``<template>.subject.txt`` / ``<template>.txt`` to the order's buyer."""
    if not order.buyer.email:
        return
    subject, body = render_email(template, {"order": order, **context}, order.language)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [order.buyer.email])
