"""Stage 1: saving and submitting a screening request, and Fedris' eligibility decision. The
reads are in intake.selectors."""

import uuid

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from botp import audit, documents, links, nationalnumber, workflow
from botp.models import AuditEntry, CaseEvent, Participant, User
from botp.steps import Step
from intake import activation, eligibility, refusal, signature
from intake.consent import CURRENT_CONSENT_VERSION
from intake.models import ActivationLink, ScreeningRequest


def save_request(referrer: User, *, form_key: uuid.UUID, fields: dict,
                 submit: bool = False) -> ScreeningRequest:
    """Save the referrer's screening request as it is (complete or not), and send it to Fedris
    when ``submit``; return it.

    ``form_key`` names the form the referrer filled: every post of one form (a double click, a
    retried request, eight at once) lands on the one request, its row locked first. Once it is
    sent, later posts change nothing and get the sent request back, so one request opens one
    case (the database refuses a second: Case.request_key). A key another referrer's request
    holds starts a new request: it never reaches theirs.
    """
    with transaction.atomic():
        screening = _locked(referrer, form_key)
        if not screening.is_draft:
            return screening
        _fill(screening, fields)
        screening.save()
        if submit:
            _submit(screening)
    return screening


def _locked(referrer, form_key):
    """The referrer's request of ``form_key``, locked; a new draft if there is none yet."""
    mine = ScreeningRequest.objects.select_for_update().filter(referrer=referrer)
    screening = mine.filter(form_key=form_key).first()
    if screening is not None:
        return screening
    if ScreeningRequest.objects.filter(form_key=form_key).exclude(referrer=referrer).exists():
        form_key = uuid.uuid4()
    try:
        with transaction.atomic():
            return ScreeningRequest.objects.create(referrer=referrer, form_key=form_key)
    except IntegrityError:  # a twin post created it first: wait for it, then carry on with it
        return mine.get(form_key=form_key)


# What a referrer fills in; everything else on the request is the portal's.
REQUEST_FIELDS = {
    "programme", "first_name", "last_name", "birth_date", "sex", "email", "phone", "language",
    "employer_name", "enterprise_number", "employer_kind", "nace_code", "sector",
    "sector_other", "job_title", "work_status", "sick_leave_since", "incapacity_not_burnout",
    "adapted_work_agreed", "signals", "signals_other",
}


def _fill(screening, fields):
    unknown = set(fields) - REQUEST_FIELDS - {"niss", "consent"}
    if unknown:
        raise TypeError(f"not fields of a screening request: {sorted(unknown)}")
    for name in REQUEST_FIELDS & set(fields):
        setattr(screening, name, fields[name])
    if "niss" in fields:
        screening.niss = fields["niss"]
    if fields.get("consent"):
        if not screening.consent_given:
            screening.consent_given_at = timezone.now()
            screening.consent_version = CURRENT_CONSENT_VERSION
        screening.consent_given = True
    else:
        screening.consent_given = False
        screening.consent_given_at = None
        screening.consent_version = ""


def submit(screening_id: int, *, referrer: User) -> ScreeningRequest:
    """Send a complete draft to Fedris: it becomes a case. Submitting twice submits once."""
    with transaction.atomic():
        screening = ScreeningRequest.objects.select_for_update().get(
            pk=screening_id, referrer=referrer
        )
        if screening.is_draft:
            _submit(screening)
    return screening


def _submit(screening):
    """Open the case of ``screening``, a locked draft."""
    niss = screening.niss
    niss_hash = nationalnumber.keyed_hash(niss)
    screening.possible_duplicate = eligibility.has_other_open_case(niss_hash)
    # The worker is one person across requests: reuse their record, never overwrite it with
    # what this referrer typed, and never tell the referrer it existed.
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
    screening.case = workflow.open_case(screening.programme, participant, screening.referrer,
                                        request_key=screening.form_key)
    screening.save()
    documents.issue(screening.case, "screening_request", screening.pk)
    if signature.required(screening):
        signature.ask(screening)


