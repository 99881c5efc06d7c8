"""Writes of promotions: create, change and end them, claim coupons, set sale
prices, and take (or give back) an order's share of budgets and limits.

Who may do what is decided here, so every door agrees: a merchant's people (owner
or catalogue role) run their own shop's promotions, always merchant-funded; the
operator (staff) runs the platform's, platform-funded, for one merchant or the
whole pavilion. Budgets and limits are changed only under the promotions' row
locks, taken in key order, by conditional updates that the database's own checks
back up: two buyers never spend the same yuan of a budget.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from uuid import UUID

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from etalage.catalog.models import Product, Variant
from etalage.events.outbox import event_record
from etalage.events.types import ProductsChanged
from etalage.merchants.models import Merchant, MerchantMember
from etalage.merchants.permissions import (
    CATALOGUE_ROLES,
    member_role_check,
    merchant_write_check,
)
from etalage.money import Money
from etalage.promotions import core, editing
from etalage.promotions.models import CouponClaim, Promotion, Redemption, SalePrice
from etalage.promotions.selectors import buyer_used_up, live
from etalage.promotions.texts import refusal_message

CODE = re.compile(r"^[A-Z0-9][A-Z0-9-]{2,31}$")


class PromotionRefused(ValidationError):
    """A promotion, a claim or a redemption refused; ``message_dict`` names the
    field and the reason in the reader's language."""


@dataclass(frozen=True)
class PromotionTerms:
    """What a merchant or the operator fills in."""

    kind: str
    name: str
    starts_at: datetime
    ends_at: datetime
    budget: Decimal
    amount_off: Decimal = Decimal("0.00")
    percent_off: Decimal = Decimal("0.00")
    cap: Decimal | None = None
    threshold: Decimal = Decimal("0.00")
    code: str = ""
    claimable: bool = False
    total_limit: int | None = None
    per_buyer_limit: int = 1
    product_ids: Sequence[UUID] = field(default_factory=tuple)


def _check_terms(terms: PromotionTerms, merchant: Merchant | None, funder: str) -> str:
    """Refuse terms that make no sense, each with its field; the code normalised."""
    errors: dict[str, str] = {}
    code = terms.code.strip().upper()
    if terms.kind not in Promotion.Kind.values:
        errors["kind"] = _("Choose a coupon, a spend-and-save or free shipping.")
    if not terms.name.strip():
        errors["name"] = _("Give the promotion a name.")
    if terms.ends_at <= terms.starts_at:
        errors["ends_at"] = _("The end must come after the start.")
    if terms.budget <= 0:
        errors["budget"] = _("Give a budget above zero.")
    if code and not CODE.match(code):
        errors["code"] = _("A code is 3 to 32 letters, digits or dashes.")
    if code and terms.kind != Promotion.Kind.COUPON:
        errors["code"] = _("Only a coupon has a code.")
    if terms.per_buyer_limit < 1:
        errors["per_buyer_limit"] = _("Allow each buyer at least one use.")
    if terms.total_limit is not None and terms.total_limit < 1:
        errors["total_limit"] = _("Allow at least one use in all.")
    errors.update(_amount_errors(terms))
    if not errors:
        try:
            core.Offer(
                key="new",
                kind=core.Kind(terms.kind),
                funder=core.Funder(funder),
                merchant=str(merchant.pk) if merchant else None,
                amount_off=terms.amount_off,
                percent_off=terms.percent_off,
                cap=terms.cap,
                threshold=terms.threshold,
            )
        except ValueError:
            errors["kind"] = _("Free shipping is offered by one shop.")
    if errors:
        raise PromotionRefused(errors)
    return code


def _whole_fen(amount: Decimal | None) -> bool:
    return amount is None or (amount >= 0 and Money(amount, "CNY").is_rounded())


