from django.conf import settings
from django.shortcuts import redirect
from django.urls import reverse

# Pages a professional without two-factor authentication may still reach: the account pages
# (to set it up or log out), language switching and static files.
_OPEN_PREFIXES = ("/accounts/", "/i18n/", "/static/")


class RequireTwoFactorMiddleware:
    """Outside demo mode, professionals and staff must set up TOTP before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if (
            not settings.DEMO_MODE
            and user.is_authenticated
            and user.needs_two_factor
            and not request.path.startswith(_OPEN_PREFIXES)
            and not _has_totp(user)
        ):
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)


def _has_totp(user):
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
