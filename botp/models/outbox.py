"""The outbox: every side effect of a change (an e-mail, a letter, a PDF, a survey invitation),
recorded in the same transaction as the change and delivered afterwards by a worker."""

from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OutboxQuerySet(models.QuerySet):
    def due(self, now=None):
        """Messages a worker may take now: waiting and due, or left "sending" by a worker that
        died before it could record the result (its lease ran out)."""
        now = now or timezone.now()
        Status = OutboxMessage.Status
        return self.filter(
            models.Q(status__in=[Status.QUEUED, Status.RETRYING], next_attempt_at__lte=now)
            | models.Q(status=Status.SENDING, lease_until__lt=now)
        )

    def troubled(self):
        return self.filter(status__in=[OutboxMessage.Status.RETRYING,
                                       OutboxMessage.Status.FAILED])


class OutboxMessage(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        RETRYING = "retrying", _("Retrying")
        # "Sent" is also a survey invitation's status; languages that agree the word with its
        # noun need the two apart.
        SENT = "sent", pgettext_lazy("outgoing message", "Sent")
        FAILED = "failed", _("Failed")
        # Not needed any more when its turn came (a reminder for a survey already answered).
        CANCELLED = "cancelled", _("Not needed any more")

    class Problem(models.TextChoices):
        NO_ADDRESS = "no_address", _("No e-mail address")
        REFUSED = "refused", _("Refused by the mail server")
        MAIL_SERVER = "mail_server", _("Mail server unreachable or busy")
        RENDERING = "rendering", _("The document could not be rendered")
        ERROR = "error", _("Unexpected error")

    # What, for whom, which version: a second enqueue with the same key is the same message.
    key = models.CharField(max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=40)
    case = models.ForeignKey("botp.Case", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="outbox", verbose_name=_("case"))
    # The ids the message is built from when it is delivered (never personal data itself).
    payload = models.JSONField(default=dict, blank=True)
    # Filled in at delivery: the address the message went (or failed to go) to.
    recipient = models.CharField(_("recipient"), max_length=254, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices,
                              default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    # While "sending": until when the worker that took it holds it, and its claim.
    lease_until = models.DateTimeField(null=True, blank=True)
    claim = models.CharField(max_length=32, blank=True)
    problem = models.CharField(_("problem"), max_length=16, choices=Problem.choices, blank=True)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    objects = OutboxQuerySet.as_manager()

    class Meta:
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outgoing messages")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="outbox_due"),
        ]

    def __str__(self):
        return self.key

    @property
    def kind_label(self):
        from botp import outbox

        return outbox.label(self.kind)

    @property
    def status_label(self):
        from botp import outbox

        return outbox.status_label(self)

    @property
    def is_troubled(self):
        return self.status in (self.Status.RETRYING, self.Status.FAILED)


class Delivered:
    """A model whose side effect is one outbox message, found by its ``delivery_key``."""

    @property
    def delivery_key(self):
        raise NotImplementedError

    @cached_property
    def delivery(self):
        """This object's outbox message (``with_deliveries`` loads them for a list at once)."""
        return OutboxMessage.objects.filter(key=self.delivery_key).first()

    @staticmethod
    def with_deliveries(objects):
        """``objects`` (a list) with their outbox messages, in one query."""
        found = OutboxMessage.objects.in_bulk([o.delivery_key for o in objects],
                                              field_name="key")
        for obj in objects:
            obj.__dict__["delivery"] = found.get(obj.delivery_key)
        return objects
