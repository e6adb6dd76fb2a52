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


# The worker's own confirmation, where the programme asks them to sign the request themselves.
CURRENT_WORKER_CONSENT_VERSION = "2026-12"

WORKER_CONSENT_TEXTS = {
    "2026-12": _(
        "I confirm that the information in this request about me and my work is correct, and "
        "I ask to take part in the programme. I agree that Fedris and the programme's care "
        "providers process the personal and health data in this request, under professional "
        "secrecy, for the programme and its evaluation. My employer is not informed unless I "
        "later agree to it. I can stop at any time."
    ),
}


def worker_consent_text(version=CURRENT_WORKER_CONSENT_VERSION):
    return WORKER_CONSENT_TEXTS[version]
