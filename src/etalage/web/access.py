"""Who may open which room: one decorator per audience, in one place.

- ``buyer_required``: a signed-in buyer (the account's pages, the order pages).
- ``merchant_member(roles)``: one of a merchant's people, in one of ``roles`` (the
  merchants context's ``permissions`` names them), given as ``request.membership``;
  a write (any method but GET and HEAD) is refused while the merchant may not write.
- ``hub_staff_required``: the Liège hub's staff.
- ``operator_required``: the operator's staff, signed in to the back office.
- ``outside_party``: a provider's or carrier's notification (no session, no CSRF
  token: the service checks the party's signature), POST only.

The views decide nothing more about who may do what; the services check the same
rules again, so a door forgotten here still refuses.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from etalage.logistics.services import is_hub_staff
from etalage.merchants.permissions import (
    member_role_check,
    membership_of,
    merchant_write_check,
)

View = Callable[..., HttpResponse]
READS = ("GET", "HEAD")


def buyer_required(view: View) -> View:
    """Let in a signed-in buyer; send anyone else to the sign-in page."""
    return login_required(view)


def merchant_member(roles: Iterable[str] | None = None) -> Callable[[View], View]:
    """Let in one of a merchant's people whose role is one of ``roles`` (any role
    when None), as ``request.membership``; refuse a write while the merchant is
    suspended."""
    allowed = frozenset(roles) if roles is not None else None

    def decorator(view: View) -> View:
        @login_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            membership = membership_of(request.user)
            if membership is None:
                raise PermissionDenied("this account does not belong to a merchant")
            if allowed is not None:
                member_role_check(member=membership, roles=allowed)
            if request.method not in READS:
                merchant_write_check(merchant=membership.merchant)
            request.membership = membership  # type: ignore[attr-defined]
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


def hub_staff_required(view: View) -> View:
    """Let in the hub's staff (the group, or the permission given on its own)."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not is_hub_staff(request.user):
            raise PermissionDenied("hub staff only")
        return view(request, *args, **kwargs)

    return wrapped


def operator_required(view: View) -> View:
    """Let in the operator's staff, signed in to the back office."""
    return staff_member_required(view)


def outside_party(view: View) -> View:
    """Take a party's POSTed notification: no session, no CSRF token (the
    service checks the party's own signature)."""
    return csrf_exempt(require_POST(view))
