"""Giving and withdrawing the participant's consents to lift anonymity.

The wording is versioned: a new wording is a new version, and each consent keeps the version
it was given under, with the time and the people it names.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from botp import audit, workflow
from botp.models import TRANSMISSION_RECIPIENTS, AuditEntry, Case, Consent, User, WorkplaceRole
from botp.steps import Activity

CURRENT_VERSION = "2026-12"

# The meeting's text of 2026-11 named the pilot's programme whatever the case's was; since
# 2026-12 it names the case's own (FA-BOTP, the programme since 2024).
TEXTS = {
    ("2026-11", Consent.Purpose.MEETING): gettext_lazy(
        "I agree that my burnout treatment provider prepares a meeting at my workplace with "
        "the people named below, and that they learn that I take part in the Burnout "
        "Treatment Programme. They learn only what is needed for the meeting and the agreed "
        "adaptations of my work, never my diagnosis or what I said in the sessions. I can "
        "withdraw this consent at any time; a meeting not yet held will then not take place."
    ),
    ("2026-11", Consent.Purpose.TRANSMISSION): gettext_lazy(
        "I agree that my burnout treatment provider sends the person named below a short "
        "report, limited to what we agree together, so that they can support my work "
        "situation. It names the programme and the agreed content, never my diagnosis or what "
        "I said in the sessions. I can withdraw this consent at any time for reports not yet "
        "sent."
    ),
    ("2026-12", Consent.Purpose.MEETING): gettext_lazy(
        "I agree that my burnout treatment provider prepares a meeting at my workplace with "
        "the people named below, and that they learn that I take part in the programme "
        "“%(programme)s”. They learn only what is needed for the meeting and the agreed "
        "adaptations of my work, never my diagnosis or what I said in the sessions. I can "
        "withdraw this consent at any time; a meeting not yet held will then not take place."
    ),
}
# The transmission's text is unchanged.
TEXTS[("2026-12", Consent.Purpose.TRANSMISSION)] = TEXTS[
    ("2026-11", Consent.Purpose.TRANSMISSION)]


def text(purpose, version=CURRENT_VERSION, programme=None):
    """The wording of ``version`` in the current language, naming ``programme`` (the case's)
    where it names one."""
    wording = str(TEXTS[(version, purpose)])
    if "%(programme)s" in wording:
        wording = wording % {"programme": programme.name if programme else ""}
    return wording


def _clean_scope(purpose, people):
    """The named people, tidied; refuses an empty list, an unnamed person or a recipient the
    purpose does not allow."""
    scope = []
    for person in people:
        name = " ".join(str(person.get("name", "")).split())
        role = person.get("role")
        if not name and not role:
            continue
        if not name:
            raise ValidationError(_("Give the name of each person you agree to inform."))
        if role not in WorkplaceRole.values:
            raise ValidationError(_("Choose the role of %(name)s.") % {"name": name})
        if purpose == Consent.Purpose.TRANSMISSION and role not in TRANSMISSION_RECIPIENTS:
            raise ValidationError(_("A data transmission report goes only to an occupational "
                                    "physician or a prevention advisor."))
        scope.append({"role": role, "name": name,
                      "organisation": " ".join(str(person.get("organisation", "")).split())})
    if not scope:
        raise ValidationError(_("Name at least one person."))
    if purpose == Consent.Purpose.TRANSMISSION and len(scope) != 1:
        raise ValidationError(_("A data transmission consent names exactly one recipient."))
    return scope


def give(case: Case, participant_user: User, *, purpose: str, people: list[dict]) -> Consent:
    if purpose not in Consent.Purpose.values:
        raise ValidationError(_("Unknown consent."))
    scope = _clean_scope(purpose, people)
    with transaction.atomic():
        locked = workflow.lock_for(participant_user, Activity.GIVE_CONSENT, case)
        consent = Consent.objects.create(case=locked, purpose=purpose, scope=scope,
                                         text_version=CURRENT_VERSION,
                                         given_by=participant_user)
        audit.record(participant_user, AuditEntry.Kind.CHANGE, f"consent given: {purpose}",
                     case=locked)
    return consent


def withdraw(consent: Consent, participant_user: User) -> Consent:
    """Withdraw ``consent``; withdrawing twice is harmless."""
    with transaction.atomic():
        locked = workflow.lock_for(participant_user, Activity.WITHDRAW_CONSENT, consent.case)
        consent = Consent.objects.select_for_update().get(pk=consent.pk, case=locked)
        if consent.withdrawn_at is None:
            consent.withdrawn_at = timezone.now()
            consent.save(update_fields=["withdrawn_at"])
            audit.record(participant_user, AuditEntry.Kind.CHANGE,
                         f"consent withdrawn: {consent.purpose}", case=locked)
    return consent


def active_for(case, purpose):
    return case.consents.active().filter(purpose=purpose)
