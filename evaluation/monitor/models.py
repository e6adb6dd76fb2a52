"""What the re-integration monitor keeps: a person known only by their private link, their
measurements with answers and scores, and apart from them, encrypted, the e-mail address they
chose to leave for the follow-ups."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from botp import keys
from botp.models import FederalOrganisation


class Measurement(models.TextChoices):
    BASELINE = "baseline", _("First measurement")
    MONTH3 = "month3", _("Follow-up after 3 months")
    MONTH6 = "month6", _("Follow-up after 6 months")


# When each follow-up opens, in days after the first measurement was sent.
FOLLOW_UP_DAYS = {Measurement.MONTH3: 91, Measurement.MONTH6: 182}


class MonitorPerson(models.Model):
    """Someone who started the monitor. No name and no account: the private link's token is
    never stored, only its hash and the nonce it is made from (as for survey links)."""

    organisation = models.CharField(_("organisation"), max_length=32,
                                    choices=FederalOrganisation.choices)
    language = models.CharField(max_length=2)
    nonce = models.CharField(max_length=64, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("re-integration monitor user")
        verbose_name_plural = _("re-integration monitor users")

    def __str__(self):
        return f"FA-BRM #{self.pk}"


class MonitorContact(models.Model):
    """The e-mail address a person left for the follow-up invitations: encrypted, in a table of
    its own (never joined to the answers on any page), deleted the moment they ask."""

    person = models.OneToOneField(MonitorPerson, on_delete=models.CASCADE, related_name="contact")
    email_encrypted = models.BinaryField(editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("follow-up address")
        verbose_name_plural = _("follow-up addresses")

    def __str__(self):
        return f"FA-BRM #{self.person_id} address"

    @property
    def email(self):
        return keys.fernet("monitor-contact").decrypt(bytes(self.email_encrypted)).decode()

    @email.setter
    def email(self, value):
        self.email_encrypted = keys.fernet("monitor-contact").encrypt(value.encode())


class MonitorResponse(models.Model):
    """One measurement: the instrument version asked, the organisation named then (aggregates
    count it there), and when it was sent."""

    person = models.ForeignKey(MonitorPerson, on_delete=models.CASCADE, related_name="responses")
    measurement = models.CharField(_("measurement"), max_length=8, choices=Measurement.choices)
    instrument = models.ForeignKey("evaluation.Instrument", on_delete=models.PROTECT,
                                   related_name="+")
    organisation = models.CharField(_("organisation"), max_length=32,
                                    choices=FederalOrganisation.choices)
    started_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    # The feedback as PDF, encrypted; rendered by the outbox once the measurement is sent.
    feedback_pdf = models.CharField(max_length=200, blank=True, editable=False)

    class Meta:
        verbose_name = _("re-integration measurement")
        verbose_name_plural = _("re-integration measurements")
        ordering = ["person", "started_at"]
        constraints = [
            models.UniqueConstraint(fields=["person", "measurement"],
                                    name="one_monitor_response_per_measurement"),
        ]

    def __str__(self):
        return f"FA-BRM #{self.person_id} {self.measurement}"

    @property
    def pdf_key(self):
        return f"monitor_feedback_pdf:{self.pk}"


class MonitorAnswer(models.Model):
    response = models.ForeignKey(MonitorResponse, on_delete=models.CASCADE,
                                 related_name="answers")
    item = models.CharField(max_length=40)
    value = models.CharField(max_length=20)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "item"], name="one_monitor_answer"),
        ]

    def __str__(self):
        return f"{self.response} {self.item}"


class MonitorScore(models.Model):
    """A factor's (or the overall quality's) score with what the feedback made of it: a
    strength or a point of attention, or the overall level."""

    response = models.ForeignKey(MonitorResponse, on_delete=models.CASCADE,
                                 related_name="scores")
    subscale = models.CharField(max_length=40)
    value = models.DecimalField(max_digits=7, decimal_places=4, null=True)
    verdict = models.CharField(max_length=20, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["response", "subscale"], name="one_monitor_score"),
        ]

    def __str__(self):
        return f"{self.response} {self.subscale}"
