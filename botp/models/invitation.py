"""Invitations: how a professional or Fedris staff account comes to exist.

Nobody at Fedris chooses another person's password. An invitation goes to the person's own
address; they open its link, choose their password (and, outside demo mode, set up two-factor
authentication), and only then is the account made, and linked to its provider record if the
invitation was for one.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .people import Language, Role


class Invitation(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for the person")
        ACCEPTED = "accepted", _("Accepted")
        REVOKED = "revoked", _("Replaced or revoked")
        EXPIRED = "expired", _("Expired")

    email = models.EmailField(_("e-mail address"))
    first_name = models.CharField(_("first name"), max_length=150)
    last_name = models.CharField(_("last name"), max_length=150)
    language = models.CharField(_("preferred language"), max_length=2,
                                choices=Language.choices, default=Language.NL)
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    # For a care provider: the directory record the account will be linked to, once.
    provider = models.ForeignKey("botp.Provider", on_delete=models.CASCADE, null=True,
                                 blank=True, related_name="invitations",
                                 verbose_name=_("care provider"))
    invited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="+",
                                   verbose_name=_("invited by"))
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    # The person's national register number as its keyed hash only (botp.nationalnumber),
    # when Fedris knows it: the account made will then open through the Federal
    # Authentication Service (itsme, eID) as well.
    niss_hash = models.CharField(max_length=64, blank=True, editable=False)
    # The account made when the invitation was accepted.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                             blank=True, related_name="+", verbose_name=_("account"))
    # The link's token is not stored: only its hash, and the nonce it is made from with the
    # portal's key (botp/invitations.py), so the e-mail can be composed at delivery.
    nonce = models.CharField(max_length=64, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.full_name} <{self.email}>"

    @property
    def full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def status(self):
        if self.accepted_at is not None:
            return self.Status.ACCEPTED
        if self.revoked_at is not None:
            return self.Status.REVOKED
        if self.expires_at <= timezone.now():
            return self.Status.EXPIRED
        return self.Status.PENDING

    @property
    def is_pending(self):
        return self.status == self.Status.PENDING

    def get_status_display(self):
        return self.status.label
