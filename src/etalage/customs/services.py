"""Writes of the customs context: the buyer's identity and the yearly CBEC usage."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import TypeVar
from uuid import UUID

import phonenumbers
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum import numdb
from stdnum.cn import ric
from stdnum.exceptions import ValidationError as StdnumError

from etalage.addresses.regions import RegionPath, regions
from etalage.core.text import texts_check
from etalage.core.time_zones import BEIJING
from etalage.core.writes import Writes, writes_or_now
from etalage.customs.caps import Cap, counted, describe
from etalage.customs.cbec import NetContent
from etalage.customs.identity_crypto import (
    encrypt_id_number,
    id_number_hmac,
    mask_id_number,
    reencrypt_id_number,
)
from etalage.customs.models import (
    BuyerIdentity,
    DeliveryAddress,
    YearlyQuantity,
    YearlyUsage,
)
from etalage.customs.selectors import yearly_caps

T = TypeVar("T")


def normalize_resident_id(value: str, *, today: date | None = None) -> str:
    """Return an 18-character resident ID number, or refuse it saying why.

    Checked: the length and digits, the check digit, a real birth date not in the
    future, and an area code of mainland China that has existed at some time. The
    area is where the number was issued, which may be later than the birth (a
    Pudong code, 310115, dates from 1993 and is held by people born before), so the
    area is not required to have existed in the birth year.
    """
    number = ric.compact(value or "")

    def refuse(message: str) -> ValidationError:
        return ValidationError({"id_number": message})

    if (
        len(number) != 18
        or not number[:17].isdigit()
        or not (number[17].isdigit() or number[17] == "X")
    ):
        raise refuse(
            _("A resident ID number has 18 characters: 17 digits, then a digit or X.")
        )
    if number[17] != ric.calc_check_digit(number):
        raise refuse(
            _(
                "The last character (the check digit) does not match the others: "
                "check the number for a typing error."
            )
        )
    try:
        born = ric.get_birth_date(number)
    except StdnumError:
        born = None
    if born is None or born > (today or timezone.localdate()) or born.year < 1900:
        raise refuse(
            _("Characters 7 to 14 (%(digits)s) are not a possible birth date.")
            % {"digits": number[6:14]}
        )
    if not any(props for _part, props in numdb.get("cn/loc").info(number[:6])):
        raise refuse(
            _("The first six digits (%(area)s) are not an area code of mainland China.")
            % {"area": number[:6]}
        )
    return number


def normalize_china_mobile(value: str) -> str:
    try:
        number = phonenumbers.parse(value, "CN")
    except phonenumbers.NumberParseException:
        number = None
    if (
        number is None
        or number.country_code != 86
        or not phonenumbers.is_valid_number(number)
        or phonenumbers.number_type(number) != phonenumbers.PhoneNumberType.MOBILE
    ):
        raise ValidationError({"mobile": _("Enter a mainland China mobile number.")})
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


class _Refusals:
    """What is wrong with a form's answers, every field judged before refusing."""

    def __init__(self) -> None:
        self.errors: dict[str, list[str]] = {}

    def judge(self, check: Callable[[], T]) -> T | None:
        try:
            return check()
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                self.errors.setdefault(field, []).extend(messages)
            return None

    def refuse(self) -> None:
        if self.errors:
            raise ValidationError(self.errors)


def _consented(consent: bool) -> bool:
    if not consent:
        raise ValidationError(
            {"consent": _("Customs need your consent to use your ID number.")}
        )
    return True


@transaction.atomic
def identity_add(
    *, user: User, real_name: str, id_number: str, mobile: str, consent: bool
) -> BuyerIdentity:
    """Keep a buyer's identity for customs, with the separate consent PIPL requires.
    Every answer is judged: a refusal names each wrong field and why."""
    refusals = _Refusals()
    refusals.judge(lambda: _consented(consent))
    name = refusals.judge(lambda: _real_name(real_name))
    number = refusals.judge(lambda: normalize_resident_id(id_number))
    phone = refusals.judge(lambda: normalize_china_mobile(mobile))
    refusals.refuse()
    assert name is not None and number is not None and phone is not None
    real_name = name
    digest = id_number_hmac(number)
    held = (
        BuyerIdentity.objects.select_for_update().filter(id_number_hmac=digest).first()
    )
    if held is not None and held.user_id != user.pk:
        # An ID number belongs to one account: its yearly allowance is the person's.
        # The refusal does not say that it has an account here, nor whose.
        raise _id_number_refused()
    if held is not None and held.deleted_at is None:
        raise ValidationError(
            {"id_number": _("You have added this ID number already.")}
        )
    if held is not None:  # deleted before: the same number comes back
        held.real_name, held.mobile, held.deleted_at = real_name, phone, None
        held.consent_at = timezone.now()
        held.save(update_fields=["real_name", "mobile", "deleted_at", "consent_at"])
        return held
    try:
        with transaction.atomic():
            return BuyerIdentity.objects.create(
                user=user,
                real_name=real_name,
                id_number_encrypted=encrypt_id_number(number),
                id_number_hmac=digest,
                id_number_masked=mask_id_number(number),
                mobile=phone,
                consent_at=timezone.now(),
            )
    except IntegrityError:  # another account added it at this very moment
        raise _id_number_refused() from None


