"""The FAS provider: allauth's OpenID Connect provider with FAS' scopes, assurance level and
claims, and the person known by the keyed hash of their national register number only."""

import secrets

import requests
from allauth.socialaccount.helpers import render_authentication_error
from allauth.socialaccount.providers.base import ProviderAccount
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from botp import nationalnumber
from botp.fas.tokens import Refused
from botp.fas.views import PROVIDER_ID, FasOAuth2Adapter

# What the portal asks of FAS: who the person is (openid, profile: givenName, surname,
# prefLanguage, mail) and their national register number (egovnrn: egovNRN). Fixed: a request
# cannot widen it.
SCOPE = ["openid", "profile", "egovnrn"]

# Of the claims, the account keeps none: it exists already, and is found by the number's keyed
# hash. These are kept on the login, for the language and the audit trail.
KEPT_CLAIMS = ("acr", "prefLanguage")


class FasAccount(ProviderAccount):
    def to_str(self):
        return str(_("itsme or eID (Federal Authentication Service)"))


class FasProvider(OpenIDConnectProvider):
    id = PROVIDER_ID
    name = "FAS"
    account_class = FasAccount
    oauth2_adapter_class = FasOAuth2Adapter
    # Only the authorisation code flow, through the browser: no token posted to the portal.
    supports_token_authentication = False

    def get_oauth2_adapter(self, request):
        return FasOAuth2Adapter(request)

    def get_login_url(self, request, **kwargs):
        url = reverse("fas_login")
        return f"{url}?{urlencode(kwargs)}" if kwargs else url

    def get_callback_url(self):
        return reverse("fas_callback")

    def get_default_scope(self):
        return list(SCOPE)

    def get_scope(self):
        return list(SCOPE)

    def get_scope_from_request(self, request):
        return self.get_scope()

    def get_auth_params(self):
        return {"acr_values": self.app.settings["acr_values"]}

    def get_auth_params_from_request(self, request, action):
        # allauth lets a login link add parameters (?auth_params=...): not the assurance level.
        return self.get_auth_params()

    def redirect(self, request, process, next_url=None, data=None, **kwargs):
        """To FAS, with a nonce that the ID token must carry back (kept in allauth's state,
        in the session)."""
        nonce = secrets.token_urlsafe(32)
        auth_params = kwargs.pop("auth_params", None) or self.get_auth_params()
        auth_params = {**auth_params, **self.get_auth_params(), "nonce": nonce}
        try:
            return super().redirect(request, process, next_url, data,
                                    auth_params=auth_params, fas_nonce=nonce, **kwargs)
        except (Refused, requests.RequestException) as error:
            return render_authentication_error(request, self, exception=error)

    def extract_uid(self, data):
        return nationalnumber.keyed_hash(national_number(data))

    def extract_common_fields(self, data):
        userinfo = {**(data.get("id_token") or {}), **(data.get("userinfo") or {})}
        return {"first_name": userinfo.get("givenName") or "",
                "last_name": userinfo.get("surname") or ""}

    def extract_email_addresses(self, data):
        # Nobody is found or made by an address: FAS' ``mail`` is not used to link.
        return []

    def sociallogin_from_response(self, request, response):
        national_number(response)  # refused before anything is built without one
        login = super().sociallogin_from_response(request, response)
        # Nothing of the person's identity stays on the login (it may be kept in the
        # session): the uid is the number's keyed hash, and these claims only.
        claims = {**(response.get("userinfo") or {}), **(response.get("id_token") or {})}
        login.account.extra_data = {name: claims[name] for name in KEPT_CLAIMS
                                    if isinstance(claims.get(name), str)}
        return login


def national_number(data):
    """The valid national register number FAS gave (egovNRN, in the userinfo or else in the
    ID token), or Refused."""
    number = ((data.get("userinfo") or {}).get("egovNRN")
              or (data.get("id_token") or {}).get("egovNRN"))
    try:
        return nationalnumber.validate(number if isinstance(number, str) else "")
    except ValidationError as error:
        raise Refused("no_number") from error


provider_classes = [FasProvider]
