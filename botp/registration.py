"""Care providers' registration numbers: the INAMI/RIZIV number and the Psychologists'
Commission registration.

python-stdnum has no module for either (its ``stdnum.be`` knows the national number, the bis
number, the eID card, VAT, IBAN and structured communications), so the rule is here, once.

The INAMI/RIZIV number has 11 digits: six that identify the provider, two check digits
computed on those six, and three that give the qualification (specialty). The check digits
were 97 minus the six digits modulo 97; since RIZIV's note I 2012/26 new numbers use 89
minus the six digits modulo 89 (nurses and midwives since 2013, physicians since 1 April
2019), so a valid number satisfies one of the two. Written as 1-23456-78-901 or 12345678901.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

RIZIV_MODULI = (97, 89)


def compact(value):
    """The digits of ``value`` without the usual separators (spaces, dots, dashes, slashes)."""
    return re.sub(r"[\s./-]", "", value or "")


def riziv_check_digits(identifier, modulus=97):
    """The two check digits of a six-digit RIZIV identifier under ``modulus``."""
    return f"{modulus - int(identifier) % modulus:02d}"


def validate_riziv(value):
    """The compact 11-digit INAMI/RIZIV number, or a ValidationError a person can act on."""
    number = compact(value)
    if len(number) != 11 or not number.isascii() or not number.isdigit():
        raise ValidationError(
            _("An INAMI/RIZIV number has 11 digits, for example 1-23456-78-901."),
            code="riziv_format")
    identifier, check = number[:6], number[6:8]
    if check not in {riziv_check_digits(identifier, modulus) for modulus in RIZIV_MODULI}:
        raise ValidationError(
            _("This INAMI/RIZIV number is not valid (its check digits do not match). "
              "Copy it again from the INAMI/RIZIV's letter or the provider's card."),
            code="riziv_checksum")
    return number


def format_riziv(number):
    """1-23456-78-901: how INAMI/RIZIV writes its numbers."""
    if len(number or "") != 11:
        return number or ""
    return f"{number[0]}-{number[1:6]}-{number[6:8]}-{number[8:]}"


def validate_commission(value):
    """The Psychologists' Commission registration number: digits only (the Commission gives
    numbers of up to ten digits; no check digit is published)."""
    number = compact(value)
    if not 1 <= len(number) <= 10 or not number.isascii() or not number.isdigit():
        raise ValidationError(
            _("A registration number of the Psychologists' Commission is written in digits "
              "only (at most 10)."),
            code="commission_format")
    return number


def validate_accreditation(value):
    """Fedris' own accreditation reference: letters, digits and dashes."""
    reference = (value or "").strip()
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9/-]{0,29}", reference):
        raise ValidationError(
            _("A Fedris accreditation reference has letters, digits, dashes or slashes "
              "only (at most 30)."),
            code="accreditation_format")
    return reference.upper()