def _id_number_refused() -> ValidationError:
    return ValidationError(
        {
            "id_number": _(
                "This ID number cannot be added to your account. If it is yours, "
                "write to us."
            )
        }
    )


def _real_name(value: str) -> str:
    texts_check({"real_name": value or ""})
    real_name = " ".join((value or "").split())
    if not 2 <= len(real_name) <= 60:
        raise ValidationError({"real_name": _("Enter your name as on your ID card.")})
    return real_name


@transaction.atomic
def identity_update(
    *, identity: BuyerIdentity, real_name: str, mobile: str
) -> BuyerIdentity:
    """Correct the name or the mobile number of an identity (the ID number stays:
    another number is another identity); a refusal names each wrong field."""
    refusals = _Refusals()
    name = refusals.judge(lambda: _real_name(real_name))
    phone = refusals.judge(lambda: normalize_china_mobile(mobile))
    refusals.refuse()
    assert name is not None and phone is not None
    identity.real_name, identity.mobile = name, phone
    identity.save(update_fields=["real_name", "mobile", "updated_at"])
    return identity


def identity_delete(*, identity: BuyerIdentity) -> None:
    """Stop offering an identity. Its number stays the account's: the yearly usage
    it ran up still counts, and no other account may add it."""
    BuyerIdentity.objects.filter(pk=identity.pk).update(deleted_at=timezone.now())


def identities_rotate() -> int:
    """Re-encrypt every ID number under the newest key; return how many."""
    count = 0
    for identity in BuyerIdentity.objects.only("pk", "id_number_encrypted").iterator():
        BuyerIdentity.objects.filter(pk=identity.pk).update(
            id_number_encrypted=reencrypt_id_number(identity.id_number_encrypted)
        )
        count += 1
    return count


def cbec_year(at: datetime | None = None) -> int:
    """The calendar year an order counts toward: China's, in Beijing time."""
    return (at or timezone.now()).astimezone(BEIJING).year


def yearly_used(*, id_number_hmac: str, year: int) -> Decimal:
    usage = YearlyUsage.objects.filter(id_number_hmac=id_number_hmac, year=year).first()
    return usage.used if usage else Decimal("0")


def usage_lock(*, id_number_hmac: str, year: int) -> YearlyUsage:
    """The person's usage row for the year, locked until the transaction ends, so that
    two orders of one person are checked against the limit one after the other.

    One statement: the row is made if it is the person's first order this year, and
    locked either way (an upsert that sets nothing locks the row it finds, as FOR
    UPDATE would; SQLite takes its write lock at BEGIN)."""
    q = connection.ops.quote_name
    table = q(YearlyUsage._meta.db_table)
    hmac, year_, reserved, confirmed = (
        q(name) for name in ("id_number_hmac", "year", "reserved", "confirmed")
    )
    # raw() reads the returned row through the model's fields (their converters).
    return YearlyUsage.objects.raw(
        f"INSERT INTO {table} ({hmac}, {year_}, {reserved}, {confirmed}) "  # noqa: S608 (names from the model, values bound)
        f"VALUES (%s, %s, 0, 0) ON CONFLICT ({hmac}, {year_}) "
        f"DO UPDATE SET {reserved} = {table}.{reserved} "
        f"RETURNING {q('id')}, {hmac}, {year_}, {reserved}, {confirmed}",
        [id_number_hmac, year],
    )[0]


def usage_change(
    *,
    usage: YearlyUsage,
    reserved: Decimal = Decimal(0),
    confirmed: Decimal = Decimal(0),
    writes: Writes | None = None,
) -> YearlyUsage:
    """Add to (or take from) a usage row locked by ``usage_lock``, in one statement
    (sent with ``writes`` when given); refuse to give back more than was counted."""
    if usage.reserved + reserved < 0 or usage.confirmed + confirmed < 0:
        raise ValidationError(_("More is given back than was counted."))
    with writes_or_now(writes) as sent:
        sent.update(
            YearlyUsage.objects.filter(pk=usage.pk),
            reserved=F("reserved") + reserved,
            confirmed=F("confirmed") + confirmed,
        )
    usage.reserved += reserved
    usage.confirmed += confirmed
    return usage