def _amount_errors(terms: PromotionTerms) -> dict[str, str]:
    """What each kind needs of its amounts, each refusal on its own field."""
    errors: dict[str, str] = {}
    for name in ("amount_off", "threshold", "cap", "budget"):
        if not _whole_fen(getattr(terms, name)):
            errors[name] = _("Give an amount in yuan, to the fen (two decimals).")
    if errors:
        return errors
    if terms.kind == Promotion.Kind.SPEND_AND_SAVE:
        if terms.threshold <= 0:
            errors["threshold"] = _("Give the step the buyer spends, above zero.")
        elif not 0 < terms.amount_off <= terms.threshold:
            errors["amount_off"] = _(
                "Give what each step saves: above zero and at most the step."
            )
        if terms.percent_off:
            errors["percent_off"] = _("A spend-and-save takes an amount off.")
    elif terms.kind == Promotion.Kind.COUPON:
        if (terms.amount_off > 0) == (terms.percent_off > 0):
            errors["amount_off"] = _(
                "Give either an amount off or a percentage off, not both."
            )
        elif terms.percent_off and not 0 < terms.percent_off < 100:
            errors["percent_off"] = _("Give a percentage above 0 and below 100.")
        if terms.cap is not None and not terms.percent_off:
            errors["cap"] = _("Only a percentage off has a cap.")
        elif terms.cap is not None and terms.cap <= 0:
            errors["cap"] = _("Give a cap above zero, or none.")
    elif terms.kind == Promotion.Kind.FREE_SHIPPING and (
        terms.amount_off or terms.percent_off
    ):
        errors["amount_off"] = _("Free shipping takes no amount off: leave it empty.")
    return errors


def promotion_terms_check(
    *, terms: PromotionTerms, merchant: Merchant | None, funder: str
) -> None:
    """Refuse terms that make no sense, each with its field (a form checks them
    before saving, as ``promotion_create`` and ``promotion_update`` will)."""
    _check_terms(terms, merchant, funder)


def _products_of(terms: PromotionTerms, merchant: Merchant | None) -> list[Product]:
    products = list(Product.objects.filter(pk__in=list(terms.product_ids)))
    if len(products) != len(set(terms.product_ids)) or (
        merchant is not None and any(p.merchant_id != merchant.pk for p in products)
    ):
        raise PromotionRefused({"products": _("Choose products of this shop.")})
    return products


def _code_free(code: str, promotion: Promotion | None = None) -> None:
    taken = Promotion.objects.filter(code=code)
    if promotion is not None:
        taken = taken.exclude(pk=promotion.pk)
    if code and taken.exists():
        raise PromotionRefused({"code": _("Another coupon already has this code.")})


def _may_run(merchant: Merchant, by: User | None) -> None:
    """Refuse unless the shop may write now and ``by``, when one of its people,
    has a role that runs the catalogue (owner or catalogue manager)."""
    merchant_write_check(merchant=merchant)
    if by is None or getattr(by, "is_staff", False):
        return
    member = MerchantMember.objects.filter(merchant=merchant, user=by).first()
    if member is not None:
        member_role_check(member=member, roles=CATALOGUE_ROLES)


def promotion_create(
    *, terms: PromotionTerms, by: User | None, merchant: Merchant | None = None
) -> Promotion:
    """A merchant's own promotion (merchant-funded), or with ``merchant`` None
    and ``by`` staff, the platform's (platform-funded, across the pavilion)."""
    if merchant is not None:
        _may_run(merchant, by)
        funder = Promotion.Funder.MERCHANT
    elif getattr(by, "is_staff", False):
        funder = Promotion.Funder.PLATFORM
    else:
        raise PromotionRefused(
            {"merchant": _("Only the operator runs the platform's.")}
        )
    code = _check_terms(terms, merchant, funder)
    products = _products_of(terms, merchant)
    with transaction.atomic():
        _code_free(code)
        promotion = Promotion.objects.create(
            kind=terms.kind,
            funder=funder,
            merchant=merchant,
            name=terms.name.strip()[:120],
            code=code,
            claimable=terms.claimable,
            amount_off=terms.amount_off,
            percent_off=terms.percent_off,
            cap=terms.cap,
            threshold=terms.threshold,
            starts_at=terms.starts_at,
            ends_at=terms.ends_at,
            budget=terms.budget,
            total_limit=terms.total_limit,
            per_buyer_limit=terms.per_buyer_limit,
            created_by=by,
        )
        promotion.products.set(products)
    return promotion


_CHANGEABLE = ("name", "code", "amount_off", "percent_off", "cap", "threshold",
               "claimable", "starts_at", "ends_at", "budget", "total_limit",
               "per_buyer_limit")  # fmt: skip


def _as_held(promotion: Promotion) -> dict[str, object]:
    values = {name: getattr(promotion, name) for name in _CHANGEABLE}
    values["kind"] = promotion.kind
    values["products"] = frozenset(p.pk for p in promotion.products.all())
    return values


def _change_message(refusal: editing.Refusal) -> str:
    return {
        editing.Refusal.KIND: _("A promotion keeps its kind."),
        editing.Refusal.HELD: _(
            "This cannot change once the promotion has started or a buyer has "
            "claimed or used it."
        ),
        editing.Refusal.SHRINK: _(
            "Once the promotion has started this may grow, not shrink."
        ),
        editing.Refusal.PAST: _(
            "The end cannot be in the past: use End now to end it."
        ),
        editing.Refusal.ENDED: _("This promotion has ended: it changes no more."),
    }[refusal]


