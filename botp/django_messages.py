"""Messages of Django's and django-allauth's own that their Dutch catalogues leave
untranslated or word with "je" where the portal says "u", marked here so that the portal's
catalogue (locale/, read before theirs) carries them. Nothing calls these."""

from django.utils.translation import gettext_lazy, ngettext_lazy

# django-allauth's messages after logging in and out and changing a password.
ACCOUNT_MESSAGES = [
    gettext_lazy("Successfully signed in as %(name)s."),
    gettext_lazy("You have signed out."),
    gettext_lazy("Password successfully changed."),
    gettext_lazy("Password successfully set."),
]

PASSWORD_TOO_SHORT = ngettext_lazy(
    "This password is too short. It must contain at least %d character.",
    "This password is too short. It must contain at least %d characters.",
)
