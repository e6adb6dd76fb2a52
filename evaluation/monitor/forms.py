from django import forms
from django.utils.translation import gettext_lazy as _

from botp.models import FederalOrganisation


class StartForm(forms.Form):
    organisation = forms.ChoiceField(
        label=_("Your organisation"),
        choices=[("", _("Choose your organisation"))] + list(FederalOrganisation.choices),
        help_text=_("Only to count the results by organisation, in groups large enough that "
                    "no one can be recognised."))
    email = forms.EmailField(
        label=_("E-mail address for the follow-ups (optional)"), required=False,
        max_length=254,
        help_text=_("We invite you to the 3- and 6-month measurements. The address is kept "
                    "encrypted, apart from your answers, and you can delete it at any time."))


class ContactForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address for the follow-ups"), max_length=254)
