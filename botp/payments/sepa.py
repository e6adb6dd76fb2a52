"""The SEPA credit transfer file (ISO 20022 pain.001.001.03) of a payment run, built with
sepaxml, and IBANs checked with schwifty: no hand-written XML, no hand-written check digits."""

import hashlib
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException
from sepaxml import SepaTransfer

SCHEMA = "pain.001.001.03"


def clean_iban(value):
    """``value`` as a valid IBAN in its compact form; a ValidationError says what is wrong."""
    try:
        return IBAN(value or "").compact
    except (SchwiftyException, ValueError):
        raise ValidationError(
            _("This is not a valid IBAN: check the country code, the check digits and the "
              "account number (e.g. BE68 5390 0754 7034)."), code="iban") from None


def clean_bic(value):
    if not value:
        return ""
    try:
        return str(BIC(value))
    except (SchwiftyException, ValueError):
        raise ValidationError(_("This is not a valid BIC (8 or 11 characters, e.g. "
                                "GEBABEBB)."), code="bic") from None


def bic_for(iban, bic=""):
    """The BIC given, or the one the IBAN's bank code names, or "" (optional in pain.001)."""
    if bic:
        return bic
    try:
        found = IBAN(iban).bic
    except (SchwiftyException, ValueError):
        return ""
    return str(found) if found else ""


@dataclass(frozen=True)
class Transfer:
    name: str
    iban: str
    bic: str
    amount: Decimal
    description: str
    reference: str


def build(execution_date, transfers):
    """The pain.001 file for ``transfers`` (a list of Transfer) and its message id: the file as
    bytes, validated against the schema by sepaxml before it is returned."""
    config = {"name": settings.PAYMENT_DEBTOR_NAME[:70],
              "IBAN": clean_iban(settings.PAYMENT_DEBTOR_IBAN),
              "batch": True, "currency": "EUR"}
    debtor_bic = bic_for(config["IBAN"], settings.PAYMENT_DEBTOR_BIC)
    if debtor_bic:
        config["BIC"] = debtor_bic
    sepa = SepaTransfer(config, schema=SCHEMA, clean=True)
    for transfer in transfers:
        payment = {"name": transfer.name[:70], "IBAN": clean_iban(transfer.iban),
                   "amount": int((transfer.amount * 100).to_integral_value()),
                   "execution_date": execution_date,
                   "description": transfer.description[:140],
                   "endtoend_id": transfer.reference[:35]}
        if transfer.bic:
            payment["BIC"] = transfer.bic
        sepa.add_payment(payment)
    return sepa.export(validate=True), sepa.msg_id


def sha256(data):
    return hashlib.sha256(data).hexdigest()
