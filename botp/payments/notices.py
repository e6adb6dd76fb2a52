"""The e-mails of the payment loops, to whoever must act or learn the outcome: a provider's
statement to check and confirm, a line of it Fedris disputes, a participant's travel claim
decided.

Each is recorded in the transaction of the change (botp.outbox) and composed when delivered. It
names the month or the trip's day and where to look in the portal, never an amount, a case or a
reason: those are read once logged in.
"""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from botp import mail, notifications, outbox
from botp.payments.models import ClaimStatus, Statement, StatementStatus, TravelClaim

KIND = "payment_notice"


def statement_to_confirm(statement):
    """The provider has a statement to check and confirm (once a statement)."""
    outbox.enqueue(KIND, f"{KIND}:statement:{statement.pk}",
                   payload={"notice": "statement", "statement": statement.pk})


def line_disputed(line):
    """Fedris disputes a line of the provider's statement: they answer it (once a dispute)."""
    outbox.enqueue(KIND, f"{KIND}:dispute:{line.pk}:{line.disputed_at:%Y%m%d%H%M%S%f}",
                   payload={"notice": "dispute", "statement": line.statement_id})


def claim_decided(claim):
    """The participant's travel claim is approved or refused. The decision is kept with the
    message: by the time it goes (a retry hours later) the claim may be paid already."""
    outbox.enqueue(KIND, f"{KIND}:claim:{claim.pk}", case=claim.case,
                   payload={"notice": "claim", "claim": claim.pk,
                            "approved": claim.status == ClaimStatus.APPROVED})


def _link(name, *args):
    return settings.PORTAL_BASE_URL + reverse(name, args=args)


def _statement_notice(message, waiting_for):
    statement = Statement.objects.select_related("provider__user").get(
        pk=message.payload["statement"])
    if statement.status != waiting_for:
        # Confirmed, or the dispute answered, before the e-mail went: nothing left to ask.
        raise outbox.NotNeeded("the statement no longer waits for its provider")
    to, language = notifications.address_of({"user": statement.provider.user_id})
    return to, language, {"month": statement.month,
                          "link": _link("payments:statement", statement.pk)}


def _claim_notice(message):
    claim = TravelClaim.objects.select_related("participant__user").get(
        pk=message.payload["claim"])
    to, language = notifications.participant_address(claim.participant)
    return to, language, {"trip_date": claim.trip_date,
                          "approved": message.payload["approved"],
                          "link": _link("payments:claims")}


def _deliver(message, mailer):
    notice = message.payload["notice"]
    if notice == "statement":
        to, language, context = _statement_notice(message, StatementStatus.TO_CONFIRM)
    elif notice == "dispute":
        to, language, context = _statement_notice(message, StatementStatus.DISPUTED)
    else:
        to, language, context = _claim_notice(message)
    message.recipient = to
    mailer.send(mail.compose(message, to=to, language=language,
                             template=f"botp/payments/email/{notice}", context=context))


outbox.register(KIND, label=_("Payment notice (statement, dispute, travel claim)"),
                deliver=_deliver)
