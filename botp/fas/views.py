"""The OAuth2 side of the FAS login: allauth's OpenID Connect adapter, with every check of the
ID token made (botp.fas.tokens) and the userinfo read as JSON or as a signed JWT."""

import json

from allauth.account.internal.decorators import login_not_required
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from allauth.utils import build_absolute_uri
from django.http import Http404
from django.urls import reverse

from botp.fas import tokens
from botp.fas.tokens import Refused

PROVIDER_ID = "fas"


class FasOAuth2Adapter(OpenIDConnectOAuth2Adapter):
    # Set by the callback view: the state stashed when the login started (its nonce).
    stashed = None

    def __init__(self, request):
        super().__init__(request, PROVIDER_ID)

    @property
    def openid_config(self):
        config = super().openid_config
        # OpenID Connect Discovery 4.3: the document names the issuer it was fetched for,
        # or its keys and endpoints are not that issuer's.
        expected = self.get_provider().app.settings["server_url"].rstrip("/")
        if config.get("issuer", "").rstrip("/") != expected:
            raise Refused("issuer", "discovery document of another issuer")
        return config

    def get_callback_url(self, request, app):
        return build_absolute_uri(request, reverse("fas_callback"), self.redirect_uri_protocol)

    def complete_login(self, request, app, token, **kwargs):
        id_token = kwargs["response"].get("id_token")
        if not id_token:
            raise Refused("invalid", "no ID token")
        config = self.openid_config
        claims = tokens.verify(id_token, jwks_url=config["jwks_uri"], issuer=config["issuer"],
                               audience=app.client_id)
        tokens.check_nonce(claims, (self.stashed or {}).get("fas_nonce"))
        tokens.check_level(claims, app.settings["acr_values"])
        userinfo = self._fetch_user_info(token.token)
        if userinfo.get("sub") != claims.get("sub"):
            # Core 5.3.2: the userinfo must be about the person the ID token names.
            raise Refused("invalid", "userinfo of another subject")
        return self.get_provider().sociallogin_from_response(
            request, {"userinfo": userinfo, "id_token": claims})

    def _fetch_user_info(self, access_token):
        """FAS answers userinfo as JSON or as a signed JWT (``application/jwt``); a JWT is
        verified with the issuer's keys like the ID token."""
        with get_adapter().get_requests_session() as session:
            response = session.get(self.profile_url,
                                   headers={"Authorization": f"Bearer {access_token}"})
            response.raise_for_status()
        content_type = response.headers.get("Content-Type", "").split(";")[0].strip()
        if content_type == "application/jwt":
            config = self.openid_config
            return tokens.verify(response.text.strip(), jwks_url=config["jwks_uri"],
                                 issuer=config["issuer"],
                                 audience=self.get_provider().app.client_id, id_token=False)
        try:
            userinfo = response.json()
        except json.JSONDecodeError as error:
            raise Refused("invalid", "userinfo is neither JSON nor a JWT") from error
        if not isinstance(userinfo, dict):
            raise Refused("invalid", "userinfo is not an object")
        return userinfo


class FasCallbackView(OAuth2CallbackView):
    def _get_state(self, request, provider):
        state, response = super()._get_state(request, provider)
        self.adapter.stashed = state
        return state, response


@login_not_required
def login(request):
    try:
        return OAuth2LoginView.adapter_view(FasOAuth2Adapter(request))(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None  # FAS is not configured on this deployment


@login_not_required
def callback(request):
    try:
        return FasCallbackView.adapter_view(FasOAuth2Adapter(request))(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None
