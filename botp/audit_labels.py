"""What an audit entry's record means, in the reader's language.

The trail keeps what happened as the code wrote it, in English and never changed afterwards
(botp.audit); the pages that show it to people say it in their language through ``describe``.
A record this module does not know is shown as written.
"""

import re

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from botp import outbox, workflow
from botp.models import Consent, DocumentKind, SessionStatus

# Records written as they are, by the pages that were read and the services that changed.
FIXED = {
    "audit trail": gettext_lazy("Audit trail read"),
    "case page": gettext_lazy("Case page read"),
    "screening request": gettext_lazy("Screening request read"),
    "screening request (review)": gettext_lazy("Screening request read for the decision"),
    "screening request submitted": gettext_lazy("Screening request sent to Fedris"),
    "diagnosis page": gettext_lazy("Diagnosis page read"),
    "treatment page": gettext_lazy("Treatment page read"),
    "treatment plan (amend)": gettext_lazy("Treatment plan read to amend it"),
    "treatment plan amended": gettext_lazy("Treatment plan amended"),
    "treatment request (own part)": gettext_lazy("Own part of the treatment request read"),
    "workplace meeting": gettext_lazy("Workplace meeting read"),
    "workplace meeting prepared": gettext_lazy("Workplace meeting prepared"),
    "workplace meeting recorded": gettext_lazy("Workplace meeting recorded"),
    "workplace meeting cancelled": gettext_lazy("Workplace meeting cancelled"),
    "data transmission reports": gettext_lazy("Data transmission reports read"),
    "data transmission report written": gettext_lazy("Data transmission report written"),
    "final report": gettext_lazy("Final report read"),
    "final report saved": gettext_lazy("Final report saved"),
    "participant's page": gettext_lazy("Participant's page read"),
    "participant account activated": gettext_lazy("Participant account activated"),
    "consent withdrawal (confirm)": gettext_lazy("Consent read to withdraw it"),
    "leave page": gettext_lazy("Page to leave the programme read"),
    "survey scores": gettext_lazy("Survey scores read"),
    "survey status": gettext_lazy("Survey status read"),
    "pseudonymised export": gettext_lazy("Pseudonymised export downloaded"),
    "re-integration monitor aggregates": gettext_lazy("Re-integration monitor aggregates read"),
    "stakeholder campaigns": gettext_lazy("Stakeholder campaigns read"),
    "stakeholder campaign results": gettext_lazy("Stakeholder campaign results read"),
    "pseudonymised export requested": gettext_lazy("Pseudonymised export requested"),
    "research exports": gettext_lazy("Research exports read"),
}


def _transition(match):
    transition = workflow.TRANSITIONS.get(match["action"])
    return _("Step: %(step)s") % {"step": transition.label} if transition else None


def _document(match):
    kind = dict(DocumentKind.choices).get(match["kind"])
    if kind is None:
        return None
    text = _("“%(document)s”, version %(version)s, downloaded") % {
        "document": kind, "version": match["version"]}
    return text + (" (API)" if match["api"] else "")


def _consent(match):
    purpose = dict(Consent.Purpose.choices).get(match["purpose"])
    if purpose is None:
        return None
    if match["how"] == "given":
        return _("Consent given: %(purpose)s") % {"purpose": purpose}
    return _("Consent withdrawn: %(purpose)s") % {"purpose": purpose}


def _report(match):
    version = match["version"]
    if match["how"] == " saved":
        return _("Diagnosis report, version %(version)s, saved") % {"version": version}
    if match["how"] == " (edit)":
        return _("Diagnosis report, version %(version)s, read to edit it") % {
            "version": version}
    return _("Diagnosis report, version %(version)s, read") % {"version": version}


def _session(match, session_names):
    session = session_names.get(match["type"], match["type"])
    status = dict(SessionStatus.choices).get(match["status"], match["status"])
    if match["how"] == "recorded":
        return _("Session recorded: %(session)s, %(status)s") % {
            "session": session, "status": status}
    return _("Session changed: %(session)s, %(status)s") % {
        "session": session, "status": status}


def _retry(match):
    return _("Delivery tried again: %(what)s") % {"what": outbox.label(match["kind"])}


PATTERNS = [
    (re.compile(r"transition:(?P<action>\w+)"), _transition),
    (re.compile(r"document (?P<kind>\w+) v(?P<version>\d+)(?P<api> \(API\))?"), _document),
    (re.compile(r"consent (?P<how>given|withdrawn): (?P<purpose>\w+)"), _consent),
    (re.compile(r"diagnosis report v(?P<version>\d+)(?P<how> saved| \(edit\))?"), _report),
    (re.compile(r"session (?P<how>recorded|changed): (?P<type>[\w-]+) (?P<status>\w+)"),
     _session),
    (re.compile(r"delivery retried: (?P<kind>\w+)"), _retry),
]


def describe(what: str, session_names=None) -> str:
    """``what`` as the reader reads it; ``session_names`` ({code: name}) names the session
    types of the case's programme."""
    if what in FIXED:
        return str(FIXED[what])
    for pattern, label in PATTERNS:
        match = pattern.fullmatch(what)
        if match is None:
            continue
        text = label(match, session_names or {}) if label is _session else label(match)
        if text:
            return text
    return what