def promotion_update(
    *,
    promotion: Promotion,
    terms: PromotionTerms,
    now: datetime | None = None,
    by: User | None = None,
) -> Promotion:
    """Change a promotion's terms, as far as where it stands allows
    (``editing.change_refusals``): once buyers hold it, only its name, a larger
    budget or limit and its end; its budget never below what it spent."""
    now = now or timezone.now()
    merchant = promotion.merchant
    if merchant is not None:
        _may_run(merchant, by)
    code = _check_terms(terms, merchant, promotion.funder)
    products = _products_of(terms, merchant)
    with transaction.atomic():
        locked = Promotion.objects.select_for_update().get(pk=promotion.pk)
        stage = editing.stage_of(
            starts_at=locked.starts_at, ends_at=locked.ends_at,
            ended_at=locked.ended_at, used=locked.used,
            claimed=locked.claims.exists(), now=now,
        )  # fmt: skip
        wanted: dict[str, object] = {name: getattr(terms, name) for name in _CHANGEABLE}
        wanted.update(
            name=terms.name.strip()[:120], code=code, kind=terms.kind,
            products=frozenset(p.pk for p in products),
        )  # fmt: skip
        refusals = editing.change_refusals(
            before=_as_held(locked), after=wanted, stage=stage, now=now
        )
        if refusals:
            raise PromotionRefused(
                {name: _change_message(why) for name, why in refusals.items()}
            )
        if terms.budget < locked.spent:
            raise PromotionRefused(
                {"budget": _("The budget cannot be below what was spent.")}
            )
        if terms.total_limit is not None and terms.total_limit < locked.used:
            raise PromotionRefused(
                {"total_limit": _("The uses in all cannot be below the uses so far.")}
            )
        _code_free(code, locked)
        for name in _CHANGEABLE:
            setattr(locked, name, wanted[name])
        locked.save()
        locked.products.set(products)
    return locked


def promotion_pause(
    *, promotion: Promotion, now: datetime | None = None, by: User | None = None
) -> Promotion:
    """Pause a promotion: it is neither shown nor taken until resumed; its window
    does not move. An ended one is left as it is."""
    if promotion.merchant is not None:
        _may_run(promotion.merchant, by)
    now = now or timezone.now()
    Promotion.objects.filter(
        pk=promotion.pk, ended_at__isnull=True, paused_at__isnull=True
    ).update(paused_at=now)
    promotion.refresh_from_db()
    return promotion


def promotion_resume(*, promotion: Promotion, by: User | None = None) -> Promotion:
    """Offer a paused promotion again, for what is left of its window."""
    if promotion.merchant is not None:
        _may_run(promotion.merchant, by)
    Promotion.objects.filter(pk=promotion.pk, ended_at__isnull=True).update(
        paused_at=None
    )
    promotion.refresh_from_db()
    return promotion


def promotion_end(
    *, promotion: Promotion, now: datetime | None = None, by: User | None = None
) -> Promotion:
    """End a promotion now; orders placed with it keep what it took off."""
    if promotion.merchant is not None:
        _may_run(promotion.merchant, by)
    now = now or timezone.now()
    Promotion.objects.filter(pk=promotion.pk, ended_at__isnull=True).update(
        ended_at=now
    )
    promotion.refresh_from_db()
    return promotion


def coupon_claim(
    *, promotion_id: UUID | str, buyer: User, now: datetime | None = None
) -> CouponClaim:
    """The buyer takes a claimable coupon into *My account* (once)."""
    now = now or timezone.now()
    promotion = (
        Promotion.objects.filter(
            live(now), pk=promotion_id, kind=Promotion.Kind.COUPON, claimable=True
        )
        .only("pk", "per_buyer_limit")
        .first()
    )
    if promotion is None:
        raise PromotionRefused(
            {"coupon": _("This coupon cannot be claimed: it ended or was used up.")}
        )
    if buyer_used_up(promotion=promotion, buyer_id=buyer.pk):
        raise PromotionRefused(
            {"coupon": _("You have already used this coupon as often as it allows.")}
        )
    claim, _created = CouponClaim.objects.get_or_create(
        promotion=promotion, buyer=buyer
    )
    return claim


