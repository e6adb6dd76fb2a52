"""The consent the worker gives through the referrer, versioned. A new wording is a new version;
each request stores the version it was given under."""

from django.utils.translation import gettext_lazy as _

CURRENT_CONSENT_VERSION = "2026-01"

CONSENT_TEXTS = {
    "2026-01": _(
        "The worker agrees to take part in the Burnout Treatment Programme and to the "
        "processing of the personal and health data in this request by Fedris and the "
        "programme's care providers, under professional secrecy, for the programme and its "
        "evaluation. The employer is not informed unless the worker later agrees to it."
    ),
}


def consent_text(version=CURRENT_CONSENT_VERSION):
    return CONSENT_TEXTS[version]