@transaction.atomic
def usage_reserve(*, id_number_hmac: str, year: int, amount: Decimal) -> YearlyUsage:
    """Count an order placed toward the year (before customs release it)."""
    usage = usage_lock(id_number_hmac=id_number_hmac, year=year)
    return usage_change(usage=usage, reserved=amount)


@transaction.atomic
def usage_confirm(*, id_number_hmac: str, year: int, amount: Decimal) -> YearlyUsage:
    """Customs released the order: its reservation becomes confirmed usage."""
    usage = usage_lock(id_number_hmac=id_number_hmac, year=year)
    if usage.reserved < amount:
        raise ValidationError(_("More is confirmed than was reserved."))
    return usage_change(usage=usage, reserved=-amount, confirmed=amount)


@transaction.atomic
def usage_release(
    *, id_number_hmac: str, year: int, amount: Decimal, confirmed: bool
) -> YearlyUsage:
    """Give an amount back: a cancelled or refused order (reserved), or a return
    within 30 days of release (confirmed)."""
    usage = usage_lock(id_number_hmac=id_number_hmac, year=year)
    if confirmed:
        return usage_change(usage=usage, confirmed=-amount)
    return usage_change(usage=usage, reserved=-amount)


ADDRESS_FIELDS = {"recipient": (2, 60), "street": (4, 200)}
POSTCODE = re.compile(r"\d{6}")


def _region(region_code: str, province: str, city: str, district: str) -> RegionPath:
    """The division an address names: by its code (the form's lists), else by the
    three names typed (official or short: 上海, 浦东), or a refusal naming the step
    that is missing or wrong."""
    table = regions()
    code = (region_code or "").strip()
    if code:
        path = table.path(code)
        if path is not None:
            return path
        if table.region(code) is not None:  # a province, or a city with districts
            step = "city" if table.cities(code) else "district"
            raise ValidationError({step: _("Choose the next step of the address.")})
        raise ValidationError({"province": _("Choose a province from the list.")})
    path = table.by_names(province or "", city or "", district or "")
    if path is not None:
        return path
    match = table.read(" ".join(n for n in (province, city, district) if n))
    step = "district" if match.city else "city" if match.province else "province"
    raise ValidationError(
        {step: _("This is not a place of mainland China: choose it from the list.")}
    )


def _address_values(
    *,
    recipient: str,
    phone: str,
    street: str,
    region_code: str = "",
    province: str = "",
    city: str = "",
    district: str = "",
    postcode: str = "",
) -> dict[str, str]:
    """The fields of an address, tidied, or every refusal at once."""
    values = {"recipient": recipient, "street": street}
    errors: dict[str, str | list[ValidationError]] = {}
    try:
        texts_check({**values, "province": province, "city": city,
                     "district": district})  # fmt: skip
    except ValidationError as refused:
        errors.update(refused.error_dict)
    for name, (shortest, longest) in ADDRESS_FIELDS.items():
        if name in errors:
            continue
        values[name] = " ".join((values[name] or "").split())
        if not shortest <= len(values[name]) <= longest:
            errors[name] = _("Enter %(min)d to %(max)d characters.") % {
                "min": shortest,
                "max": longest,
            }
    if not errors.keys() & {"province", "city", "district"}:
        try:
            path = _region(region_code, province, city, district)
        except ValidationError as refused:
            errors.update(refused.error_dict)
        else:
            values["province"], values["city"], values["district"] = path.names
            values["region_code"] = path.code
    values["postcode"] = "".join((postcode or "").split())
    if values["postcode"] and not POSTCODE.fullmatch(values["postcode"]):
        errors["postcode"] = _("A postcode has 6 digits (or leave it empty).")
    try:
        values["phone"] = normalize_china_mobile(phone)
    except ValidationError:
        errors["phone"] = _("Enter a mainland China mobile number.")
    if errors:
        raise ValidationError(errors)
    return values


def address_add(
    *, user: User, is_default: bool = False, **fields: str
) -> DeliveryAddress:
    """Keep a delivery address in mainland China for the buyer's parcels (fields:
    recipient, phone, street, postcode, and the division by ``region_code`` or by
    province, city and district names). The first is the default."""
    values = _address_values(**fields)
    with transaction.atomic():
        address = DeliveryAddress.objects.create(user=user, **values)
        first = not DeliveryAddress.objects.filter(user=user, is_default=True).exists()
        if is_default or first:
            address_make_default(address=address)
    return address


def address_update(
    *, address: DeliveryAddress, is_default: bool = False, **fields: str
) -> DeliveryAddress:
    """Change an address; orders already placed keep the address they were sent to."""
    values = _address_values(**fields)
    for name, value in values.items():
        setattr(address, name, value)
    with transaction.atomic():  # the default is changed only by its own service
        address.save(update_fields=[*values, "updated_at"])
        if is_default:
            address_make_default(address=address)
    return address