class Decision:
    APPROVE = "approve"
    NOT_ELIGIBLE = "not_eligible"


def decide(screening: ScreeningRequest, admin: User, *, decision: str, reason_code: str = "",
           reason_text: str = "", override_reason: str = "",
           expected_version: int | None = None) -> CaseEvent:
    """Approve or declare not eligible; a failed check can be overridden only with a reason."""
    checks = eligibility.checks(screening)
    failed = [c.code for c in checks if not c.passed]
    explained = " ".join(str(c.explanation) for c in checks if not c.passed)
    payload = {"checks": {c.code: c.passed for c in checks},
               "programme_version": screening.case.rules.version.number}
    if decision == Decision.APPROVE:
        if signature.required(screening) and screening.worker_signed_at is None:
            # The programme's condition, not a check Fedris can override.
            raise ValidationError(
                _("The worker has not signed the request yet: it can be approved once they "
                  "have."), code="worker_signature_required")
        failed = [code for code in failed if code != "worker_signature"]
        explained = " ".join(str(c.explanation) for c in checks
                             if not c.passed and c.code != "worker_signature")
        if failed and not override_reason.strip():
            raise ValidationError(
                _("A check failed: %(checks)s Approving needs a written reason for the "
                  "override.") % {"checks": explained},
                code="override_reason_required",
            )
        if override_reason.strip():
            payload["override_reason"] = override_reason.strip()
            payload["overridden"] = failed
        with transaction.atomic():
            event = workflow.perform(screening.case, Step.APPROVE, admin, payload=payload,
                                     expected_version=expected_version)
            documents.issue(screening.case, "eligibility_decision", event.pk)
            activation.announce_approval(screening.case)
        return event
    if decision == Decision.NOT_ELIGIBLE:
        if not reason_code:
            raise ValidationError({"reason_code": ValidationError(
                _("Choose the reason why the request is not eligible."), code="reason_required")})
        payload.update(reason_code=reason_code, reason=reason_text.strip() or reason_code)
        try:
            with transaction.atomic():
                event = workflow.perform(screening.case, Step.DECLARE_INELIGIBLE, admin,
                                         payload=payload, expected_version=expected_version)
                # Checked once the case is known to be decidable, so that a request decided
                # meanwhile is told as such rather than as a form to correct; refusing here
                # undoes the transition with the rest of the transaction.
                _check_reason(reason_code, reason_text)
                letter = documents.issue(screening.case, "eligibility_decision", event.pk)
                refusal.announce(event, letter)
        except ValidationError:
            screening.case.refresh_from_db()  # the caller's copy as it stands again
            raise
        return event
    raise ValidationError(_("Unknown decision."), code="unknown_decision")


def _check_reason(reason_code, reason_text):
    """A refusal names one of the categories; "other" says what it is, since the worker's
    letter has nothing else to explain it with."""
    if reason_code not in eligibility.Reason.values:
        raise ValidationError({"reason_code": ValidationError(
            _("Choose one of the reasons in the list."), code="unknown_reason")})
    if reason_code == eligibility.Reason.OTHER and not reason_text.strip():
        raise ValidationError({"reason_text": ValidationError(
            _("Explain the reason: the letter to the worker gives no other."),
            code="explanation_required")})


def activate(token: str, *, password: str) -> User:
    """Create the participant's account from a valid link; the link is then spent."""
    from allauth.account.models import EmailAddress

    from botp.models import Role

    with transaction.atomic():
        link = activation.find_link(token)
        link = ActivationLink.objects.select_for_update().get(pk=link.pk)
        if link.used_at is not None:
            raise links.LinkProblem("used")
        participant = link.participant
        user = participant.user
        if user is None:
            if User.objects.filter(email__iexact=participant.email).exists():
                raise links.LinkProblem("email_taken")
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
