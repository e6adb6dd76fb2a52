"""Keys derived from PERSONAL_DATA_KEY, one per purpose, so a deployment manages one secret and
no two uses share a key."""

import base64
import hashlib
import hmac
from functools import lru_cache

from cryptography.fernet import Fernet
from django.conf import settings


def derived_key(purpose):
    return hashlib.sha256(f"{purpose}:{settings.PERSONAL_DATA_KEY}".encode()).digest()


def keyed_hash(purpose, value):
    """An HMAC-SHA256 of ``value`` under the ``purpose`` key, as hex."""
    return hmac.new(derived_key(purpose), str(value).encode(), hashlib.sha256).hexdigest()


def fernet(purpose):
    """Symmetric encryption under the ``purpose`` key."""
    return _fernet(purpose, settings.PERSONAL_DATA_KEY)


@lru_cache(maxsize=16)
def _fernet(purpose, secret):  # the secret is part of the cache key, so a new one is honoured
    return Fernet(base64.urlsafe_b64encode(derived_key(purpose)))
