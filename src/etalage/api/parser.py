"""Request bodies and query strings as the API accepts them: a JSON object, and
text the database can store. A lone surrogate ("\\ud800") or a NUL character
anywhere is refused with 422 and the field it was in, never carried to the database
(where it would be a 500)."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from ninja.errors import ValidationError
from ninja.parser import Parser


def _refuse(where: list[str | int], what: str) -> ValidationError:
    return ValidationError(
        [{"loc": ["body", *where], "msg": f"text with {what} is refused",
          "type": "string_type"}]
    )  # fmt: skip


def _check(value: Any, where: list[str | int]) -> None:
    if isinstance(value, str):
        if "\x00" in value:
            raise _refuse(where, "a NUL character")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise _refuse(where, "a lone surrogate") from None
    elif isinstance(value, dict):
        for key, item in value.items():
            _check(key, where)
            _check(item, [*where, key])
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check(item, [*where, index])


class StrictParser(Parser):
    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        body = json.loads(request.body)
        if not isinstance(body, dict):  # every body of this API is a JSON object
            raise ValidationError(
                [{"loc": ["body"], "msg": "send a JSON object", "type": "dict_type"}]
            )
        _check(body, [])
        return body  # type: ignore[no-any-return]

    def parse_querydict(
        self, data: MultiValueDict, list_fields: list[str], request: HttpRequest
    ) -> dict[str, Any]:
        result = super().parse_querydict(data, list_fields, request)
        for key, value in result.items():
            try:
                _check(value, [key])
            except ValidationError as refused:
                refused.errors[0]["loc"][0] = "query"
                raise
        return result
