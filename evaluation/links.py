"""The participant's link to a survey (botp.links makes and checks the token)."""

from django.conf import settings
from django.urls import reverse

from botp import links

new_nonce = links.new_nonce
hash_of = links.hash_of


def token_for(nonce):
    return links.token_for("survey-link", nonce)


def url_for(invitation):
    return settings.PORTAL_BASE_URL + reverse("evaluation:survey",
                                              args=[token_for(invitation.nonce)])
