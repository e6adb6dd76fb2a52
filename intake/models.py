"""The screening request a referrer fills, and the activation link sent when it is approved."""

import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from botp import nationalnumber
from botp.models import EmployerKind, Language


class Sex(models.TextChoices):
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")
    OTHER = "X", _("Other")


class WorkStatus(models.TextChoices):
    AT_WORK = "at_work", _("At work")
    SICK_LEAVE = "sick_leave", _("On sick leave")


class Signal(models.TextChoices):
    """Signals that led to the referral (Superior Health Council, early detection)."""

    FATIGUE = "fatigue", _("Fatigue")
    CONCENTRATION = "concentration", _("Concentration problems")
    IRRITABILITY = "irritability", _("Irritability")
    UNDERESTIMATING_COMPETENCE = "underestimating_competence", _(
        "Underestimating one's own competence"
    )
    REDUCED_COMMITMENT = "reduced_commitment", _("Reduced commitment")
    SLEEP = "sleep", _("Sleep problems")
    MENTAL_DISTANCE = "mental_distance", _("Mental distance from work")
    PSYCHOSOMATIC = "psychosomatic", _("Psychosomatic complaints")


class ScreeningRequest(models.Model):
    """The referrer's form. A draft has no case; submitting it opens one in 'requested'."""

    # One per form shown to the referrer: a second post of the same form finds this row
    # instead of creating another request.
    form_key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    referrer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="screening_requests"
    )
    # Empty only on a draft; submission requires it.
    programme = models.ForeignKey("botp.Programme", on_delete=models.PROTECT, null=True,
                                  blank=True, verbose_name=_("programme"))
    case = models.OneToOneField(
        "botp.Case", on_delete=models.PROTECT, null=True, blank=True,
        related_name="screening_request",
    )

    first_name = models.CharField(_("first name"), max_length=100, blank=True)
    last_name = models.CharField(_("last name"), max_length=100, blank=True)
    niss_encrypted = models.BinaryField(null=True, blank=True, editable=False)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    email = models.EmailField(_("e-mail address"), max_length=254, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    language = models.CharField(_("preferred language"), max_length=2,
                                choices=Language.choices, blank=True)

    employer_name = models.CharField(_("employer"), max_length=200, blank=True)
    # What the portal proposes the sector and the programme from (intake/proposal.py).
    employer_kind = models.CharField(_("kind of employer"), max_length=16,
                                     choices=EmployerKind.choices, blank=True)
    nace_code = models.CharField(_("employer's activity code (NACE-BEL)"), max_length=10,
                                 blank=True)
    enterprise_number = models.CharField(_("enterprise number"), max_length=12, blank=True)
    # Null with sector_other filled means "other": a sector outside the programme's list.
    sector = models.ForeignKey("botp.Sector", on_delete=models.PROTECT, null=True, blank=True,
                               verbose_name=_("sector"))
    sector_other = models.CharField(_("other sector"), max_length=200, blank=True)
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    work_status = models.CharField(_("work status"), max_length=16, choices=WorkStatus.choices,
                                   blank=True)
    sick_leave_since = models.DateField(_("on sick leave since"), null=True, blank=True)
    # The exception some programmes make for a longer incapacity (since 2024): not for burnout,
    # and adapted work agreed by the mutuality's advisory physician. Null: not answered.
    incapacity_not_burnout = models.BooleanField(
        _("the incapacity is for another reason than burnout"), null=True, blank=True)
    adapted_work_agreed = models.BooleanField(
        _("adapted work agreed by the mutuality's advisory physician"), null=True, blank=True)

    signals = models.JSONField(_("signals"), default=list, blank=True)
    signals_other = models.TextField(_("other observations"), max_length=2000, blank=True)

    consent_given = models.BooleanField(default=False)
    consent_version = models.CharField(max_length=20, blank=True)
    consent_given_at = models.DateTimeField(null=True, blank=True)

    # The worker's own signature, where the programme asks it (intake/signature.py): when, and
    # under which wording of their confirmation.
    worker_signed_at = models.DateTimeField(_("signed by the worker on"), null=True, blank=True)
    worker_consent_version = models.CharField(max_length=20, blank=True)

    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True, db_index=True)

    # Computed once at submission, for Fedris' eyes only.
    possible_duplicate = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("screening request")
        verbose_name_plural = _("screening requests")
        ordering = ["submitted_at", "pk"]

    def __str__(self):
        return self.case.reference if self.case_id else f"draft {self.pk}"

    @property
    def is_draft(self):
        return self.submitted_at is None

    @property
    def niss(self):
        return nationalnumber.decrypt(bytes(self.niss_encrypted)) if self.niss_encrypted else ""

    @niss.setter
    def niss(self, value):
        self.niss_encrypted = (
            nationalnumber.encrypt(nationalnumber.validate(value)) if value else None
        )

    @property
    def signed_on(self):
        """The day the request counts as signed, which eligibility is judged at: the worker's
        signature when there is one, else the day it was sent (today for a draft)."""
        moment = self.worker_signed_at or self.submitted_at
        return timezone.localdate(moment) if moment else timezone.localdate()

    @property
    def sick_leave_days(self):
        """Days of sick leave on the day the request counts as signed."""
        if self.work_status != WorkStatus.SICK_LEAVE or not self.sick_leave_since:
            return 0
        return (self.signed_on - self.sick_leave_since).days

    def get_signals_display(self):
        labels = dict(Signal.choices)
        return [labels[code] for code in self.signals if code in labels]


class ActivationLink(models.Model):
    """A single-use, expiring link to a participant's account. Its token is not stored: only
    its hash, and the nonce it is made from with the portal's key (intake/activation.py)."""

    participant = models.ForeignKey("botp.Participant", on_delete=models.CASCADE,
                                    related_name="activation_links")
    nonce = models.CharField(max_length=64, blank=True, editable=False)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("activation link")
        verbose_name_plural = _("activation links")

    def __str__(self):
        return f"activation link {self.pk}"


class SignatureLink(models.Model):
    """The single-use link by which the worker signs a request themselves (the programme since
    2024). Only a hash of its token and a nonce are stored (botp.links)."""

    request = models.ForeignKey(ScreeningRequest, on_delete=models.CASCADE,
                                related_name="signature_links")
    nonce = models.CharField(max_length=64, blank=True, editable=False)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("signature link")
        verbose_name_plural = _("signature links")

    def __str__(self):
        return f"signature link {self.pk}"
