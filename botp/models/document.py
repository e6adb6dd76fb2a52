"""The programme's forms as PDF documents: one per submitted version, kept with its hash."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .outbox import Delivered


class DocumentKind(models.TextChoices):
    SCREENING_REQUEST = "screening_request", _("Screening request")
    ELIGIBILITY_DECISION = "eligibility_decision", _("Eligibility decision letter")
    DIAGNOSIS_REPORT = "diagnosis_report", _("Diagnosis report and treatment request")
    DECISION_LETTER = "decision_letter", _("Diagnosis decision letter")
    TRANSMISSION_REPORT = "transmission_report", _("Data transmission report")
    FINAL_REPORT = "final_report", _("Final report")


class DocumentQuerySet(models.QuerySet):
    def downloadable(self):
        """Rendered, with a file to serve."""
        return self.filter(status=Document.Status.RENDERED).exclude(file="")


class Document(Delivered, models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        RENDERED = "rendered", _("Ready")
        FAILED = "failed", _("Could not be prepared")

    case = models.ForeignKey("botp.Case", on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(_("document"), max_length=32, choices=DocumentKind.choices)
    # What was rendered: the screening request, report or event behind the document.
    source_id = models.PositiveBigIntegerField()
    version = models.PositiveIntegerField(_("version"), default=1)
    language = models.CharField(max_length=2)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    file = models.FileField(upload_to="documents/%Y/%m/", blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    rendered_at = models.DateTimeField(null=True, blank=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["case", "created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "source_id", "version"],
                                    name="one_document_per_version"),
        ]

    def __str__(self):
        return f"{self.case} {self.kind} v{self.version}"

    @property
    def delivery_key(self):
        return f"document:{self.pk}"

    @property
    def filename(self):
        return f"{self.case.reference}-{self.kind.replace('_', '-')}-v{self.version}.pdf"
