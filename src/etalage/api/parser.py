"""Request bodies and query strings as the API accepts them: a JSON object, and
text that may leave Étalage. A character that no text field takes
(``etalage.core.text``: a NUL, a lone surrogate ("\\ud800"), any other control
character but tab and line breaks) is refused anywhere with 422 and the field it was
in, never carried to the database, a customs message, a label or a bank file; whether
a field may hold line breaks is the service's to say."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from django.utils.datastructures import MultiValueDict
from ninja.errors import ValidationError
from ninja.parser import Parser

from etalage.core.text import text_refusal


def _check(value: Any, where: list[str | int]) -> None:
    if isinstance(value, str):
        refusal = text_refusal(value, multiline=True)
        if refusal is not None:
            raise ValidationError(
                [
                    {
                        "loc": ["body", *where],
                        "msg": refusal.messages[0],
                        "type": "string_type",
                    }
                ]
            )
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
        return body

    def parse_querydict(
        self,
        data: MultiValueDict[str, str],
        list_fields: list[str],
        request: HttpRequest,
    ) -> dict[str, Any]:
        result = super().parse_querydict(data, list_fields, request)
        for key, value in result.items():
            try:
                _check(value, [key])
            except ValidationError as refused:
                refused.errors[0]["loc"][0] = "query"
                raise
        return result
