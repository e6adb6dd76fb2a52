"""What Fedris pays: providers' monthly statements and their lines, participants' travel claims,
the bank accounts paid to, and the payment runs with their SEPA file.

The rules are held by the database where it can hold them: a session, a meeting or a report is
on one statement line at most (unique ``session`` and ``report_key``), one statement per
provider and month, one claim per case and trip day (refused claims aside). An approved
statement's lines and a payment run are never changed (the models refuse it; PostgreSQL refuses
a payment run's change too, migration 0025).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from botp.models.session import SessionFormat

MONEY = {"max_digits": 10, "decimal_places": 2}


class PayeeAccount(models.Model):
    """The bank account a provider or a participant is paid on (one of the two)."""

    provider = models.OneToOneField("botp.Provider", on_delete=models.CASCADE, null=True,
                                    blank=True, related_name="bank_account")
    participant = models.OneToOneField("botp.Participant", on_delete=models.CASCADE, null=True,
                                       blank=True, related_name="bank_account")
    holder = models.CharField(_("account holder"), max_length=70)
    iban = models.CharField(_("IBAN"), max_length=34)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("bank account")
        verbose_name_plural = _("bank accounts")
        constraints = [
            models.CheckConstraint(
                condition=(Q(provider__isnull=False, participant__isnull=True)
                           | Q(provider__isnull=True, participant__isnull=False)),
                name="payee_is_provider_or_participant"),
        ]

    def __str__(self):
        return f"{self.holder} {self.masked_iban}"

    @property
    def masked_iban(self):
        """The IBAN as pages show it: country, check digits and the last four."""
        return f"{self.iban[:4]} •••• {self.iban[-4:]}" if self.iban else ""


class StatementStatus(models.TextChoices):
    TO_CONFIRM = "to_confirm", _("To be confirmed by the provider")
    CONFIRMED = "confirmed", _("Confirmed, waiting for Fedris")
    DISPUTED = "disputed", _("A line disputed, waiting for the provider's answer")
    ANSWERED = "answered", _("Answered, waiting for Fedris")
    APPROVED = "approved", _("Approved")
    PAID = "paid", _("Paid")


LOCKED_STATEMENTS = (StatementStatus.APPROVED, StatementStatus.PAID)


class Statement(models.Model):
    """What a provider is paid for one month: the lines the portal recorded as held."""

    provider = models.ForeignKey("botp.Provider", on_delete=models.PROTECT,
                                 related_name="statements", verbose_name=_("provider"))
    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    status = models.CharField(_("status"), max_length=16, choices=StatementStatus.choices,
                              default=StatementStatus.TO_CONFIRM)
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="+")
    # Set on approval, from the lines, and never changed afterwards.
    total = models.DecimalField(_("total (euro)"), null=True, blank=True, **MONEY)
    payment_run = models.ForeignKey("botp.PaymentRun", on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="statements")

    class Meta:
        verbose_name = _("statement")
        verbose_name_plural = _("statements")
        ordering = ["-month", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "month"],
                                    name="one_statement_per_provider_and_month"),
        ]
        indexes = [models.Index(fields=["status", "month"], name="statement_status_month")]

    def __str__(self):
        return f"{self.provider} {self.month:%Y-%m}"

    @property
    def locked(self):
        return self.status in LOCKED_STATEMENTS

    @property
    def reference(self):
        return f"ST-{self.month:%Y%m}-{self.pk:06d}"


class LineKind(models.TextChoices):
    SESSION = "session", _("Session")
    MEETING = "meeting", _("Preparation of the workplace meeting")
    REPORT = "report", _("Report")
    CORRECTION = "correction", _("Correction of an earlier statement")


class StatementLine(models.Model):
    """One paid item: a session, a meeting's preparation, a report, or a late correction of a
    line of an approved statement. No clinical content: the case's reference, the kind of
    item, its day and its tariff."""

    statement = models.ForeignKey(Statement, on_delete=models.PROTECT, related_name="lines")
    kind = models.CharField(_("kind"), max_length=16, choices=LineKind.choices)
    case = models.ForeignKey("botp.Case", on_delete=models.PROTECT, related_name="+")
    # Paid at most once: a session on one line of all statements, ever (NULLs are distinct).
    session = models.OneToOneField("botp.Session", on_delete=models.PROTECT, null=True,
                                   blank=True, related_name="statement_line")
    # A report, as "<document kind>:<case or report id>"; unique like the session.
    report_key = models.CharField(max_length=64, null=True, blank=True, unique=True)
    corrects = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="corrections")
    # The session type's code or the report's document kind: named in the reader's language.
    item = models.CharField(max_length=64)
    format = models.CharField(max_length=16, choices=SessionFormat.choices, blank=True)
    no_show = models.BooleanField(default=False)
    service_date = models.DateField(_("date"))
    programme_version = models.ForeignKey("botp.ProgrammeVersion", on_delete=models.PROTECT,
                                          null=True, blank=True, related_name="+")
    amount = models.DecimalField(_("amount (euro)"), **MONEY)
    note = models.CharField(_("reason of the correction"), max_length=300, blank=True)
    dispute_reason = models.TextField(_("why Fedris disputes the line"), blank=True)
    disputed_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField(_("the provider's answer"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("statement line")
        verbose_name_plural = _("statement lines")
        ordering = ["service_date", "pk"]

    def __str__(self):
        return f"{self.statement} {self.kind} {self.item} {self.amount}"

    def save(self, *args, **kwargs):
        if self._locked_in_database():
            raise PermissionError("The lines of an approved statement are not changed: "
                                  "a correction is a new line on the next statement")
        if self.pk is None and self.statement.locked:
            raise PermissionError("An approved statement takes no new line")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._locked_in_database():
            raise PermissionError("The lines of an approved statement are not removed")
        return super().delete(*args, **kwargs)

    def _locked_in_database(self):
        return (self.pk is not None and not self._state.adding
                and Statement.objects.filter(lines=self, status__in=LOCKED_STATEMENTS).exists())

    @property
    def disputed(self):
        return bool(self.dispute_reason)


class TravelMode(models.TextChoices):
    CAR = "car", _("By car")
    PUBLIC_TRANSPORT = "public_transport", _("By public transport")


class ClaimStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Waiting for Fedris")
    APPROVED = "approved", _("Approved, paid with the month")
    REFUSED = "refused", _("Refused")
    PAID = "paid", _("Paid")


class TravelClaim(models.Model):
    """A participant's trip to one of their sessions, declared for Fedris to pay."""

    case = models.ForeignKey("botp.Case", on_delete=models.PROTECT, related_name="travel_claims")
    participant = models.ForeignKey("botp.Participant", on_delete=models.PROTECT,
                                    related_name="travel_claims")
    trip_date = models.DateField(_("date of the trip"))
    origin = models.CharField(_("from where"), max_length=200)
    mode = models.CharField(_("how"), max_length=20, choices=TravelMode.choices)
    km = models.DecimalField(_("kilometres (there and back)"), max_digits=6, decimal_places=1,
                             null=True, blank=True)
    ticket_amount = models.DecimalField(_("ticket amount (euro)"), null=True, blank=True,
                                        **MONEY)
    amount = models.DecimalField(_("amount (euro)"), **MONEY)
    programme_version = models.ForeignKey("botp.ProgrammeVersion", on_delete=models.PROTECT,
                                          related_name="+")
    status = models.CharField(_("status"), max_length=16, choices=ClaimStatus.choices,
                              default=ClaimStatus.SUBMITTED)
    refusal_reason = models.TextField(_("reason of the refusal"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    payment_run = models.ForeignKey("botp.PaymentRun", on_delete=models.PROTECT, null=True,
                                    blank=True, related_name="travel_claims")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("travel claim")
        verbose_name_plural = _("travel claims")
        ordering = ["-trip_date", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "trip_date"], condition=~Q(status="refused"),
                                    name="one_travel_claim_per_case_and_day"),
        ]
        indexes = [models.Index(fields=["status", "trip_date"], name="travel_claim_status")]

    def __str__(self):
        return f"{self.case} {self.trip_date:%Y-%m-%d} {self.amount}"

    @property
    def reference(self):
        return f"TC-{self.pk:06d}"


