"""The catalogue's categories over the API (no sign-in), named in the language asked
for."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from etalage.api.errors import ApiError, ErrorOut, not_found
from etalage.api.schemas import (
    CategoryOut,
)
from etalage.catalog import selectors as catalog
from etalage.core.languages import LANGUAGE_CODES

router = Router()
ERRORS = {400: ErrorOut, 404: ErrorOut, 422: ErrorOut}


class LanguageQuery(Schema):
    lang: str = Field("zh-hans", description="zh-hans, fr, nl or en.")


def _language(query: LanguageQuery) -> str:
    language = query.lang.lower()
    if language not in LANGUAGE_CODES:
        raise ApiError(
            422, "invalid", f"lang must be one of {', '.join(LANGUAGE_CODES)}", "lang"
        )
    return language


def _category_out(node: catalog.CategoryNode) -> CategoryOut:
    return CategoryOut(
        slug=node.slug,
        name=node.name,
        parent=node.parent.slug if node.parent else None,
        children=[child.slug for child in node.children],
    )


@router.get(
    "/categories", response={200: list[CategoryOut], **ERRORS}, tags=["catalogue"]
)
def categories_list(
    request: HttpRequest, query: Query[LanguageQuery]
) -> list[CategoryOut]:
    """List every category, named in the language asked for, parents first."""
    tree = catalog.category_tree(language=_language(query))
    ordered: list[catalog.CategoryNode] = []
    stack = list(reversed(tree.roots))
    while stack:
        node = stack.pop()
        ordered.append(node)
        stack.extend(reversed(node.children))
    return [_category_out(node) for node in ordered]


@router.get(
    "/categories/{slug}", response={200: CategoryOut, **ERRORS}, tags=["catalogue"]
)
def category_get(
    request: HttpRequest, slug: str, query: Query[LanguageQuery]
) -> CategoryOut:
    """Return one category with its parent and children."""
    tree = catalog.category_tree(language=_language(query))
    node = tree.by_slug.get(slug)
    if node is None:
        raise not_found(f"category {slug!r}", "slug")
    return _category_out(node)
