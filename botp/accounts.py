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
