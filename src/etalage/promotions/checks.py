"""What ``etalage check`` verifies of promotions on a live database.

Budgets and uses are never exceeded and are explained by the redemptions still
counted; each discounted parcel's declared figures add up (acturalPaid = goods +
freight + tax - the non-cash discount, which is its lines' and freight's platform
parts); what orders took of each promotion is what its redemptions say.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, F, Q, Sum

from etalage.promotions.models import LineDiscount, ParcelDiscount, Promotion


def promotion_problems() -> list[str]:
    return budget_problems() + parcel_problems()


def budget_problems() -> list[str]:
    problems = []
    active = Q(redemptions__released_at__isnull=True)
    promotions = Promotion.objects.annotate(
        taken=Sum("redemptions__amount", filter=active),
        uses=Count("redemptions", filter=active),
    )
    for p in promotions:
        taken = p.taken or Decimal("0.00")
        if p.spent > p.budget:
            problems.append(f"promotion {p.pk}: spent {p.spent} of {p.budget}")
        if p.total_limit is not None and p.used > p.total_limit:
            problems.append(f"promotion {p.pk}: used {p.used} of {p.total_limit}")
        if taken != p.spent or p.uses != p.used:
            problems.append(
                f"promotion {p.pk}: spent {p.spent} in {p.used} uses, its orders "
                f"took {taken:.2f} in {p.uses}"
            )
    return problems


def parcel_problems() -> list[str]:
    problems = []
    platform = dict(
        LineDiscount.objects.values("sub_order_id")
        .annotate(total=Sum("platform"))
        .values_list("sub_order_id", "total")
    )
    parcels = ParcelDiscount.objects.select_related("sub_order").annotate(
        tax=F("sub_order__tariff") + F("sub_order__consumption_tax")
        + F("sub_order__vat")
    )  # fmt: skip
    for parcel in parcels:
        sub = parcel.sub_order
        noncash = platform.get(sub.pk, Decimal("0.00")) + parcel.freight_platform
        if noncash != parcel.noncash:
            problems.append(
                f"sub-order {sub.number}: a non-cash discount of {parcel.noncash}, "
                f"its lines and freight make {noncash}"
            )
        paid = sub.goods + sub.freight + parcel.tax - parcel.noncash
        if paid != sub.total:
            problems.append(
                f"sub-order {sub.number}: total {sub.total}, but goods + freight + "
                f"tax - discount make {paid}"
            )
        if sub.freight != parcel.freight_shown - parcel.freight_merchant:
            problems.append(f"sub-order {sub.number}: freight waived does not add up")
    return problems
