from allauth.account.adapter import DefaultAccountAdapter
from django.utils import translation

from botp.middleware import preferred_language


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are created by Fedris or through a participant's activation link, not sign-up."""

    def is_open_for_signup(self, request):
        return False

    def add_message(self, request, *args, **kwargs):
        # Messages are written when added: "signed in as ..." is added in the request that
        # signs the user in, before their account's language applied to it.
        with translation.override(preferred_language(request) or translation.get_language()):
            super().add_message(request, *args, **kwargs)

    def _get_login_attempts_cache_key(self, request, **credentials):
        # allauth keys the per-account limit of failed logins by the request's host as well,
        # and a Host header with a port of the client's choosing ("portal:1", "portal:2", ...)
        # passes ALLOWED_HOSTS: each would give the account a fresh limit. One key per account.
        return credentials.get("email", credentials.get("username", "")).lower()
