import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from botp.models import OutboxMessage, Wave
from botp.models.i18n import TranslatedName
from botp.models.outbox import Delivered


class Instrument(TranslatedName):
    """One version of a questionnaire as it was loaded from botp/instruments/.

    A version is never changed once loaded: answers are scored against the exact definition
    they were given with, so a changed file must come with a new version.
    """

    code = models.SlugField(_("code"), max_length=40)
    version = models.PositiveIntegerField(_("version"))
    definition = models.JSONField(_("definition"))
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64)
    loaded_at = models.DateTimeField(_("loaded at"), default=timezone.now)

    class Meta:
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="unique_instrument_version")
        ]

    def __str__(self):
        return f"{self.name} (v{self.version})"


class SurveyInvitation(Delivered, models.Model):
    """The one invitation of a case to a survey wave, with its link and what became of it.

    The link's token is never stored: only its hash (to find the invitation) and a random nonce
    from which, with the portal's key, the same link is made again for reminders.
    """

    case = models.ForeignKey("botp.Case", on_delete=models.PROTECT,
                             related_name="survey_invitations")
    wave = models.CharField(_("wave"), max_length=8, choices=Wave.choices)
    language = models.CharField(max_length=2)
    # The instruments asked, in order, as loaded when the invitation was made.
    instruments = models.ManyToManyField(Instrument, related_name="+", through="WaveInstrument")
    due_on = models.DateField(_("due on"))
    closes_at = models.DateTimeField(_("closes at"))
    nonce = models.CharField(max_length=64, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(default=0)
    last_reminder_at = models.DateTimeField(null=True, blank=True)
    opened_at = models.DateTimeField(_("opened"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)

    class Meta:
        verbose_name = _("survey invitation")
        verbose_name_plural = _("survey invitations")
        ordering = ["case", "due_on"]
        constraints = [
            models.UniqueConstraint(fields=["case", "wave"], name="one_invitation_per_wave"),
        ]

    def __str__(self):
        return f"{self.case} {self.wave}"

    @property
    def is_closed(self):
        return self.closes_at <= timezone.now()

    @property
    def last_day(self):
        """The last (Brussels) day the survey can be answered."""
        return timezone.localdate(self.closes_at - datetime.timedelta(seconds=1))

    @property
    def status(self):
        if self.completed_at:
            return InvitationStatus.COMPLETED
        if self.is_closed:
            return InvitationStatus.EXPIRED
        if self.opened_at:
            return InvitationStatus.OPENED
        if self.sent_at:
            return InvitationStatus.SENT
        delivery = self.delivery
        if delivery is not None and delivery.status == OutboxMessage.Status.RETRYING:
            return InvitationStatus.FAILING
        if delivery is not None and delivery.status == OutboxMessage.Status.FAILED:
            return InvitationStatus.UNDELIVERABLE
        return InvitationStatus.WAITING

    def get_status_display(self):
        return InvitationStatus(self.status).label

    @property
    def delivery_key(self):
        return f"survey_invitation:{self.pk}"


class InvitationStatus(models.TextChoices):
    WAITING = "waiting", _("Not sent yet")
    FAILING = "failing", _("Sending failed, retrying")
    UNDELIVERABLE = "undeliverable", _("Could not be sent")
    SENT = "sent", _("Sent")
    OPENED = "opened", _("Opened")
    COMPLETED = "completed", _("Completed")
    EXPIRED = "expired", _("Expired")


class WaveInstrument(models.Model):
    invitation = models.ForeignKey(SurveyInvitation, on_delete=models.CASCADE)
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["invitation", "position"]
        constraints = [
            models.UniqueConstraint(fields=["invitation", "instrument"],
                                    name="instrument_once_per_invitation"),
        ]

    def __str__(self):
        return f"{self.invitation} #{self.position} {self.instrument.code}"


class Answer(models.Model):
    """One item answered; saved as the participant goes, final once the survey is sent."""

    invitation = models.ForeignKey(SurveyInvitation, on_delete=models.CASCADE,
                                   related_name="answers")
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="+")
    item = models.CharField(max_length=40)
    value = models.CharField(max_length=2000)
    saved_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["invitation", "instrument", "item"],
                                    name="one_answer_per_item"),
        ]

    def __str__(self):
        return f"{self.invitation} {self.instrument.code}.{self.item}"


