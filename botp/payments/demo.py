"""The demo's payments: demonstration tariffs (version 1 of each demo programme carries them,
marked as demonstration values), bank accounts, a statement waiting for btp@ to confirm and a
travel claim of participant@ waiting for admin@. Idempotent, like botp.demo."""

from django.utils import timezone

from botp.models import (
    Participant,
    PayeeAccount,
    Provider,
    SessionStatus,
    TravelClaim,
    TravelMode,
)
from botp.payments import services, tariffs

PAYMENTS = {
    "tariffs": tariffs.DEMO_TARIFFS,
    "payment_rules": tariffs.DEMO_PAYMENT_RULES,
    "travel_cost_per_km": tariffs.DEMO_PER_KM,
}

# Made-up accounts with valid check digits (schwifty accepts them; no bank holds them).
ACCOUNTS = {
    "btp": "BE48001123456727",
    "btp2": "BE75068234567851",
    "isp": "BE02363345678940",
    "participant": "BE38734456789072",
}


def seed(users):
    for local, iban in ACCOUNTS.items():
        user = users[local]
        provider = Provider.objects.filter(user=user).first()
        participant = Participant.objects.filter(user=user).first()
        owner = {"provider": provider} if provider else {"participant": participant}
        if owner.get("provider") or owner.get("participant"):
            PayeeAccount.objects.get_or_create(
                **owner, defaults={"holder": user.get_full_name(), "iban": iban})
    services.build_statements(timezone.localdate())
    participant = Participant.objects.filter(user=users["participant"]).first()
    case = participant.cases.first() if participant else None
    if case is None or TravelClaim.objects.filter(case=case).exists():
        return
    session = case.sessions.filter(status=SessionStatus.HELD).order_by("-date").first()
    if session is None:
        return
    services.declare_trip(users["participant"], case, trip_date=session.date,
                          origin="Mechelen", mode=TravelMode.CAR, km=tariffs.money("36"))
