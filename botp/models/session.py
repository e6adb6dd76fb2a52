"""Sessions given to a participant, from the first diagnosis session to the last follow-up.

One table for every phase, so the programme's caps (per type and the diagnosis + treatment
total) are counted in one place: botp.sessions.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .programme import Approach


class SessionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    NO_SHOW = "no_show", _("No-show")
    CANCELLED = "cancelled", _("Cancelled")


class SessionFormat(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    GROUP = "group", _("Group")


class Session(models.Model):
    case = models.ForeignKey("botp.Case", on_delete=models.PROTECT, related_name="sessions")
    session_type = models.ForeignKey(
        "botp.SessionType", on_delete=models.PROTECT, related_name="sessions",
        verbose_name=_("session type"),
    )
    provider = models.ForeignKey(
        "botp.Provider", on_delete=models.PROTECT, related_name="sessions_given",
        verbose_name=_("given by"),
    )
    approach = models.CharField(_("approach"), max_length=32, choices=Approach.choices,
                                blank=True)
    date = models.DateField(_("date"))
    # A planned session says when and where it takes place (botp.sessions requires both).
    starts_at = models.TimeField(_("time"), null=True, blank=True)
    place = models.CharField(_("place"), max_length=300, blank=True)
    duration_minutes = models.PositiveSmallIntegerField(_("duration (minutes)"))
    format = models.CharField(_("format"), max_length=16, choices=SessionFormat.choices,
                              default=SessionFormat.INDIVIDUAL)
    status = models.CharField(_("status"), max_length=16, choices=SessionStatus.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["date", "pk"]
        indexes = [models.Index(fields=["case", "status"], name="session_case_status")]

    def __str__(self):
        return f"{self.session_type} {self.date:%Y-%m-%d} ({self.get_status_display()})"