def address_make_default(*, address: DeliveryAddress) -> DeliveryAddress:
    """Make ``address`` the one its buyer's checkout offers first."""
    with transaction.atomic():
        mine = DeliveryAddress.objects.filter(user_id=address.user_id)
        mine.filter(is_default=True).exclude(pk=address.pk).update(is_default=False)
        mine.filter(pk=address.pk).update(is_default=True)
    address.is_default = True
    return address


def address_delete(*, address: DeliveryAddress) -> None:
    """Forget an address (orders keep their own copy of where they went); when it
    was the default, the oldest one left becomes it."""
    with transaction.atomic():
        address.delete()
        left = DeliveryAddress.objects.filter(user_id=address.user_id)
        if address.is_default and not left.filter(is_default=True).exists():
            oldest = left.order_by("created_at").first()
            if oldest is not None:
                address_make_default(address=oldest)


class CapExceeded(ValidationError):
    """An order would take a person past a positive-list line's yearly cap."""


# A line as the caps count it: (variant key, HS code, net content per unit, quantity).
CapItem = tuple[UUID, str, NetContent, int]


def caps_wanted(
    items: Iterable[CapItem],
) -> tuple[dict[UUID, Decimal], dict[str, Decimal]]:
    """What lines count toward yearly caps. ``items``: (key, HS code, net content
    per unit, quantity); returns ({key: amount}, {HS code: amount}) for capped codes."""

    caps = yearly_caps()
    by_key: dict[UUID, Decimal] = {}
    by_code: dict[str, Decimal] = {}
    for key, hs_code, net, quantity in items:
        if hs_code in caps:
            amount = counted(caps[hs_code][0], net=net, quantity=quantity)
            by_key[key] = amount
            by_code[hs_code] = by_code.get(hs_code, 0) + amount
    return by_key, by_code


def _cap_problem(hs_code: str, used: Decimal, adding: Decimal) -> str:
    """The refusal for going past a cap, or "" within it."""

    cap, description = yearly_caps()[hs_code]
    if used + adding <= cap.amount:
        return ""
    left = max(cap.amount - used, Decimal(0))
    return _(
        "China allows each person %(cap)s a year of %(goods)s (HS %(hs)s); "
        "%(left)s is left for you this year: buy less, or wait until next year."
    ) % {
        "cap": describe(cap),
        "goods": description,
        "hs": hs_code,
        "left": describe(Cap(amount=left, unit=cap.unit)) if left else "0",
    }


def caps_check(
    *, id_number_hmac: str, year: int, wanted: Mapping[str, Decimal]
) -> list[str]:
    """The caps ``wanted`` would break, as messages (reads only; for pages)."""

    if not wanted:
        return []
    used = dict(
        YearlyQuantity.objects.filter(
            id_number_hmac=id_number_hmac, year=year, hs_code__in=list(wanted)
        ).values_list("hs_code", "used")
    )
    problems = [
        _cap_problem(code, used.get(code, Decimal(0)), amount)
        for code, amount in sorted(wanted.items())
    ]
    return [problem for problem in problems if problem]


def caps_reserve(
    *, id_number_hmac: str, year: int, wanted: Mapping[str, Decimal]
) -> None:
    """Count ``wanted`` ({HS code: amount in the cap's unit}) toward the person's
    yearly caps, or raise CapExceeded naming the line, the cap and what is left.

    Locks the person's rows for those HS codes until the transaction ends (two
    queries and one update, whatever the number of codes)."""

    if not wanted:
        return
    YearlyQuantity.objects.bulk_create(
        [YearlyQuantity(id_number_hmac=id_number_hmac, year=year, hs_code=code)
         for code in wanted],
        ignore_conflicts=True,
    )  # fmt: skip
    rows = list(
        YearlyQuantity.objects.select_for_update()
        .filter(id_number_hmac=id_number_hmac, year=year, hs_code__in=list(wanted))
        .order_by("hs_code")
    )
    for row in rows:
        problem = _cap_problem(row.hs_code, row.used, wanted[row.hs_code])
        if problem:
            raise CapExceeded(problem, code="yearly_cap")
        row.used += wanted[row.hs_code]
    YearlyQuantity.objects.bulk_update(rows, ["used"])


def caps_release(
    *, id_number_hmac: str, year: int, amounts: Mapping[str, Decimal]
) -> None:
    """Give back what cancelled lines counted toward the person's yearly caps."""

    for code, amount in amounts.items():
        if amount:
            YearlyQuantity.objects.filter(
                id_number_hmac=id_number_hmac, year=year, hs_code=code
            ).update(used=F("used") - amount)