def sale_price_set(
    *,
    variant: Variant,
    price_eur: Decimal,
    starts_at: datetime,
    ends_at: datetime,
) -> SalePrice:
    """A flash sale on a variant: below its regular price, one at a time."""
    merchant_write_check(merchant=variant.merchant)
    errors: dict[str, str] = {}
    if not variant.is_active:
        errors["variant"] = _("This variant is not on sale: activate it first.")
    if not Money(price_eur, "EUR").is_rounded() or not (
        Decimal("0.01") <= price_eur < variant.price_eur
    ):
        errors["price_eur"] = _(
            "A sale price is below the regular price, in euros and cents."
        )
    if ends_at <= starts_at:
        errors["ends_at"] = _("The end must come after the start.")
    elif ends_at <= timezone.now():
        errors["ends_at"] = _("The end must be in the future.")
    if errors:
        raise PromotionRefused(errors)
    overlapping = SalePrice.objects.filter(
        variant=variant, ended_at__isnull=True, starts_at__lt=ends_at,
        ends_at__gt=starts_at,
    )  # fmt: skip
    if overlapping.exists():
        raise PromotionRefused(
            {"starts_at": _("Another sale of this variant runs at that time.")}
        )
    # The product's page keeps its sales until the next starts or ends: a new one
    # is a change of the product.
    with transaction.atomic():
        sale = SalePrice.objects.create(
            variant=variant, price_eur=price_eur, starts_at=starts_at, ends_at=ends_at
        )
        event_record(ProductsChanged(product_ids=(variant.product_id,)))
    return sale


def sale_price_end(*, sale: SalePrice, now: datetime | None = None) -> SalePrice:
    """End a sale now (or call off one to come); orders keep the price paid."""
    merchant_write_check(merchant=sale.variant.merchant)
    now = now or timezone.now()
    with transaction.atomic():
        SalePrice.objects.filter(pk=sale.pk, ended_at__isnull=True).update(ended_at=now)
        event_record(ProductsChanged(product_ids=(sale.variant.product_id,)))
    sale.refresh_from_db()
    return sale


def _refused(refusal: core.Refusal, language: str) -> PromotionRefused:
    return PromotionRefused(
        {
            "coupon": ValidationError(
                refusal_message(refusal, None, language), code=str(refusal)
            )
        }  # fmt: skip
    )


def redemptions_take(
    *,
    order_id: UUID,
    buyer_id: int,
    amounts: Mapping[str, Decimal],
    now: datetime,
    language: str,
) -> list[Redemption]:
    """Count an order's use of each promotion (``amounts``: promotion key -> what
    it took off the whole order) against its budget and limits. Runs inside the
    placement's transaction: the promotions' rows are locked in key order, and a
    promotion that ran out meanwhile refuses the order with the reason."""
    keys = sorted(UUID(key) for key, amount in amounts.items() if amount > 0)
    locked = {
        str(p.pk): p
        for p in Promotion.objects.select_for_update()
        .filter(pk__in=keys)
        .order_by("pk")
    }
    redemptions = []
    for key in map(str, keys):
        promotion, amount = locked[key], amounts[key]
        if not (promotion.starts_at <= now < promotion.ends_at) or promotion.ended_at:
            raise _refused(core.Refusal.EXPIRED, language)
        if promotion.paused_at is not None:
            raise _refused(core.Refusal.PAUSED, language)
        uses = Redemption.objects.filter(
            promotion=promotion, buyer_id=buyer_id, released_at__isnull=True
        ).count()
        if (
            promotion.kind == Promotion.Kind.COUPON
            and uses >= promotion.per_buyer_limit
        ):
            raise _refused(core.Refusal.LIMIT_USED, language)
        room = Promotion.objects.filter(
            pk=promotion.pk, spent__lte=F("budget") - amount
        )
        if promotion.total_limit is not None:
            room = room.filter(used__lt=promotion.total_limit)
        if not room.update(spent=F("spent") + amount, used=F("used") + 1):
            raise _refused(core.Refusal.BUDGET_USED, language)
        redemptions.append(
            Redemption(
                promotion=promotion,
                order_id=order_id,
                buyer_id=buyer_id,
                amount=amount,
                funder=promotion.funder,
            )
        )
    return redemptions


def redemptions_release(*, order_id: UUID, now: datetime | None = None) -> int:
    """Give an unpaid order's budgets and uses back (it was cancelled)."""
    now = now or timezone.now()
    released = 0
    with transaction.atomic():
        taken = list(
            Redemption.objects.select_for_update()
            .filter(order_id=order_id, released_at__isnull=True)
            .order_by("promotion_id")
        )
        for redemption in taken:
            Promotion.objects.filter(pk=redemption.promotion_id).update(
                spent=F("spent") - redemption.amount, used=F("used") - 1
            )
            redemption.released_at = now
            redemption.save(update_fields=["released_at"])
            released += 1
    return released