class Score(models.Model):
    """A subscale's score, computed once when the survey is sent."""

    invitation = models.ForeignKey(SurveyInvitation, on_delete=models.CASCADE,
                                   related_name="scores")
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="+")
    subscale = models.CharField(max_length=40)
    value = models.DecimalField(max_digits=7, decimal_places=4, null=True)
    band = models.CharField(max_length=40, blank=True)
    answered = models.PositiveSmallIntegerField()
    missing = models.PositiveSmallIntegerField()

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(fields=["invitation", "instrument", "subscale"],
                                    name="one_score_per_subscale"),
        ]

    def __str__(self):
        return f"{self.invitation} {self.instrument.code}.{self.subscale} = {self.value}"


class CaseOutcome(models.Model):
    """A case's score on one scale at each wave, with the cell of the research outputs it is
    counted in (evaluation.disclosure): what the case adds to the outcome tallies, kept so
    that a change to its scores takes exactly that back out (evaluation.tallies)."""

    case = models.ForeignKey("botp.Case", on_delete=models.CASCADE, related_name="+")
    instrument = models.CharField(max_length=40)  # the instrument's code, every version
    subscale = models.CharField(max_length=40)
    programme = models.CharField(max_length=50)
    sector = models.CharField(max_length=50)
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    pre = models.FloatField(null=True)
    post1 = models.FloatField(null=True)
    post2 = models.FloatField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["case", "instrument", "subscale"],
                                    name="one_outcome_per_case_and_scale"),
        ]

    def __str__(self):
        return f"{self.case_id} {self.instrument}.{self.subscale}"


class OutcomeTally(models.Model):
    """The sums behind the outcome dashboard, per cell of the research outputs, scale and the
    waves answered (``pattern``: 1 pre-test, 2 post-test 1, 4 post-test 2, added): how many
    cases, the sum and the sum of squares of their scores at each wave and of their changes
    from the pre-test. Kept up to date as waves complete, so the dashboard adds a few thousand
    rows instead of reading every score."""

    programme = models.CharField(max_length=50)
    sector = models.CharField(max_length=50)
    year = models.PositiveSmallIntegerField()
    month = models.PositiveSmallIntegerField()
    instrument = models.CharField(max_length=40)
    subscale = models.CharField(max_length=40)
    pattern = models.PositiveSmallIntegerField()
    cases = models.IntegerField(default=0)
    pre = models.FloatField(default=0)
    pre_sq = models.FloatField(default=0)
    post1 = models.FloatField(default=0)
    post1_sq = models.FloatField(default=0)
    post2 = models.FloatField(default=0)
    post2_sq = models.FloatField(default=0)
    change1 = models.FloatField(default=0)
    change1_sq = models.FloatField(default=0)
    change2 = models.FloatField(default=0)
    change2_sq = models.FloatField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "sector", "year", "month", "instrument", "subscale",
                        "pattern"], name="one_tally_per_cell_scale_and_pattern"),
        ]

    def __str__(self):
        return f"{self.instrument}.{self.subscale} {self.year}-{self.month:02d} ({self.cases})"


class ResearchExport(models.Model):
    """A pseudonymised export a researcher asked for: built by a worker (through the outbox)
    into an encrypted file, downloaded by them once it is ready."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Waiting to be prepared")
        READY = "ready", _("Ready to download")
        FAILED = "failed", _("Could not be prepared")

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                     related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    # The dashboard's filters by code (disclosure.Selection): programme, sector, period.
    selection = models.JSONField(default=dict)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    cases = models.PositiveIntegerField(default=0)
    rows = models.PositiveIntegerField(default=0)
    file = models.CharField(max_length=200, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("research export")
        verbose_name_plural = _("research exports")
        ordering = ["-requested_at", "-pk"]

    def __str__(self):
        return f"export {self.pk} ({self.status})"

    @property
    def delivery_key(self):
        return f"research_export:{self.pk}"


# The re-integration monitor and the stakeholder campaigns keep their models in their modules.
from evaluation.campaigns.models import (  # noqa: E402,F401
    Campaign,
    CampaignAnswer,
    CampaignRecipient,
    CampaignResponse,
)
from evaluation.monitor.models import (  # noqa: E402,F401
    MonitorAnswer,
    MonitorContact,
    MonitorPerson,
    MonitorResponse,
    MonitorScore,
)
