"""The single-use links e-mailed to a participant (account activation, survey): the token, its
stored hash, and why a link cannot be used.

A link row keeps a random nonce and the SHA-256 of the token; the token is an HMAC of the nonce
under a key derived from PERSONAL_DATA_KEY for the link's purpose. The e-mail can so be composed
whenever the outbox delivers it, the same at every attempt, while neither a copy of the database
nor a guess reveals a link.
"""

import base64
import hashlib
import hmac
import secrets

from botp import keys


class LinkProblem(Exception):
    """The link cannot be used; ``code`` says why (e.g. invalid, expired, used, completed)."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


def new_nonce():
    return secrets.token_hex(32)  # 256 random bits


def token_for(purpose, nonce):
    digest = hmac.new(keys.derived_key(purpose), nonce.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def hash_of(token):
    return hashlib.sha256(token.encode()).hexdigest()
