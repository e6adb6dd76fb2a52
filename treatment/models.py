"""Stages 3 and 4: the consent-gated workplace meeting, data transmission reports and the final
report. (The treatment plan the sessions follow is botp's: botp.models.plan.)"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from botp.models import FrozenOnceSubmitted, Language, Referral, WorkplaceRole
from botp.models.case import AppendOnly


class WorkplaceMeeting(models.Model):
    """The multidisciplinary meeting at the workplace: prepared by the BTP, held with the
    participant and the workplace actors the participant's consent names."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        HELD = "held", _("Held")
        CANCELLED = "cancelled", _("Cancelled")

    case = models.ForeignKey("botp.Case", on_delete=models.PROTECT,
                             related_name="workplace_meetings")
    consent = models.ForeignKey("botp.Consent", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PLANNED)
    planned_date = models.DateField(_("planned date"))
    # Empty only on meetings prepared before the portal asked for them.
    planned_time = models.TimeField(_("planned time"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=300, blank=True)
    session = models.OneToOneField("botp.Session", on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="workplace_meeting")
    attended_roles = models.JSONField(_("who attended"), default=list, blank=True)
    adaptations = models.TextField(_("agreed workplace adaptations"), blank=True)
    prepared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    prepared_at = models.DateTimeField(default=timezone.now)
    recorded_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # Set when the participant's withdrawal of its consent cancelled it (not the BTP).
    cancelled_by_withdrawal = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("workplace meeting")
        verbose_name_plural = _("workplace meetings")
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=~Q(status="cancelled"),
                                    name="one_meeting_per_case"),
        ]

    def __str__(self):
        return f"{self.case} meeting {self.planned_date:%Y-%m-%d}"

    def get_attended_roles_display(self):
        labels = dict(WorkplaceRole.choices)
        return [labels.get(role, role) for role in self.attended_roles]


class DataTransmissionReport(AppendOnly):
    """A limited report from the BTP to one occupational physician or prevention advisor, sent
    with the participant's consent for that recipient. Written once, never changed."""

    case = models.ForeignKey("botp.Case", on_delete=models.PROTECT,
                             related_name="transmission_reports")
    consent = models.ForeignKey("botp.Consent", on_delete=models.PROTECT, related_name="+")
    recipient_role = models.CharField(_("recipient's role"), max_length=32,
                                      choices=WorkplaceRole.choices)
    recipient_name = models.CharField(_("recipient"), max_length=200)
    recipient_organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    # The recipient's, which the portal cannot know: the BTP says it when writing.
    language = models.CharField(_("language of the report"), max_length=2,
                                choices=Language.choices)
    purpose = models.TextField(_("purpose"))
    content = models.TextField(_("agreed content"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("data transmission report")
        verbose_name_plural = _("data transmission reports")
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.case} to {self.recipient_name}"


class WorkStatus(models.TextChoices):
    WORKING_FULLY = "working_fully", _("Working fully")
    WORKING_PARTLY = "working_partly", _("Working partly")
    SICK_LEAVE = "sick_leave", _("On sick leave")
    OTHER = "other", _("Other")


class Outcome(models.TextChoices):
    RECOVERED = "recovered", _("Recovered")
    IMPROVED = "improved", _("Improved")
    UNCHANGED = "unchanged", _("Unchanged")
    WORSENED = "worsened", _("Worsened")


class FinalReport(FrozenOnceSubmitted):
    """The BTP's report at the end of treatment. Submitting it completes the case; what was
    submitted is frozen, with the sessions delivered as the portal counted them then."""

    case = models.OneToOneField("botp.Case", on_delete=models.PROTECT,
                                related_name="final_report")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(_("submitted on"), null=True, blank=True)
    # {session type code: held sessions}, computed from the sessions at submission.
    sessions_delivered = models.JSONField(default=dict, blank=True)

    work_status = models.CharField(_("work status at the end"), max_length=16,
                                   choices=WorkStatus.choices, blank=True)
    work_status_other = models.CharField(_("other work status"), max_length=200, blank=True)
    adaptations = models.TextField(_("workplace adaptations"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices,
                               blank=True)
    conclusion = models.TextField(_("the BTP's conclusion"), blank=True)
    further_care = models.BooleanField(_("further care needed"), null=True, blank=True)
    referral = models.CharField(_("referral"), max_length=32, choices=Referral.choices,
                                blank=True)
    referral_note = models.TextField(_("referral: details"), blank=True)

    class Meta:
        verbose_name = _("final report")
        verbose_name_plural = _("final reports")

    def __str__(self):
        return f"{self.case} final report"

    @property
    def is_submitted(self):
        return self.submitted_at is not None
