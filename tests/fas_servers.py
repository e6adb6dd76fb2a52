"""OpenID Connect providers on the loopback for the FAS login's tests.

- ``mock_provider``: oidc-provider-mock (PyPI), a real OpenID provider, with FAS-shaped claims
  (egovNRN, givenName, surname, prefLanguage, mail, acr) set per person.
- ``CraftedFas``: a small provider of our own whose tokens a test spoils on purpose (another
  audience, expired, signed with a key the issuer does not publish, another nonce), and whose
  userinfo can be a signed JWT as FAS may send it.
"""

import contextlib
import json
import secrets
import threading
import time
from urllib.parse import parse_qs, quote, urlencode, urlsplit

import jwt
import requests
from cryptography.hazmat.primitives.asymmetric import rsa
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

CLIENT_ID = "botp-portal-test"
CLIENT_SECRET = "not-a-real-secret"
LEVEL_400 = "urn:be:fedict:iam:fas:citizen:Level400"
LEVEL_450 = "urn:be:fedict:iam:fas:citizen:Level450"
LEVEL_100 = "urn:be:fedict:iam:fas:citizen:Level100"


def fas_claims(number, *, given="Sofie", surname="Peeters", language="fr", acr=LEVEL_450,
               mail="sofie.peeters@example.be"):
    """What FAS says of a person (its claim names), and the assurance level of their login."""
    return {"egovNRN": number, "givenName": given, "surname": surname,
            "prefLanguage": language, "mail": mail, "acr": acr}


@contextlib.contextmanager
def serve(app):
    """``app`` (WSGI) on 127.0.0.1, on a free port, for the block; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)
        server.server_close()


@contextlib.contextmanager
def mock_provider():
    import oidc_provider_mock

    with serve(oidc_provider_mock.app(require_nonce=True)) as base:
        yield base


def set_person(base, sub, claims):
    response = requests.put(f"{base}/users/{quote(sub)}", json=claims, timeout=5)
    assert response.status_code == 204, response.text


def settings_for(base, acr=LEVEL_400):
    return {"fas": {"APPS": [{
        "provider_id": "fas", "name": "FAS", "client_id": CLIENT_ID, "secret": CLIENT_SECRET,
        "settings": {"server_url": base, "acr_values": acr},
    }]}}


def log_in(client, sub, *, authorize=None):
    """The whole journey with Django's test client: the login button, FAS' own page (the
    person chosen by ``sub``), and back to the portal's callback. Returns the callback's
    response."""
    started = client.post("/accounts/fas/login/?process=login")
    assert started.status_code == 302, started.content.decode()[:1000]
    location = started["Location"]
    if authorize is not None:
        location = authorize(location)
    answered = requests.post(location, data={"sub": sub}, allow_redirects=False, timeout=10)
    assert answered.status_code == 302, answered.text[:1000]
    callback = urlsplit(answered.headers["Location"])
    return client.get(f"{callback.path}?{callback.query}")


class CraftedFas:
    """A provider whose every answer the test decides: ``claims`` for the ID token (on top of
    the right iss, aud, exp, iat and nonce), ``spoil`` to break one of them, and
    ``userinfo_as_jwt``."""

    def __init__(self):
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.base = ""
        self.claims = {}
        self.spoil = None
        self.userinfo_as_jwt = False
        # A signed userinfo, signed with a key the issuer does not publish.
        self.spoil_userinfo = False
        # The claims the userinfo gives, when not those of the ID token.
        self.userinfo_claims = None
        self._codes = {}

    def _jwk(self):
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        return {**jwk, "kid": "fas-1", "use": "sig", "alg": "RS256"}

    def _sign(self, payload, key=None):
        return jwt.encode(payload, key or self.key, algorithm="RS256",
                          headers={"kid": "fas-1"})

    def id_token(self, nonce):
        now = int(time.time())
        payload = {"iss": self.base, "aud": CLIENT_ID, "sub": "fas-subject", "iat": now,
                   "exp": now + 300, "nonce": nonce, "acr": LEVEL_450, **self.claims}
        key = None
        if self.spoil == "audience":
            payload["aud"] = "another-service"
        elif self.spoil == "expired":
            payload["iat"], payload["exp"] = now - 3600, now - 1800
        elif self.spoil == "nonce":
            payload["nonce"] = secrets.token_urlsafe(16)
        elif self.spoil == "signature":
            key = self.other_key
        return self._sign(payload, key)

    def __call__(self, environ, start_response):
        request = Request(environ)
        response = self.route(request)
        return response(environ, start_response)

    def route(self, request):
        path = request.path
        if path == "/.well-known/openid-configuration":
            return Response(json.dumps({
                "issuer": self.base, "authorization_endpoint": f"{self.base}/authorize",
                "token_endpoint": f"{self.base}/token",
                "userinfo_endpoint": f"{self.base}/userinfo", "jwks_uri": f"{self.base}/jwks",
                "token_endpoint_auth_methods_supported": ["client_secret_post"],
            }), content_type="application/json")
        if path == "/jwks":
            return Response(json.dumps({"keys": [self._jwk()]}),
                            content_type="application/json")
        if path == "/authorize":
            # The person logs in at FAS; FAS sends them back with a code.
            code = secrets.token_urlsafe(16)
            self._codes[code] = request.values.get("nonce", "")
            query = urlencode({"code": code, "state": request.values["state"]})
            return Response(status=302,
                            headers={"Location": f"{request.values['redirect_uri']}?{query}"})
        if path == "/token":
            if (request.form.get("client_id") != CLIENT_ID
                    or request.form.get("client_secret") != CLIENT_SECRET):
                return Response(json.dumps({"error": "invalid_client"}), status=401,
                                content_type="application/json")
            nonce = self._codes.pop(request.form.get("code"), None)
            if nonce is None:
                return Response(json.dumps({"error": "invalid_grant"}), status=400,
                                content_type="application/json")
            return Response(json.dumps({"access_token": "at-" + secrets.token_urlsafe(8),
                                        "token_type": "Bearer", "expires_in": 300,
                                        "id_token": self.id_token(nonce)}),
                            content_type="application/json")
        if path == "/userinfo":
            given = self.claims if self.userinfo_claims is None else self.userinfo_claims
            userinfo = {"sub": "fas-subject", **{k: v for k, v in given.items() if k != "acr"}}
            if self.userinfo_as_jwt:
                key = self.other_key if self.spoil_userinfo else None
                return Response(self._sign({**userinfo, "iss": self.base, "aud": CLIENT_ID},
                                           key), content_type="application/jwt")
            return Response(json.dumps(userinfo), content_type="application/json")
        return Response(status=404)


@contextlib.contextmanager
def crafted_fas():
    provider = CraftedFas()
    with serve(provider) as base:
        provider.base = base
        yield provider


def crafted_log_in(client):
    """The journey through CraftedFas, whose authorisation page answers at once."""
    started = client.post("/accounts/fas/login/?process=login")
    assert started.status_code == 302, started.content.decode()[:1000]
    answered = requests.get(started["Location"], allow_redirects=False, timeout=10)
    assert answered.status_code == 302
    callback = urlsplit(answered.headers["Location"])
    assert parse_qs(callback.query)["code"]
    return client.get(f"{callback.path}?{callback.query}")
