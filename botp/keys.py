"""Keys derived from PERSONAL_DATA_KEY, one per purpose, so a deployment manages one secret and
no two uses share a key."""

import hashlib
import hmac

from django.conf import settings


def derived_key(purpose):
    return hashlib.sha256(f"{purpose}:{settings.PERSONAL_DATA_KEY}".encode()).digest()


def keyed_hash(purpose, value):
    """An HMAC-SHA256 of ``value`` under the ``purpose`` key, as hex."""
    return hmac.new(derived_key(purpose), str(value).encode(), hashlib.sha256).hexdigest()
