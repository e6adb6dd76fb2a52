"""The case, its append-only event log and the audit trail."""

import contextlib
import contextvars

from django.conf import settings
from django.db import models
from django.db.models.query_utils import DeferredAttribute
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CaseState(models.TextChoices):
    REQUESTED = "requested", _("Request received")
    INELIGIBLE = "ineligible", _("Not eligible")
    AWAITING_BTP_CHOICE = "awaiting_btp_choice", _("Approved, awaiting BTP choice")
    BTP_PROPOSED = "btp_proposed", _("Awaiting the BTP's acceptance")
    IN_DIAGNOSIS = "in_diagnosis", _("In diagnosis")
    DIAGNOSIS_REVIEW = "diagnosis_review", _("Diagnosis under review by Fedris")
    NOT_CONFIRMED = "not_confirmed", _("Diagnosis not confirmed")
    IN_TREATMENT = "in_treatment", _("In treatment")
    COMPLETED = "completed", _("Treatment completed")
    CLOSED = "closed", _("Closed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The states where the programme's clock runs, as botp.states.CLOCK_RUNS says (an index's
# condition cannot read the state table, which imports the models).
CLOCK_RUNS_STATES = [
    CaseState.AWAITING_BTP_CHOICE, CaseState.BTP_PROPOSED, CaseState.IN_DIAGNOSIS,
    CaseState.DIAGNOSIS_REVIEW, CaseState.NOT_CONFIRMED, CaseState.IN_TREATMENT,
]


class ReferrerStage(models.TextChoices):
    """What a referrer may know of a case: its administrative stage, never a clinical outcome."""

    RECEIVED = "received", _("Received")
    APPROVED = "approved", _("Approved")
    NOT_ELIGIBLE = "not_eligible", _("Not eligible")
    IN_PROGRAMME = "in_programme", _("In programme")
    CLOSED = "closed", _("Closed")


class Referral(models.TextChoices):
    """Where a BTP refers a participant for further care (after a debrief or at the end)."""

    GP = "gp", _("General practitioner")
    PSYCHOLOGIST = "psychologist", _("Psychologist")
    PSYCHIATRIST = "psychiatrist", _("Psychiatrist")
    OCCUPATIONAL_PHYSICIAN = "occupational_physician", _("Occupational physician")
    OTHER = "other", _("Other")


class RequestChannel(models.TextChoices):
    """How a participant asked Fedris to do something for them (choose their BTP)."""

    PHONE = "phone", _("by phone")
    EMAIL = "email", _("by e-mail")
    LETTER = "letter", _("by letter")
    IN_PERSON = "in_person", _("in person")


class AppendOnly(models.Model):
    """Rows that record what happened: written once, never changed or removed by the portal."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise PermissionError(f"{type(self).__name__} is append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(f"{type(self).__name__} is append-only")


class FrozenOnceSubmitted(models.Model):
    """Refuses to change what the database already holds as submitted (not what is in memory,
    which a caller could have altered)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self._submitted_in_database():
            raise PermissionError(f"{type(self).__name__} is frozen once submitted")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._submitted_in_database():
            raise PermissionError(f"{type(self).__name__} is frozen once submitted")
        return super().delete(*args, **kwargs)

    def _submitted_in_database(self):
        """Whether the stored row is submitted: by its own ``submitted_at`` unless a model
        says otherwise (a line is frozen with the request it belongs to)."""
        return type(self).objects.filter(pk=self.pk, submitted_at__isnull=False).exists()


_changing_state = contextvars.ContextVar("changing_state", default=False)


@contextlib.contextmanager
def changing_state():
    """Where a case's state may be set: botp.workflow's transitions, and reloading a case."""
    token = _changing_state.set(True)
    try:
        yield
    finally:
        _changing_state.reset(token)


class ProtectedState(DeferredAttribute):
    """A case's state is set when the case is made or loaded, and changed afterwards only
    inside ``changing_state()``: an assignment anywhere else raises, so a state no transition
    took cannot be saved by accident."""

    def __set__(self, instance, value):
        name = self.field.attname
        if (name in instance.__dict__ and instance.__dict__[name] != value
                and not _changing_state.get()):
            raise AttributeError("A case's state changes through botp.workflow only.")
        instance.__dict__[name] = value


class StateField(models.CharField):
    descriptor_class = ProtectedState

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.CharField", args, kwargs


class Case(models.Model):
    reference = models.CharField(_("reference"), max_length=32, unique=True, editable=False)
    programme = models.ForeignKey(
        "botp.Programme", on_delete=models.PROTECT, related_name="cases",
        verbose_name=_("programme"),
    )
    # The programme's rules as published when the request was submitted: the case keeps them
    # whatever is published later (botp/programme_rules.py reads them).
    programme_version = models.ForeignKey(
        "botp.ProgrammeVersion", on_delete=models.PROTECT, null=True, blank=True,
        related_name="cases", verbose_name=_("programme version"),
    )
    participant = models.ForeignKey(
        "botp.Participant", on_delete=models.PROTECT, related_name="cases",
        verbose_name=_("participant"),
    )
    referrer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="referred_cases", verbose_name=_("referrer"),
    )
    btp = models.ForeignKey(
        "botp.Provider", on_delete=models.PROTECT, null=True, blank=True,
        related_name="btp_cases", verbose_name=_("BTP"),
    )
    # The ISPs in the treatment plan. The treatment stage fills this; the access policy reads it.
    isps = models.ManyToManyField(
        "botp.Provider", related_name="isp_cases", blank=True, verbose_name=_("ISPs")
    )
    state = StateField(
        _("stage"), max_length=32, choices=CaseState.choices, default=CaseState.REQUESTED,
        db_index=True,
    )
    # The screening request the case was opened for: one case per request, whatever the
    # number of posts that tried to send it.
    request_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)
    # Bumped by every transition; a form posted against an older version is a conflict.
    version = models.PositiveIntegerField(default=1)
    requested_at = models.DateTimeField(_("requested on"), default=timezone.now)
    approved_at = models.DateTimeField(_("approved on"), null=True, blank=True)
    treatment_started_at = models.DateTimeField(_("treatment started on"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended on"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-requested_at"]
        # Lists show the newest requests first and page by (requested_at, id); queues and
        # filters read one state's cases in the order they came.
        indexes = [
            models.Index(fields=["requested_at", "id"], name="case_requested"),
            models.Index(fields=["state", "requested_at"], name="case_state_requested"),
            # Fedris follows up the cases whose clock has run longest (botp.duration.due): a
            # few thousand of 100,000, oldest approval first. The states are those where the
            # clock runs (botp.states.CLOCK_RUNS, which a test holds this list to).
            models.Index(fields=["approved_at", "id"], name="case_clock_runs",
                         condition=models.Q(state__in=CLOCK_RUNS_STATES)),
        ]

    def __str__(self):
        return self.reference

    def save(self, *args, **kwargs):
        creating = self.pk is None
        if creating and not self.reference:
            # A unique placeholder until the primary key is known; replaced in the same
            # transaction by PREFIX-YEAR-NNNNNN.
            self.reference = f"new-{timezone.now().timestamp()}-{id(self)}"[:32]
        if creating and self.programme_version_id is None:
            from botp import programme_rules  # reads the models: imported when used

            day = timezone.localdate(self.requested_at)
            self.programme_version = (
                programme_rules.in_force_version(self.programme, day)
                or programme_rules.publish_first(self.programme, day))
        super().save(*args, **kwargs)
        if creating and self.reference.startswith("new-"):
            year = timezone.localtime(self.requested_at).year
            self.reference = f"{self.programme.reference_prefix}-{year}-{self.pk:06d}"
            Case.objects.filter(pk=self.pk).update(reference=self.reference)

    def refresh_from_db(self, *args, **kwargs):
        self.__dict__.pop("_rules", None)  # read again with the version
        with changing_state():
            super().refresh_from_db(*args, **kwargs)

    @property
    def rules(self):
        """The programme's rules this case runs under (its version's)."""
        from botp import programme_rules  # reads the models: imported when used

        return programme_rules.for_case(self)

    @property
    def referrer_stage(self):
        from botp import states  # the table reads the models: imported when used

        return ReferrerStage(states.of(self.state).referrer_stage)


class CaseEvent(AppendOnly):
    """One transition of a case, written in the same transaction as the state change."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    actor_role = models.CharField(max_length=32, blank=True)
    action = models.CharField(max_length=64)
    from_state = models.CharField(max_length=32, choices=CaseState.choices, blank=True)
    to_state = models.CharField(max_length=32, choices=CaseState.choices)
    payload = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("case event")
        verbose_name_plural = _("case events")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.case_id} {self.action}: {self.from_state} → {self.to_state}"

    @property
    def asked_via_label(self):
        """How the participant asked Fedris to act for them, when Fedris did."""
        value = self.payload.get("asked_via")
        return RequestChannel(value).label if value in RequestChannel.values else ""

    @property
    def actor_role_label(self):
        from botp.policy import RELATION_LABELS

        return RELATION_LABELS.get(self.actor_role, self.actor_role)


class AuditEntry(AppendOnly):
    """Who read or changed what, and when. Clinical reads are recorded here as well as changes."""

    class Kind(models.TextChoices):
        VIEW = "view", _("viewed")
        CHANGE = "change", _("changed")
        DOWNLOAD = "download", _("downloaded")

    at = models.DateTimeField(default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    case = models.ForeignKey(
        Case, on_delete=models.PROTECT, null=True, blank=True, related_name="audit_entries"
    )
    what = models.CharField(max_length=200)
    # For a change to an account, a provider record, an invitation and the like (never case
    # data): which record, as "model:pk", and its fields' old and new values (botp.audit).
    subject = models.CharField(max_length=64, blank=True, db_index=True)
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit trail")
        ordering = ["-at", "-pk"]
        # The account trail (entries about accounts and the directory, with a subject) is a few
        # thousand among millions of case reads: its own small index, for its list and count.
        indexes = [models.Index(fields=["-at", "-id"], name="audit_account_trail",
                                condition=~models.Q(subject=""))]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind} {self.what}"


class DurationAlert(models.Model):
    """A case near or past its programme's maximum duration; one row per case and kind, so the
    scheduled check warns once however often it runs."""

    class Kind(models.TextChoices):
        NEAR = "near", _("Nearing the maximum duration")
        OVERDUE = "overdue", _("Past the maximum duration")

    case = models.ForeignKey(Case, on_delete=models.CASCADE,
                             related_name="duration_alerts")
    kind = models.CharField(max_length=8, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now)
    deadline = models.DateField()

    class Meta:
        verbose_name = _("duration alert")
        verbose_name_plural = _("duration alerts")
        constraints = [
            models.UniqueConstraint(fields=["case", "kind"], name="one_alert_per_case_and_kind")
        ]

    def __str__(self):
        return f"{self.case} {self.kind}"
