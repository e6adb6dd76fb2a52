from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are created by Fedris or through a participant's activation link, not sign-up."""

    def is_open_for_signup(self, request):
        return False
