"""Stage 1: saving and submitting a screening request, and Fedris' eligibility decision."""

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from botp import audit, documents, nationalnumber, workflow
from botp.models import AuditEntry, Participant
from intake import eligibility
from intake.consent import CURRENT_CONSENT_VERSION
from intake.models import ActivationLink, ScreeningRequest

ACTIVATION_VALID_FOR = timedelta(days=14)


def save_draft(form, referrer):
    """Save the referrer's form as it is (complete or not)."""
    screening = form.save(commit=False)
    screening.referrer = referrer
    if form.cleaned_data.get("consent"):
        if not screening.consent_given:
            screening.consent_given_at = timezone.now()
            screening.consent_version = CURRENT_CONSENT_VERSION
        screening.consent_given = True
    else:
        screening.consent_given = False
        screening.consent_given_at = None
        screening.consent_version = ""
    screening.save()
    return screening


def submit(screening_id, referrer):
    """Turn a complete draft into a case. Submitting twice submits once."""
    with transaction.atomic():
        screening = ScreeningRequest.objects.select_for_update().get(
            pk=screening_id, referrer=referrer
        )
        if not screening.is_draft:
            return screening
        niss = screening.niss
        niss_hash = nationalnumber.keyed_hash(niss)
        screening.possible_duplicate = eligibility.has_other_open_case(niss_hash)
        # The worker is one person across requests: reuse their record, never overwrite it
        # with what this referrer typed, and never tell the referrer it existed.
        participant = Participant.objects.filter(niss_hash=niss_hash).first()
        if participant is None:
            participant = Participant(
                first_name=screening.first_name, last_name=screening.last_name,
                birth_date=screening.birth_date, email=screening.email,
                phone=screening.phone, language=screening.language,
            )
            participant.niss = niss
            participant.save()
        screening.submitted_at = timezone.now()
        screening.case = workflow.open_case(screening.programme, participant, referrer)
        screening.save()
        documents.issue(screening.case, "screening_request", screening.pk)
    return screening


class Decision:
    APPROVE = "approve"
    NOT_ELIGIBLE = "not_eligible"


def decide(screening, admin, *, decision, reason_code="", reason_text="", override_reason="",
           expected_version=None):
    """Approve or declare not eligible; a failed check can be overridden only with a reason."""
    checks = eligibility.checks(screening)
    failed = [c.code for c in checks if not c.passed]
    payload = {"checks": {c.code: c.passed for c in checks}}
    if decision == Decision.APPROVE:
        if failed and not override_reason.strip():
            raise ValidationError(
                _("A check failed (%(checks)s): approving needs a written reason for the "
                  "override.") % {"checks": ", ".join(failed)},
                code="override_reason_required",
            )
        if override_reason.strip():
            payload["override_reason"] = override_reason.strip()
            payload["overridden"] = failed
        with transaction.atomic():
            event = workflow.perform(screening.case, "approve", admin, payload=payload,
                                     expected_version=expected_version)
            documents.issue(screening.case, "eligibility_decision", event.pk)
            participant_id = screening.case.participant_id
            from intake.tasks import send_activation

            transaction.on_commit(lambda: send_activation.delay(participant_id,
                                                                screening.case_id))
        return event
    if decision == Decision.NOT_ELIGIBLE:
        if not reason_code:
            raise ValidationError(_("Choose a reason."), code="reason_required")
        payload.update(reason_code=reason_code, reason=reason_text.strip() or reason_code)
        with transaction.atomic():
            event = workflow.perform(screening.case, "declare_ineligible", admin,
                                     payload=payload, expected_version=expected_version)
            documents.issue(screening.case, "eligibility_decision", event.pk)
        return event
    raise ValidationError(_("Unknown decision."), code="unknown_decision")


def _hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def issue_activation_link(participant):
    """A new single-use link; earlier unused ones stop working."""
    now = timezone.now()
    ActivationLink.objects.filter(participant=participant, used_at__isnull=True).update(
        expires_at=now
    )
    token = secrets.token_urlsafe(32)  # 256 random bits
    ActivationLink.objects.create(participant=participant, token_hash=_hash(token),
                                  expires_at=now + ACTIVATION_VALID_FOR)
    return token


class LinkProblem(Exception):
    def __init__(self, code):
        super().__init__(code)
        self.code = code  # "invalid", "expired" or "used"


def find_activation_link(token):
    link = ActivationLink.objects.select_related("participant").filter(
        token_hash=_hash(token or "")
    ).first()
    if link is None:
        raise LinkProblem("invalid")
    if link.used_at is not None:
        raise LinkProblem("used")
    if link.expires_at <= timezone.now():
        raise LinkProblem("expired")
    return link


def activate(token, password):
    """Create the participant's account from a valid link; the link is then spent."""
    from allauth.account.models import EmailAddress

    from botp.models import Role, User

    with transaction.atomic():
        link = find_activation_link(token)
        link = ActivationLink.objects.select_for_update().get(pk=link.pk)
        if link.used_at is not None:
            raise LinkProblem("used")
        participant = link.participant
        user = participant.user
        if user is None:
            if User.objects.filter(email__iexact=participant.email).exists():
                raise LinkProblem("email_taken")
            user = User.objects.create_user(
                participant.email, password, role=Role.PARTICIPANT,
                first_name=participant.first_name, last_name=participant.last_name,
                language=participant.language,
            )
            participant.user = user
            participant.save(update_fields=["user"])
        else:
            user.set_password(password)
            user.save(update_fields=["password"])
        # Opening the link proved the address.
        EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        link.used_at = timezone.now()
        link.save(update_fields=["used_at"])
        audit.record(user, AuditEntry.Kind.CHANGE, "participant account activated")
    return user
