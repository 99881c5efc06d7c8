"""The portal's first page: a merchant's own listings and what needs its attention."""

from django.conf import settings
from django.db.models import Count
from django.shortcuts import render
from django.utils.translation import get_language

from etalage.analytics.selectors import merchant_work
from etalage.catalog.models import Product
from etalage.customs.models import PositiveListEntry
from etalage.demo.clock import demo_by_hand_name
from etalage.ledger.eligibility import returned_to_current_account
from etalage.ledger.models import Payout
from etalage.merchants.models import Merchant, MerchantMember
from etalage.merchants.permissions import CATALOGUE_ROLES, MONEY_ROLES
from etalage.merchants.selectors import merchant_decision_told
from etalage.web.access import merchant_member
from etalage.web.portal.sales import sales_dashboard


@merchant_member()
def dashboard(request):
    membership = request.membership
    merchant = membership.merchant
    counts = dict(
        Product.objects.filter(merchant=merchant)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    statuses = [
        {"status": value, "label": label, "count": counts.get(value, 0)}
        for value, label in Product.Status.choices
    ]
    rejected = list(
        Product.objects.filter(merchant=merchant, status=Product.Status.REJECTED)
        .prefetch_related("translations")
        .order_by("-reviewed_at")[:50]
    )
    missing_chinese = list(
        Product.objects.filter(merchant=merchant)
        .exclude(translations__language="zh-hans")
        .prefetch_related("translations")
        .order_by("slug")[:50]
    )

    off_positive_list = list(
        Product.objects.filter(merchant=merchant)
        .exclude(hs_code__in=PositiveListEntry.objects.values("hs_code"))
        .prefetch_related("translations")
        .order_by("slug")[:50]
    )

    role = membership.role
    sees_payouts = role in MONEY_ROLES
    return render(
        request,
        "etalage/portal/dashboard.html",
        {
            "merchant": merchant,
            "membership": membership,
            "work": merchant_work(merchant=merchant),
            "sees_orders": role != MerchantMember.Role.CATALOGUE,
            "sees_listings": role in CATALOGUE_ROLES,
            "sees_payouts": sees_payouts,
            "decision": merchant_decision_told(merchant),
            "demo_by_hand": demo_by_hand_name(),  # None outside the demo
            "handling_days": settings.ETALAGE_HANDLING_DAYS,
            "statuses": statuses,
            "payout_returned": _payout_returned(merchant) if sees_payouts else None,
            "rejected": _named(rejected, merchant),
            "missing_chinese": _named(missing_chinese, merchant),
            "off_positive_list": _named(off_positive_list, merchant),
            "sales": sales_dashboard(membership),
        },
    )


def _payout_returned(merchant: Merchant) -> Payout | None:
    """The payout the bank sent back to the account the merchant still has, when
    that is the latest to it (nothing goes there until it gives another)."""
    return returned_to_current_account([merchant.pk]).get(merchant.pk)


def _named(products: list[Product], merchant: Merchant) -> list[tuple[Product, str]]:
    """Each product with its name as the merchant's people read it: in the portal's
    language, else the merchant's own, else any it has (its slug only when it has
    no name at all). The products' translations are prefetched."""
    named = []
    for product in products:
        names = {t.language: t.name for t in product.translations.all() if t.name}
        name = (
            names.get(get_language() or "")
            or names.get(merchant.language)
            or next(iter(names.values()), product.slug)
        )
        named.append((product, name))
    return named