class PaymentRun(models.Model):
    """One SEPA credit transfer file for the approved statements and claims not paid yet:
    recorded with its SHA-256 and never changed afterwards."""

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("made by"))
    created_at = models.DateTimeField(_("made on"), default=timezone.now)
    execution_date = models.DateField(_("execution date"))
    message_id = models.CharField(max_length=35, unique=True)
    sepa_xml = models.BinaryField(editable=False)
    sha256 = models.CharField(max_length=64)
    total = models.DecimalField(_("total (euro)"), **MONEY)
    transfers = models.PositiveIntegerField(_("transfers"))

    class Meta:
        verbose_name = _("payment run")
        verbose_name_plural = _("payment runs")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.reference} {self.total}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise PermissionError("A payment run's file is never changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("A payment run is never removed")

    @property
    def reference(self):
        return f"PR-{self.created_at:%Y%m%d}-{self.pk:04d}"

    @property
    def filename(self):
        return f"botp-{self.reference.lower()}-pain.001.xml"


class PaymentDocument(models.Model):
    """A statement's or a payment run's PDF in one language, rendered by the worker."""

    class Subject(models.TextChoices):
        STATEMENT = "statement", _("Statement")
        PAYMENT_RUN = "payment_run", _("Payment run")

    subject = models.CharField(max_length=16, choices=Subject.choices)
    subject_id = models.PositiveBigIntegerField()
    language = models.CharField(max_length=2)
    file = models.CharField(max_length=200, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    rendered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subject", "subject_id", "language"],
                                    name="one_payment_pdf_per_language"),
        ]

    def __str__(self):
        return f"{self.subject} {self.subject_id} {self.language}"

    @property
    def delivery_key(self):
        return f"payment-pdf:{self.subject}:{self.subject_id}:{self.language}"
