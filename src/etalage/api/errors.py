"""The one error shape of the API: a stable code, a human message, the field at fault.

{"error": {"code": "invalid", "message": "…", "field": "price_min"}}
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext, ngettext
from ninja import Schema


class ErrorDetail(Schema):
    code: str
    message: str
    field: str | None = None


class ErrorOut(Schema):
    error: ErrorDetail


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, field: str | None = None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field


def error_body(
    code: str, message: str, field: str | None = None
) -> dict[str, dict[str, str | None]]:
    return {"error": {"code": code, "message": message, "field": field}}


def not_found(what: str, field: str | None = None) -> ApiError:
    return ApiError(404, "not_found", f"{what} does not exist", field)


# The same Idempotency-Key sent with another request, by a buyer or a merchant:
# a conflict with the request the key first answered (docs/api.md).
IDEMPOTENCY_KEY_REUSED = 409


def idempotency_key_reused() -> ApiError:
    return ApiError(
        IDEMPOTENCY_KEY_REUSED,
        "idempotency_key_reused",
        gettext("This Idempotency-Key was sent before with another request."),
        "Idempotency-Key",
    )


def refusal_said(error: dict[str, Any]) -> str:
    """A refusal of the input's checks (pydantic's) in the reader's language, in
    Django's own words for it; pydantic's English words for the rarer ones, and
    the words of Étalage's own checks (the parser's) as they are."""
    kind, limits = error.get("type", ""), error.get("ctx") or {}
    if kind == "missing":
        return gettext("This field is required.")
    if kind in ("string_too_long", "string_too_short") and isinstance(
        error.get("input"), str
    ):
        limit = int(limits.get("max_length", limits.get("min_length", 0)))
        figures = {"limit_value": limit, "show_value": len(str(error.get("input")))}
        if kind == "string_too_long":
            return (
                ngettext(
                    "Ensure this value has at most %(limit_value)d character (it has "
                    "%(show_value)d).",
                    "Ensure this value has at most %(limit_value)d characters (it has "
                    "%(show_value)d).",
                    limit,
                )
                % figures
            )
        return (
            ngettext(
                "Ensure this value has at least %(limit_value)d character (it has "
                "%(show_value)d).",
                "Ensure this value has at least %(limit_value)d characters (it has "
                "%(show_value)d).",
                limit,
            )
            % figures
        )
    if kind in ("less_than_equal", "less_than"):
        return gettext(
            "Ensure this value is less than or equal to %(limit_value)s."
        ) % {"limit_value": limits.get("le", limits.get("lt"))}
    if kind in ("greater_than_equal", "greater_than"):
        return gettext(
            "Ensure this value is greater than or equal to %(limit_value)s."
        ) % {"limit_value": limits.get("ge", limits.get("gt"))}
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return gettext("Enter a whole number.")
    if kind in ("decimal_parsing", "decimal_type", "float_parsing"):
        return gettext("Enter a number.")
    if kind in ("uuid_parsing", "uuid_type"):
        return gettext("Enter a valid UUID.")
    return str(error.get("msg", "invalid input"))
