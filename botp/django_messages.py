"""Messages of Django's own that its Dutch catalogue leaves untranslated, marked here so that
the portal's catalogue (locale/, read before Django's) carries them. Nothing calls these."""

from django.utils.translation import ngettext_lazy

PASSWORD_TOO_SHORT = ngettext_lazy(
    "This password is too short. It must contain at least %d character.",
    "This password is too short. It must contain at least %d characters.",
)
