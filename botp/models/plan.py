"""The treatment the programme pays for: what the BTP requests, what Fedris approved as the plan,
and every amendment of the plan since.

The request is sent with each version of the diagnosis report and frozen with it; confirming the
diagnosis makes the plan from the request of the version confirmed (botp.workflow). The plan's
lines name the ISPs who see the case.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .case import AppendOnly, FrozenOnceSubmitted
from .programme import Approach


class SessionLines(models.Model):
    """Sessions of one type (and approach), and who gives them: ``provider`` is empty for the
    sessions the BTP gives; an ISP's lines name the ISP."""

    session_type = models.ForeignKey("botp.SessionType", on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("session type"))
    approach = models.CharField(_("approach"), max_length=32, choices=Approach.choices,
                                blank=True)
    provider = models.ForeignKey("botp.Provider", on_delete=models.PROTECT, null=True,
                                 blank=True, related_name="+", verbose_name=_("given by"))
    planned_sessions = models.PositiveSmallIntegerField(_("planned sessions"))

    class Meta:
        abstract = True
        ordering = ["session_type__order", "approach", "pk"]


class TreatmentRequest(FrozenOnceSubmitted):
    """The sessions the BTP asks Fedris to approve, sent with version ``version`` of the
    diagnosis report; frozen once sent."""

    case = models.ForeignKey("botp.Case", on_delete=models.PROTECT,
                             related_name="treatment_requests")
    version = models.PositiveIntegerField(_("version"))
    submitted_at = models.DateTimeField(_("submitted on"), null=True, blank=True)

    class Meta:
        verbose_name = _("treatment request")
        verbose_name_plural = _("treatment requests")
        ordering = ["case", "version"]
        constraints = [
            models.UniqueConstraint(fields=["case", "version"], name="unique_request_version"),
        ]

    def __str__(self):
        return f"{self.case} request v{self.version}"


class TreatmentRequestLine(SessionLines, FrozenOnceSubmitted):
    request = models.ForeignKey(TreatmentRequest, on_delete=models.CASCADE, related_name="lines")

    class Meta(SessionLines.Meta):
        verbose_name = _("treatment request line")
        verbose_name_plural = _("treatment request lines")

    def __str__(self):
        return f"{self.request}: {self.planned_sessions} × {self.session_type.code}"

    def _submitted_in_database(self):
        return TreatmentRequest.objects.filter(pk=self.request_id,
                                               submitted_at__isnull=False).exists()


class TreatmentPlan(models.Model):
    """What the treatment consists of. It starts as the request Fedris approved."""

    case = models.OneToOneField("botp.Case", on_delete=models.PROTECT,
                                related_name="treatment_plan")
    approved_request = models.ForeignKey(TreatmentRequest, on_delete=models.PROTECT,
                                         related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("treatment plan")
        verbose_name_plural = _("treatment plans")

    def __str__(self):
        return f"{self.case} plan"


class PlanLine(SessionLines):
    plan = models.ForeignKey(TreatmentPlan, on_delete=models.CASCADE, related_name="lines")

    class Meta(SessionLines.Meta):
        verbose_name = _("plan line")
        verbose_name_plural = _("plan lines")

    def __str__(self):
        return f"{self.plan}: {self.planned_sessions} × {self.session_type.code}"


class PlanAmendment(AppendOnly):
    """Who changed the plan, when and why, with the plan before and after."""

    plan = models.ForeignKey(TreatmentPlan, on_delete=models.PROTECT, related_name="amendments")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                              related_name="+")
    at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(_("reason"))
    before = models.JSONField()
    after = models.JSONField()

    class Meta:
        verbose_name = _("plan amendment")
        verbose_name_plural = _("plan amendments")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.plan} amended {self.at:%Y-%m-%d}"
