"""The approved worker's way into the portal: the approval e-mail and its activation link.

The link is single-use and expires. Only a hash of its token and a random nonce are stored
(botp.links), so the e-mail can be composed when the outbox delivers it, and composed the same at
every attempt.
"""

from datetime import timedelta

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from botp import links, mail, notifications, outbox
from botp.links import LinkProblem  # codes here: invalid, expired, used or email_taken
from botp.models import Case
from intake.models import ActivationLink

VALID_FOR = timedelta(days=14)


def token_for(nonce):
    return links.token_for("activation-link", nonce)


def issue_link(participant):
    """A new single-use link for ``participant``; earlier unused ones stop working."""
    now = timezone.now()
    ActivationLink.objects.filter(participant=participant, used_at__isnull=True).update(
        expires_at=now
    )
    nonce = links.new_nonce()
    return ActivationLink.objects.create(
        participant=participant, nonce=nonce, token_hash=links.hash_of(token_for(nonce)),
        expires_at=now + VALID_FOR,
    )


def find_link(token):
    link = ActivationLink.objects.select_related("participant").filter(
        token_hash=links.hash_of(token or "")
    ).first()
    if link is None:
        raise LinkProblem("invalid")
    if link.used_at is not None:
        raise LinkProblem("used")
    if link.expires_at <= timezone.now():
        raise LinkProblem("expired")
    return link


def announce_approval(case):
    """Record the approval e-mail to the worker (with a new activation link unless they have an
    account); call inside the approval's transaction."""
    participant = case.participant
    link = None if participant.user_id else issue_link(participant)
    outbox.enqueue("activation", f"activation:{case.pk}", case=case, payload={
        "participant": participant.pk, "case": case.pk, "link": link.pk if link else None,
    })


def _deliver(message, mailer):
    case = Case.objects.select_related("participant").get(pk=message.payload["case"])
    to, language = notifications.address_of(message.payload)
    message.recipient = to
    context = {"name": case.participant.first_name, "reference": case.reference}
    link = ActivationLink.objects.filter(pk=message.payload.get("link")).first()
    if link is None:
        context["link"] = settings.PORTAL_BASE_URL + reverse("account_login")
        context["has_account"] = True
    else:
        context["link"] = settings.PORTAL_BASE_URL + reverse(
            "intake:activate", args=[token_for(link.nonce)])
        context["valid_days"] = VALID_FOR.days
    mailer.send(mail.compose(message, to=to, language=language,
                             template="intake/email/approved", context=context))


outbox.register("activation", label=_("Approval and activation e-mail"), deliver=_deliver)
