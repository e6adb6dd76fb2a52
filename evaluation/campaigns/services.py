"""Building and sending a campaign, answering it through its link, reminding and closing."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from botp import links, outbox, text
from botp.models import Provider, ReferrerKind, Role, User
from evaluation.campaigns import questionnaires
from evaluation.campaigns.models import (
    Audience,
    Campaign,
    CampaignAnswer,
    CampaignRecipient,
    CampaignResponse,
)

LINK_PURPOSE = "campaign-link"
MAX_TEXT = 2000


def token_for(recipient):
    return links.token_for(LINK_PURPOSE, recipient.nonce)


def _users(audience, programme):
    """The portal accounts of ``audience`` (of ``programme`` when one is given)."""
    if audience in (Audience.BTP, Audience.ISP):
        providers = Provider.objects.btps() if audience == Audience.BTP else \
            Provider.objects.isps()
        if programme is not None:
            providers = providers.filter(programmes=programme)
        return User.objects.filter(pk__in=providers.values("user_id"))
    if audience in (Audience.REFERRER, Audience.PREVENTION_ADVISOR):
        referrers = User.objects.filter(role=Role.REFERRER, is_active=True)
        if audience == Audience.PREVENTION_ADVISOR:
            referrers = referrers.filter(referrer__kind=ReferrerKind.PREVENTION_ADVISOR)
        if programme is not None:
            referrers = referrers.filter(referred_cases__programme=programme)
        return referrers.distinct()
    return User.objects.none()


def _new_recipient(campaign, audience, **fields):
    nonce = links.new_nonce()
    recipient = CampaignRecipient(campaign=campaign, audience=audience, nonce=nonce,
                                  token_hash=links.hash_of(links.token_for(LINK_PURPOSE, nonce)),
                                  **{k: v for k, v in fields.items() if k != "email"})
    if "email" in fields:
        recipient.email = fields["email"]
    recipient.save()
    outbox.enqueue("campaign_invitation", f"campaign_invitation:{recipient.pk}",
                   payload={"recipient": recipient.pk})
    return recipient


@transaction.atomic
def send(*, by, title, questionnaire, audiences, programme, external, external_language,
         closes_on):
    """Make the campaign and its recipients, with every invitation in the outbox."""
    campaign = Campaign.objects.create(
        title=title, questionnaire=questionnaires.load(questionnaire), programme=programme,
        audiences=sorted(set(audiences) | ({Audience.EXTERNAL} if external else set())),
        closes_on=closes_on, created_by=by)
    invited = set()
    # In the order of Audience: someone who is both BTP and ISP is asked once, as a BTP; a
    # prevention advisor once, as such, when both they and the referrers are asked.
    for audience in [a for a in Audience.values if a in audiences]:
        for user in _users(audience, programme).filter(is_active=True).exclude(pk__in=invited):
            _new_recipient(campaign, audience, user=user, language=user.language)
            invited.add(user.pk)
    for address in external:
        _new_recipient(campaign, Audience.EXTERNAL, email=address, language=external_language)
    return campaign


@transaction.atomic
def remind(campaign):
    """A reminder for everyone who has not answered, through the outbox; how many."""
    locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if locked.is_closed:
        return 0
    number = locked.reminders_sent + 1
    waiting = list(locked.recipients.filter(responded=False).values_list("pk", flat=True))
    for pk in waiting:
        outbox.enqueue("campaign_reminder", f"campaign_reminder:{pk}:{number}",
                       payload={"recipient": pk})
    locked.reminders_sent = number
    locked.save(update_fields=["reminders_sent"])
    return len(waiting)


def close(campaign):
    Campaign.objects.filter(pk=campaign.pk, closed_at__isnull=True).update(
        closed_at=timezone.now())


def recipient_for(token):
    """The recipient behind a link, if it can still be answered."""
    recipient = (CampaignRecipient.objects.select_related("campaign__questionnaire")
                 .filter(token_hash=links.hash_of(token)).first())
    if recipient is None:
        raise links.LinkProblem("invalid")
    if recipient.responded:
        raise links.LinkProblem("completed")
    if recipient.campaign.is_closed:
        raise links.LinkProblem("expired")
    return recipient


def _clean(item, definition, raw):
    value = (raw or "").strip()
    if not value:
        return None, None
    if item["type"] == "choice":
        options = next(s["options"] for s in definition["scales"] if s["id"] == item["scale"])
        if value not in {str(o["value"]) for o in options}:
            return None, _("Choose one of the answers.")
        return value, None
    value = text.normalise(value)
    if len(value) > MAX_TEXT:
        return None, _("At most %(max)s characters.") % {"max": MAX_TEXT}
    if not text.is_clean(value, multiline=True):
        return None, str(text.MESSAGE)
    return value, None


def answer(recipient, posted):
    """Record the answers, apart from the recipient, and mark the recipient as having answered,
    in one transaction; returns {item: message} instead when something needs attention."""
    definition = recipient.campaign.questionnaire.definition
    values, problems = {}, {}
    for item in definition["items"]:
        value, problem = _clean(item, definition, posted.get(item["id"]))
        if problem:
            problems[item["id"]] = problem
        elif value is None and item.get("required"):
            problems[item["id"]] = _("Please answer this question.")
        elif value is not None:
            values[item["id"]] = value
    if problems:
        return problems
    with transaction.atomic():
        taken = CampaignRecipient.objects.filter(pk=recipient.pk, responded=False).update(
            responded=True)
        if not taken:
            raise links.LinkProblem("completed")
        response = CampaignResponse.objects.create(campaign_id=recipient.campaign_id,
                                                   audience=recipient.audience)
        CampaignAnswer.objects.bulk_create([
            CampaignAnswer(response=response, item=item, value=value)
            for item, value in values.items()])
    return {}
