"""``Authorization: Token <key>`` against hashed, expiring keys (botp.models.ApiToken)."""

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication

from botp.models import ApiToken
from botp.models.api_token import key_digest

# Recording each use would write on every request; the day a key was last used is enough to
# tell a forgotten integration.
LAST_USED_PRECISION = timedelta(hours=1)


class ApiTokenAuthentication(TokenAuthentication):
    """DRF's header parsing and 401 challenge; the lookup is by digest, not by key."""

    def authenticate_credentials(self, key):
        token = (ApiToken.objects.select_related("user")
                 .filter(digest=key_digest(key)).first())
        # One message for unknown and expired keys and inactive users: a caller learns
        # nothing about which keys exist.
        if token is None or token.expired or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Invalid or expired token."))
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token
