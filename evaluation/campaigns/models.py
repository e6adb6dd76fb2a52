"""A campaign, its recipients (each with a single-use link) and the responses, kept apart."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from botp import keys


class Audience(models.TextChoices):
    BTP = "btp", _("BTPs")
    ISP = "isp", _("ISPs")
    # Referrers who are prevention advisors for psychosocial aspects, apart from the others.
    PREVENTION_ADVISOR = "prevention_advisor", _("Prevention advisors (referrers)")
    REFERRER = "referrer", _("Referrers")
    EXTERNAL = "external", _("External addresses (prevention advisors, social partners …)")


class Campaign(models.Model):
    title = models.CharField(_("title"), max_length=200)
    questionnaire = models.ForeignKey("evaluation.Instrument", on_delete=models.PROTECT,
                                      related_name="+", verbose_name=_("questionnaire"))
    programme = models.ForeignKey("botp.Programme", on_delete=models.PROTECT, null=True,
                                  blank=True, related_name="+", verbose_name=_("programme"))
    audiences = models.JSONField(_("recipients"), default=list)
    closes_on = models.DateField(_("closes on"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("stakeholder campaign")
        verbose_name_plural = _("stakeholder campaigns")
        ordering = ["-created_at"]

    def __str__(self):
        return self.title

    @property
    def is_closed(self):
        return self.closed_at is not None or self.closes_on < timezone.localdate()


class CampaignRecipient(models.Model):
    """Someone asked: a portal account, or an external address (kept encrypted). Whether they
    answered is all it says of their answers."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="recipients")
    audience = models.CharField(max_length=24, choices=Audience.choices)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True,
                             blank=True, related_name="+")
    email_encrypted = models.BinaryField(null=True, editable=False)
    language = models.CharField(max_length=2)
    nonce = models.CharField(max_length=64, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    responded = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "user"], name="one_invitation_per_user",
                                    condition=models.Q(user__isnull=False)),
        ]

    def __str__(self):
        return f"{self.campaign} #{self.pk}"

    @property
    def email(self):
        if self.user_id:
            return self.user.email
        return keys.fernet("campaign-recipient").decrypt(bytes(self.email_encrypted)).decode()

    @email.setter
    def email(self, value):
        self.email_encrypted = keys.fernet("campaign-recipient").encrypt(value.encode())


class CampaignResponse(models.Model):
    """One set of answers: its campaign and the recipient's audience, no link to the recipient.
    Sent on the day only (no time), so the order of arrival does not tell who answered."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="responses")
    audience = models.CharField(max_length=24, choices=Audience.choices)
    sent_on = models.DateField(default=timezone.localdate)

    def __str__(self):
        return f"{self.campaign} response #{self.pk}"


class CampaignAnswer(models.Model):
    response = models.ForeignKey(CampaignResponse, on_delete=models.CASCADE,
                                 related_name="answers")
    item = models.CharField(max_length=40)
    value = models.CharField(max_length=2000)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "item"], name="one_campaign_answer"),
        ]

    def __str__(self):
        return f"{self.response} {self.item}"
