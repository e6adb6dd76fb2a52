from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

# Pages a professional without two-factor authentication may still reach: the account pages
# (to set it up or log out), language switching and static files.
_OPEN_PREFIXES = ("/accounts/", "/i18n/", "/static/")


def preferred_language(request):
    """The signed-in user's account language, unless they chose another with the switcher (its
    cookie wins); None for everyone else, who read the browser's language."""
    user = request.user
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if user.is_authenticated and user.language and not chosen:
        return user.language
    return None


class PreferredLanguageMiddleware:
    """Signed-in users read the portal in the language of their account. Runs after
    authentication; LocaleMiddleware has already taken the browser's language."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = preferred_language(request)
        if language:
            translation.activate(language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)


class RequireTwoFactorMiddleware:
    """Outside demo mode, professionals and staff must set up TOTP before anything else,
    unless they logged in through FAS (itsme, eID: two factors already)."""

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
            and not logged_in_through_fas(request)
        ):
            if request.path.startswith("/api/"):
                # The API answers in JSON; a token (set up by Fedris) is not a session.
                return JsonResponse({"detail": _(
                    "Set up two-factor authentication in the portal before using the API "
                    "with your session."
                )}, status=403)
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)


def logged_in_through_fas(request):
    from botp.accounts import logged_in_through_fas

    return logged_in_through_fas(request)


def _has_totp(user):
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
