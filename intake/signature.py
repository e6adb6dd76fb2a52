"""The worker's own signature of a screening request, where the programme version asks it (the
programme since 2024: the request is signed by the worker and by the referring physician or
prevention advisor).

Sending the request is the referrer's signature. The worker then gets an e-mail with a personal,
single-use link (only its hash and a nonce are stored, botp.links); on that page they read what
the request says about them and the confirmation text, and sign. The time and the version of
the text are recorded, and eligibility is judged at that date (intake.eligibility).
"""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from botp import audit, links, mail, notifications, outbox
from botp.links import LinkProblem  # codes here: invalid, expired, used
from botp.models import AuditEntry, CaseState
from intake.consent import CURRENT_WORKER_CONSENT_VERSION
from intake.models import ScreeningRequest, SignatureLink

VALID_FOR = timedelta(days=30)


def token_for(nonce):
    return links.token_for("signature-link", nonce)


def required(screening):
    """Whether ``screening``'s programme version asks the worker to sign it."""
    return bool(screening.case_id and screening.case.rules.worker_signs_request)


def issue_link(screening):
    """A new single-use link for the worker of ``screening``; earlier unused ones stop working."""
    now = timezone.now()
    SignatureLink.objects.filter(request=screening, used_at__isnull=True).update(expires_at=now)
    nonce = links.new_nonce()
    return SignatureLink.objects.create(
        request=screening, nonce=nonce, token_hash=links.hash_of(token_for(nonce)),
        expires_at=now + VALID_FOR)


def ask(screening):
    """Record the e-mail asking the worker to sign ``screening``; call inside the transaction
    that sends the request."""
    link = issue_link(screening)
    case = screening.case
    outbox.enqueue("worker_signature", f"worker_signature:{screening.pk}:{link.pk}", case=case,
                   payload={"participant": case.participant_id, "request": screening.pk,
                            "link": link.pk})
    return link


def may_send_again(screening):
    """Whether ``screening`` still waits for its worker's signature: a new link can be sent
    while Fedris has not decided and the worker has not signed."""
    return (required(screening) and screening.worker_signed_at is None
            and screening.case.state == CaseState.REQUESTED)


def send_again(screening, by):
    """A new link to the worker, every earlier one void: for a link that expired or an e-mail
    that was lost, asked by the referrer or a Fedris administrator."""
    with transaction.atomic():
        # The case is joined for reading only: PostgreSQL locks no row of an outer join.
        screening = ScreeningRequest.objects.select_for_update(of=("self",)).select_related(
            "case").get(pk=screening.pk)
        if not may_send_again(screening):
            raise ValidationError(_("This request no longer waits for the worker's signature."),
                                  code="not_waiting")
        link = ask(screening)
        audit.record(by, AuditEntry.Kind.CHANGE, "signing link sent again to the worker",
                     case=screening.case)
    return link


def find_link(token):
    link = SignatureLink.objects.select_related("request__case__participant").filter(
        token_hash=links.hash_of(token or "")).first()
    if link is None:
        raise LinkProblem("invalid")
    if link.used_at is not None or link.request.worker_signed_at is not None:
        raise LinkProblem("used")
    if link.expires_at <= timezone.now():
        raise LinkProblem("expired")
    return link


def sign(token, *, confirmed):
    """The worker signs through their link: the time and the text version are recorded, the
    link is spent. Returns the request."""
    if not confirmed:
        raise ValidationError({"confirm": ValidationError(
            _("Tick the box to confirm and sign the request."), code="confirm_required")})
    with transaction.atomic():
        link = SignatureLink.objects.select_for_update().get(pk=find_link(token).pk)
        screening = ScreeningRequest.objects.select_for_update().get(pk=link.request_id)
        if link.used_at is not None or screening.worker_signed_at is not None:
            raise LinkProblem("used")
        now = timezone.now()
        screening.worker_signed_at = now
        screening.worker_consent_version = CURRENT_WORKER_CONSENT_VERSION
        screening.save(update_fields=["worker_signed_at", "worker_consent_version",
                                      "updated_at"])
        link.used_at = now
        link.save(update_fields=["used_at"])
        audit.record(None, AuditEntry.Kind.CHANGE,
                     f"screening request signed by the worker "
                     f"(text {CURRENT_WORKER_CONSENT_VERSION})", case=screening.case)
    return screening


def _deliver(message, mailer):
    screening = ScreeningRequest.objects.select_related("case", "programme").get(
        pk=message.payload["request"])
    link = SignatureLink.objects.filter(pk=message.payload["link"]).first()
    if link is None or link.used_at is not None or screening.worker_signed_at is not None:
        raise outbox.NotNeeded("signed already")
    to, language = notifications.address_of(message.payload)
    message.recipient = to
    context = {
        "name": screening.first_name, "reference": screening.case.reference,
        "programme": screening.programme.name, "valid_days": VALID_FOR.days,
        "link": settings.PORTAL_BASE_URL + reverse("intake:sign", args=[token_for(link.nonce)]),
    }
    mailer.send(mail.compose(message, to=to, language=language,
                             template="intake/email/sign_request", context=context))


outbox.register("worker_signature", label=gettext_lazy("Request to sign, to the worker"),
                deliver=_deliver)
