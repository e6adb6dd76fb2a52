import json

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from botp.models import Participant


class Command(BaseCommand):
    help = ("Demo only: print what a local OpenID provider must say of a demo participant to "
            "log them in as FAS would (oidc-provider-mock's --user-claims), national number "
            "included.")

    def add_arguments(self, parser):
        parser.add_argument("email", help="the demo participant's e-mail address")
        parser.add_argument("--sub", default="demo-participant",
                            help="the subject to type on the provider's page")

    def handle(self, *args, email, sub, **options):
        if not settings.DEMO_MODE:
            # It prints a national register number: never on real data.
            raise CommandError("Only in demo mode.")
        participant = Participant.objects.filter(user__email__iexact=email).first()
        if participant is None:
            raise CommandError(f"No participant account {email!r}.")
        self.stdout.write(json.dumps({
            "sub": sub, "egovNRN": participant.niss, "givenName": participant.first_name,
            "surname": participant.last_name, "prefLanguage": participant.language,
            "mail": participant.email, "acr": settings.FAS_ACR,
        }))
