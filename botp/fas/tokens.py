"""Checking what FAS sends: the ID token and a signed userinfo response, against the keys the
issuer publishes (its JWKS).

allauth's OpenID Connect adapter skips the ID token's signature when the token came straight
from the token endpoint (OpenID Connect Core 3.1.3.7 allows it over TLS); here it is always
checked, and with an algorithm from a fixed list, never the one the token names for itself
alone.
"""

import hmac
import re

import jwt
import requests
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.providers.base import ProviderException

# Asymmetric algorithms only: a token "signed" with HS256 under the public key, or "none",
# is refused before any key is tried.
ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512")
# Seconds of clock difference allowed between FAS and the portal.
LEEWAY = 60


class Refused(ProviderException):
    """A login through FAS refused; ``reason`` says why, for the person (botp.fas.views) and
    the audit trail. Never carries the token or a claim's value."""

    def __init__(self, reason, detail=""):
        self.reason = reason
        super().__init__(f"{reason}: {detail}" if detail else reason)


def fetch_keys(jwks_url):
    try:
        with get_adapter().get_requests_session() as session:
            response = session.get(jwks_url)
            response.raise_for_status()
            return jwt.PyJWKSet.from_dict(response.json())
    except (requests.RequestException, ValueError, jwt.PyJWTError) as error:
        raise Refused("unavailable", f"keys: {type(error).__name__}") from error


def _keys_for(token, jwks_url):
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as error:
        raise Refused("invalid", "not a JWT") from error
    algorithm = header.get("alg")
    if algorithm not in ALGORITHMS:
        raise Refused("signature", f"algorithm {algorithm!r} not accepted")
    kid = header.get("kid")
    keys = [key for key in fetch_keys(jwks_url).keys
            if (kid is None or key.key_id == kid)
            and getattr(key, "public_key_use", None) in (None, "sig")]
    if not keys:
        raise Refused("signature", "no key of the issuer matches")
    return algorithm, keys


def verify(token, *, jwks_url, issuer, audience, id_token=True):
    """The claims of ``token`` once its signature, issuer, audience and (for an ID token)
    expiry are checked; Refused otherwise. A signed userinfo response need not carry ``iss``,
    ``aud`` or ``exp`` (OpenID Connect Core 5.3.2: SHOULD), but those it carries are
    checked."""
    algorithm, keys = _keys_for(token, jwks_url)
    try:
        unverified = jwt.decode(token, options={"verify_signature": False})
    except jwt.PyJWTError as error:
        raise Refused("invalid", "unreadable claims") from error
    required = ["iss", "aud", "exp", "iat", "sub"] if id_token else ["sub"]
    options = {"require": required,
               "verify_aud": id_token or "aud" in unverified,
               "verify_iss": id_token or "iss" in unverified}
    for key in keys:
        try:
            claims = jwt.decode(token, key=key.key, algorithms=[algorithm], issuer=issuer,
                                audience=audience, leeway=LEEWAY, options=options)
        except jwt.InvalidSignatureError:
            continue
        except jwt.ExpiredSignatureError as error:
            raise Refused("expired") from error
        except jwt.InvalidAudienceError as error:
            raise Refused("audience") from error
        except jwt.InvalidIssuerError as error:
            raise Refused("issuer") from error
        except jwt.PyJWTError as error:
            raise Refused("invalid", type(error).__name__) from error
        audiences = claims.get("aud")
        if (isinstance(audiences, list) and len(audiences) > 1
                and claims.get("azp") != audience):
            # Core 3.1.3.7 (4, 5): a token for several clients names the one it was given to.
            raise Refused("audience", "azp")
        return claims
    raise Refused("signature")


def check_nonce(claims, expected):
    nonce = claims.get("nonce")
    if not expected or not isinstance(nonce, str) or not hmac.compare_digest(nonce, expected):
        raise Refused("nonce")


def level(acr):
    """The number of a FAS assurance level ("urn:be:fedict:iam:fas:citizen:Level450" is 450);
    0 for anything else."""
    match = re.search(r"Level(\d{3})$", acr or "") if isinstance(acr, str) else None
    return int(match.group(1)) if match else 0


def check_level(claims, required):
    if level(claims.get("acr")) < level(required):
        raise Refused("assurance", f"acr {claims.get('acr')!r} below {required!r}")
