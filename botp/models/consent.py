"""The participant's consents to lift anonymity: for a meeting with named workplace actors, or
for a data transmission report to one named occupational physician or prevention advisor.

A consent is given under a versioned text, with its scope, and can be withdrawn; it is never
edited. Without an active consent the employer never learns that the worker takes part.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class WorkplaceRole(models.TextChoices):
    OCCUPATIONAL_PHYSICIAN = "occupational_physician", _("Occupational physician")
    PREVENTION_ADVISOR = "prevention_advisor", _("Prevention advisor for psychosocial aspects")
    EMPLOYER = "employer", _("Employer representative")
    WORKER_REPRESENTATIVE = "worker_representative", _("Worker representative")


# Who may receive a data transmission report: health and prevention professionals only.
TRANSMISSION_RECIPIENTS = [WorkplaceRole.OCCUPATIONAL_PHYSICIAN,
                           WorkplaceRole.PREVENTION_ADVISOR]


class ConsentQuerySet(models.QuerySet):
    def active(self):
        return self.filter(withdrawn_at__isnull=True)


class Consent(models.Model):
    class Purpose(models.TextChoices):
        MEETING = "meeting", _("Multidisciplinary meeting at the workplace")
        TRANSMISSION = "transmission", _("Data transmission report")

    case = models.ForeignKey("botp.Case", on_delete=models.PROTECT, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=16, choices=Purpose.choices)
    # The named people it covers: [{"role": WorkplaceRole, "name": "...", "organisation": ""}].
    scope = models.JSONField(_("scope"), default=list)
    text_version = models.CharField(max_length=20)
    given_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                 related_name="+")
    given_at = models.DateTimeField(default=timezone.now)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-given_at", "-pk"]

    def __str__(self):
        return f"{self.case} {self.purpose} {self.given_at:%Y-%m-%d}"

    @property
    def is_active(self):
        return self.withdrawn_at is None

    def covers(self, role, name):
        """Whether this consent names ``role`` held by ``name`` (names compared loosely)."""
        wanted = " ".join(name.split()).casefold()
        return any(person["role"] == role and " ".join(person["name"].split()).casefold()
                   == wanted for person in self.scope)

    def scope_display(self):
        labels = dict(WorkplaceRole.choices)
        return [
            f"{person['name']} ({labels.get(person['role'], person['role'])}"
            + (f", {person['organisation']}" if person.get("organisation") else "") + ")"
            for person in self.scope
        ]

