"""Campaign invitations and reminders, composed when the outbox delivers them."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from botp import mail, outbox
from evaluation.campaigns import services
from evaluation.campaigns.models import CampaignRecipient


def _send(message, mailer, *, reminder):
    recipient = (CampaignRecipient.objects.select_related("campaign", "user")
                 .get(pk=message.payload["recipient"]))
    if recipient.responded:
        raise outbox.NotNeeded("answered already")
    if recipient.campaign.is_closed:
        raise outbox.NotNeeded("the campaign is closed")
    if recipient.user_id and not recipient.user.is_active:
        raise outbox.Undeliverable(outbox.Problem.NO_ADDRESS, "the account is closed")
    to = recipient.email
    message.recipient = to
    link = settings.PORTAL_BASE_URL + reverse("evaluation:campaign_answer",
                                              args=[services.token_for(recipient)])
    mailer.send(mail.compose(message, to=to, language=recipient.language,
                             template="evaluation/email/campaign_invitation", context={
                                 "title": recipient.campaign.title, "link": link,
                                 "closes": recipient.campaign.closes_on, "reminder": reminder,
                             }))


outbox.register("campaign_invitation", label=_("Stakeholder evaluation invitation"),
                deliver=lambda message, mailer: _send(message, mailer, reminder=False))
outbox.register("campaign_reminder", label=_("Stakeholder evaluation reminder"),
                deliver=lambda message, mailer: _send(message, mailer, reminder=True))
