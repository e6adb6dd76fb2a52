"""The Belgian national register number (NISS / INSZ): validation, encryption, keyed hash.

Both national numbers and bis numbers (for people not in the national register) are accepted.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.be import bis, nn
from stdnum.exceptions import ValidationError as StdnumError

from botp import keys


def validate(value):
    """Return the compact 11-digit number, or raise a ValidationError a person can act on."""
    number = nn.compact(value or "")
    if len(number) != 11 or not number.isdigit():
        raise ValidationError(
            _("A national register number has 11 digits."), code="niss_format"
        )
    for module in (nn, bis):
        try:
            return module.validate(number)
        except StdnumError:
            continue
    raise ValidationError(
        _("This national register number is not valid (check digits do not match)."),
        code="niss_checksum",
    )


def birth_date(value):
    """The birth date the number encodes, or None when only the year or nothing is known."""
    number = validate(value)
    module = nn if nn.is_valid(number) else bis
    try:
        return module.get_birth_date(number)
    except (StdnumError, ValueError):
        return None


def encrypt(number):
    return keys.fernet("niss-encryption").encrypt(number.encode())


def decrypt(token):
    return keys.fernet("niss-encryption").decrypt(token).decode()


def keyed_hash(value):
    return keys.keyed_hash("niss-lookup", nn.compact(value or ""))


def format_masked(number):
    """Show only the birth-date part and hide the serial and check digits."""
    if not number:
        return ""
    return f"{number[:2]}.{number[2:4]}.{number[4:6]}-***.**"


def build(born, serial):
    """A valid national number for a birth date and a 3-digit serial (odd: male, even: female).

    Used for demo data and tests; real numbers come from the person.
    """
    base = f"{born:%y%m%d}{serial:03d}"
    prefix = "2" if born.year >= 2000 else ""
    check = 97 - int(prefix + base) % 97
    return f"{base}{check:02d}"
