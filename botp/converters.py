"""Path converters for the portal's URLs."""

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

REFERENCE_PREFIX = r"[A-Za-z0-9]+"


class CaseReferenceConverter:
    """A case reference, PREFIX-YEAR-NUMBER (Case.save): letters, digits and hyphens. Anything
    else names no case, so the resolver answers 404 before the database is asked (PostgreSQL
    refuses a NUL character in a query's text outright)."""

    regex = r"[A-Za-z0-9-]+"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


validate_reference_prefix = RegexValidator(
    rf"\A{REFERENCE_PREFIX}\Z",
    _("Letters and digits only: the prefix is part of every case's reference and URL."),
)
