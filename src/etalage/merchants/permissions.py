"""Who among a merchant's people may do what, and whether the merchant may write.

One home for the rule every door asks (the portal's pages, the merchant API, the
work queued for later such as a product import): the roles that may change the
catalogue, see the money, see or handle the orders and manage the shop's settings,
and that a suspended or rejected merchant changes nothing, whoever asks and however
long ago the work was queued.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from etalage.merchants.models import Merchant, MerchantMember

Role = MerchantMember.Role

# Create, edit and import products, set prices and stock.
CATALOGUE_ROLES = frozenset({Role.OWNER, Role.CATALOGUE})
# See sales, payouts, statements and invoices.
MONEY_ROLES = frozenset({Role.OWNER, Role.FINANCE})
# See the orders and the returns asked for.
ORDER_ROLES = frozenset({Role.OWNER, Role.FULFILMENT, Role.FINANCE})
# Pack, label and hand over parcels; decide returns.
SHIP_ROLES = frozenset({Role.OWNER, Role.FULFILMENT})
# The team, the company's details, API keys and webhooks.
OWNER_ROLES = frozenset({Role.OWNER})


class MerchantMayNotWrite(PermissionDenied):
    """The merchant is suspended or rejected: it reads, it changes nothing."""


class RoleRefused(PermissionDenied):
    """The member's role does not allow this."""


def merchant_write_check(*, merchant: Merchant) -> None:
    """Refuse any change for ``merchant`` unless it may write (not suspended or
    rejected) now: every service that writes for a merchant calls this first. The
    status is read afresh (one query), so a merchant object loaded before a
    suspension (a queued import's, a form's) does not let a write through."""
    merchant.refresh_from_db(fields=["status"])
    if not merchant.may_change:
        raise MerchantMayNotWrite(
            _("Your shop is suspended: the portal shows your data but changes nothing.")
        )


def member_role_check(*, member: MerchantMember, roles: frozenset[str]) -> None:
    """Refuse unless ``member``'s role is one of ``roles``."""
    if member.role not in roles:
        raise RoleRefused("this role may not do this")


def membership_of(user: AbstractBaseUser | AnonymousUser) -> MerchantMember | None:
    """The merchant ``user`` works for (the first joined), with its merchant."""
    if not isinstance(user, User):  # an anonymous visitor
        return None
    return (
        MerchantMember.objects.select_related("merchant")
        .filter(user=user)
        .order_by("created_at")
        .first()
    )
