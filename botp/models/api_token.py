"""Keys for integrations calling the REST API as one user."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def key_digest(key):
    return hashlib.sha256(key.encode()).hexdigest()


class ApiToken(models.Model):
    """A key an integration sends as ``Authorization: Token <key>``. It acts as its user, so
    only a superuser issues one. Only the key's SHA-256 is stored, so a copy of the database
    holds no usable key; the key is shown once, when issued, and it expires."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="api_tokens", verbose_name=_("user"))
    name = models.CharField(_("what it is for"), max_length=100)
    # The first characters of the key, to tell tokens apart in a list without the key itself.
    prefix = models.CharField(_("starts with"), max_length=8, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("issued"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.prefix}… ({self.name})"

    @classmethod
    def new_key(cls):
        return secrets.token_urlsafe(32)

    def set_key(self, key):
        self.prefix = key[:8]
        self.digest = key_digest(key)

    @classmethod
    def issue(cls, user, name, days=None):
        """A new token and its key, which is not kept and cannot be recovered."""
        key = cls.new_key()
        token = cls(user=user, name=name, expires_at=cls.default_expiry(days))
        token.set_key(key)
        token.save()
        return token, key

    @staticmethod
    def default_expiry(days=None):
        return timezone.now() + timedelta(days=days or settings.API_TOKEN_DAYS)

    @property
    def expired(self):
        return self.expires_at <= timezone.now()
