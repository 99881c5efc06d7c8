"""The owner's team: who works for the merchant, in which role; invitations sent by
email and accepted by the person invited, signed in (``accounts.team``)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_post_parameters

from etalage.accounts.models import TeamInvitation
from etalage.accounts.team import (
    invitations_waiting,
    invited_account,
    team_invitation_accept,
    team_invitation_accept_as_newcomer,
    team_invitation_find,
    team_invitation_send,
    team_invitation_withdraw,
)
from etalage.merchants.models import MerchantMember
from etalage.merchants.permissions import OWNER_ROLES
from etalage.merchants.services import merchant_member_remove
from etalage.web.access import merchant_member
from etalage.web.account.sign_up import NewPasswordForm
from etalage.web.forms import add_service_errors, posted_or_404

BACKEND = "django.contrib.auth.backends.ModelBackend"


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    role = forms.ChoiceField(label=_("Role"), choices=MerchantMember.Role.choices)


@merchant_member(OWNER_ROLES)
def staff(request):
    """The owner's team: members to remove, invitations waiting to withdraw, and
    the form that sends one (the same answer whoever the address belongs to)."""
    membership = request.membership
    merchant = membership.merchant
    inviting = request.method == "POST" and not (
        {"remove", "withdraw"} & set(request.POST)
    )
    form = InviteForm(request.POST if inviting else None)
    problem = None
    if request.method == "POST" and "remove" in request.POST:
        member = posted_or_404(
            MerchantMember.objects.filter(merchant=merchant), request.POST["remove"]
        )
        try:
            merchant_member_remove(member=member, removed_by=request.user)
        except ValidationError as error:
            problem = error.messages[0]
        else:
            return redirect("web:portal-staff")
    elif request.method == "POST" and "withdraw" in request.POST:
        invitation = posted_or_404(
            TeamInvitation.objects.filter(merchant=merchant), request.POST["withdraw"]
        )
        team_invitation_withdraw(invitation=invitation)
        return redirect("web:portal-staff")
    elif inviting and form.is_valid():
        try:
            team_invitation_send(
                merchant=merchant,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                invited_by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("The invitation is sent to %(email)s.")
                % {"email": form.cleaned_data["email"].strip().lower()},
            )
            return redirect("web:portal-staff")
    return render(
        request,
        "etalage/portal/staff.html",
        {
            "merchant": merchant,
            "form": form,
            "problem": problem,
            "members": merchant.members.select_related("user").order_by(
                "role", "user__username"
            ),
            "invitations": invitations_waiting(merchant=merchant),
            "now": timezone.now(),
        },
    )


@sensitive_post_parameters("password", "password_again")
def invitation(request, token: str):
    """The link of an invitation: accept it signed in as the person invited, or,
    with no account yet, choose a password to open one and join."""
    found = team_invitation_find(token=token)
    if found is None:
        return render(request, "etalage/accounts/invitation_expired.html", status=400)
    problem = None
    form = None
    if request.user.is_authenticated:
        if request.method == "POST":
            try:
                team_invitation_accept(token=token, user=request.user)
            except ValidationError as error:
                problem = error.messages[0]
            else:
                joined = _("You joined the team of %(name)s.")
                messages.success(request, joined % {"name": found.merchant.name})
                return redirect("web:portal")
    elif invited_account(invitation=found) is None:
        form = NewPasswordForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                user = team_invitation_accept_as_newcomer(
                    token=token, password=form.cleaned_data["password"]
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                login(request, user, backend=BACKEND)
                return redirect("web:portal")
    return render(
        request,
        "etalage/accounts/invitation.html",
        {
            "invitation": found,
            "role": MerchantMember.Role(found.role).label,
            "form": form,
            "problem": problem,
        },
        status=400 if problem else 200,
    )
