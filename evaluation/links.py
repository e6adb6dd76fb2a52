"""The participant's link to a survey: 256 random bits, never stored.

The invitation keeps a random nonce and the hash of the token. The token is an HMAC of the nonce
under a key derived from PERSONAL_DATA_KEY, so reminders can carry the same link while neither a
copy of the database nor a guess reveals one.
"""

import base64
import hashlib
import hmac
import secrets

from django.conf import settings
from django.urls import reverse

from botp import keys


def new_nonce():
    return secrets.token_hex(32)


def token_for(nonce):
    digest = hmac.new(keys.derived_key("survey-link"), nonce.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def hash_of(token):
    return hashlib.sha256(token.encode()).hexdigest()


def url_for(invitation):
    return settings.PORTAL_BASE_URL + reverse("evaluation:survey",
                                              args=[token_for(invitation.nonce)])
