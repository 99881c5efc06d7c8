"""The languages Étalage speaks, with Django's language codes."""

from collections.abc import Iterable
from typing import Protocol, TypeVar

from django.db import models


class Language(models.TextChoices):
    ZH_HANS = "zh-hans", "简体中文"
    FR = "fr", "Français"
    NL = "nl", "Nederlands"
    EN = "en", "English"


LANGUAGE_CODES: tuple[str, ...] = tuple(Language.values)
# When a text is missing in the reader's language, show it in the first of these
# that exists. English is the common fallback for the catalogue.
FALLBACKS: tuple[str, ...] = ("en", "fr", "nl", "zh-hans")


class _Translation(Protocol):
    @property
    def language(self) -> str: ...


T = TypeVar("T", bound=_Translation)


def pick_translation(translations: Iterable[T], language: str) -> T | None:
    """Return the translation for ``language``, else the first fallback present."""
    by_language = {t.language: t for t in translations}
    if language in by_language:
        return by_language[language]
    for code in FALLBACKS:
        if code in by_language:
            return by_language[code]
    return None
