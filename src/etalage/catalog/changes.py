"""Changes to the reviewed fields of a live listing go to the operator first.

A live listing was reviewed as it is: its names, HS code, tax class, origin,
category and its variants' net content decide whether it may be sold to China and
how it is taxed. When a merchant changes one of them — in the portal, through the
API or by an import — the change waits in a ``ListingChange`` while the approved
version stays on sale; other fields (brand, descriptions, prices, stock) change at
once. The operator approves or rejects a change here (``listing_change_approve``,
``listing_change_reject``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from uuid import UUID

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from etalage.catalog.exceptions import ListingRuleBroken
from etalage.catalog.listing_prices import product_price_from_refresh
from etalage.catalog.models import Category, ListingChange, Product, ProductTranslation
from etalage.catalog.rules import listing_problems
from etalage.customs.selectors import net_unit_problem

# The product fields a change to a live listing puts up for review.
REVIEWED_FIELDS = ("category", "hs_code", "tax_class", "origin_country")


def _stored(name: str, value: Any) -> str:
    if name == "category":
        return str(value.pk if isinstance(value, Category) else value)
    return str(value)


def _live_value(product: Product, name: str) -> str:
    if name == "category":
        return str(product.category_id)
    return str(getattr(product, name))


def reviewed_texts(
    product: Product, texts: Mapping[str, Mapping[str, str]]
) -> tuple[dict[str, dict[str, str]], dict[str, dict[str, str]]]:
    """Split texts for a live listing into (what changes at once, what is reviewed):
    a name is reviewed, a description or ingredients are not, and a language the
    listing does not have yet is reviewed whole (it comes with its name)."""
    current = {t.language: t for t in product.translations.all()}
    direct: dict[str, dict[str, str]] = {}
    reviewed: dict[str, dict[str, str]] = {}
    for language, text in texts.items():
        if language not in current:
            reviewed[language] = dict(text)
            continue
        direct[language] = {k: v for k, v in text.items() if k != "name"}
        if "name" in text:
            reviewed[language] = {"name": text["name"]}
    return direct, reviewed


@transaction.atomic
def listing_change_propose(
    *,
    product: Product,
    fields: Mapping[str, Any] | None = None,
    texts: Mapping[str, Mapping[str, str]] | None = None,
    nets: Mapping[UUID, tuple[int, str]] | None = None,
) -> ListingChange | None:
    """Put changes to a live listing's reviewed fields up for review, joining the
    change already pending. A value equal to the live one drops out (changing a
    field back withdraws that part); returns the pending change, or None when
    nothing differs from what is on sale. Values are checked by the caller."""
    product = Product.objects.select_for_update().get(pk=product.pk)
    change = ListingChange.objects.filter(
        product=product, status=ListingChange.Status.PENDING
    ).first()
    pending_fields = dict(change.fields) if change else {}
    for name, value in (fields or {}).items():
        if name not in REVIEWED_FIELDS:
            raise ValueError(f"{name} is not a reviewed field")
        if _stored(name, value) == _live_value(product, name):
            pending_fields.pop(name, None)
        else:
            pending_fields[name] = _stored(name, value)
    pending_texts = dict(change.texts) if change else {}
    live_names = {t.language: t.name for t in product.translations.all()}
    for language, text in (texts or {}).items():
        if language in live_names and text.get("name") == live_names[language]:
            pending_texts.pop(language, None)
        else:
            pending_texts[language] = dict(text)
    pending_nets = dict(change.nets) if change else {}
    live_nets = {
        str(pk): [content, unit]
        for pk, content, unit in product.variants.values_list(
            "pk", "net_content", "net_unit"
        )
    }
    for variant_id, (content, unit) in (nets or {}).items():
        key = str(variant_id)
        if live_nets.get(key) == [content, unit]:
            pending_nets.pop(key, None)
        elif key in live_nets:
            pending_nets[key] = [content, unit]
    if not (pending_fields or pending_texts or pending_nets):
        if change is not None:
            change.delete()
        return None
    if change is None:
        change = ListingChange(product=product)
    change.fields, change.texts, change.nets = (
        pending_fields,
        pending_texts,
        pending_nets,
    )
    change.save()
    return change


def _change_for_decision(change: ListingChange) -> ListingChange:
    change = ListingChange.objects.select_for_update().get(pk=change.pk)
    if change.status != ListingChange.Status.PENDING:
        raise ListingRuleBroken(_("This change was already decided."))
    return change


@transaction.atomic
def listing_change_approve(
    *, change: ListingChange, reviewer: User | None
) -> ListingChange:
    """Apply a change to a live listing, if the listing still meets the
    marketplace's rules with it (else nothing changes and it stays pending)."""
    change = _change_for_decision(change)
    product = Product.objects.select_for_update().get(pk=change.product_id)
    for name, value in change.fields.items():
        if name == "category":
            product.category = Category.objects.get(pk=value)
        else:
            setattr(product, name, value)
    product.full_clean(exclude=["slug", "merchant"])
    product.save()
    for language, values in change.texts.items():
        ProductTranslation.objects.update_or_create(
            product=product, language=language, defaults=values
        )
    for variant_id, (content, unit) in change.nets.items():
        product.variants.filter(pk=variant_id).update(
            net_content=content, net_unit=unit
        )
    problems = [
        problem
        for unit in set(product.variants.values_list("net_unit", flat=True))
        if (problem := net_unit_problem(hs_code=product.hs_code, net_unit=unit))
    ]
    problems += listing_problems(product=product) if product.is_live else []
    if problems:
        raise ListingRuleBroken(problems)  # the transaction rolls back
    product_price_from_refresh(product=product)
    change.status = ListingChange.Status.APPROVED
    change.reviewed_at, change.reviewed_by = timezone.now(), reviewer
    change.save(update_fields=["status", "reviewed_at", "reviewed_by", "updated_at"])
    return change


@transaction.atomic
def listing_change_reject(
    *, change: ListingChange, reviewer: User | None, reason: str
) -> ListingChange:
    """Refuse a change; the live listing stays as approved, the merchant sees why."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Give the merchant a reason for rejection.")}
        )
    change = _change_for_decision(change)
    change.status = ListingChange.Status.REJECTED
    change.rejection_reason = reason
    change.reviewed_at, change.reviewed_by = timezone.now(), reviewer
    change.save()
    return change
