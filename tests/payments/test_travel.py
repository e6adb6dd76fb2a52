"""Participants' travel claims: within the programme's rules (per km, the ticket, caps per
trip and per path), for the days of their sessions, decided by an administrator."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from botp.models import AuditEntry, ClaimStatus, Participant, TravelMode
from botp.payments import services
from botp.workflow import TransitionError, TransitionForbidden
from tests.payments.conftest import held, with_tariffs

pytestmark = pytest.mark.django_db


@pytest.fixture
def session_day(world, treated):
    return held(treated, "work_related", world.btp, days_ago=3).date


def declare(world, case, day, **fields):
    fields.setdefault("origin", "Mechelen")
    fields.setdefault("mode", TravelMode.CAR)
    return services.declare_trip(world.participant, case, trip_date=day, **fields)


def problems(excinfo):
    return excinfo.value.message_dict


def test_a_car_trip_is_paid_per_km(world, treated, session_day):
    claim = declare(world, treated, session_day, km=Decimal("30"))
    assert claim.amount == Decimal("12.81")  # 30 km at 0.4269
    assert claim.status == ClaimStatus.SUBMITTED
    assert claim.participant == Participant.objects.get(user=world.participant)
    assert AuditEntry.objects.filter(subject=f"payment:travel-claim:{claim.pk}",
                                     what="travel claim submitted").exists()


def test_a_public_transport_trip_is_paid_its_ticket(world, treated, session_day):
    claim = declare(world, treated, session_day, mode=TravelMode.PUBLIC_TRANSPORT,
                    ticket_amount=Decimal("14.60"))
    assert claim.amount == Decimal("14.60") and claim.km is None


def test_a_trip_over_the_cap_per_trip_is_refused(world, treated, session_day):
    with pytest.raises(ValidationError) as refused:
        declare(world, treated, session_day, km=Decimal("120"))  # 51.23 euro > 40
    assert "km" in problems(refused)
    with pytest.raises(ValidationError) as refused:
        declare(world, treated, session_day, mode=TravelMode.PUBLIC_TRANSPORT,
                ticket_amount=Decimal("40.01"))
    assert "ticket_amount" in problems(refused)


def test_the_cap_per_case_counts_every_claim_not_refused(world, treated):
    with_tariffs(treated.programme, payments={"public_transport": True,
                                              "travel_cap_per_trip": "40.00",
                                              "travel_cap_per_case": "60.00"})
    days = [held(treated, "individual", world.isp, days_ago=n).date for n in (10, 9, 8)]
    declare(world, treated, days[0], mode=TravelMode.PUBLIC_TRANSPORT,
            ticket_amount=Decimal("30"))
    second = declare(world, treated, days[1], mode=TravelMode.PUBLIC_TRANSPORT,
                     ticket_amount=Decimal("25"))
    with pytest.raises(ValidationError) as refused:
        declare(world, treated, days[2], mode=TravelMode.PUBLIC_TRANSPORT,
                ticket_amount=Decimal("10"))
    assert "5.00 euro left" in problems(refused)["ticket_amount"][0]
    services.decide_claim(world.admin, second, approve=False, reason="No session that day.")
    assert declare(world, treated, days[2], mode=TravelMode.PUBLIC_TRANSPORT,
                   ticket_amount=Decimal("10")).amount == Decimal("10.00")


@pytest.mark.parametrize("km", [Decimal("0"), Decimal("-5"), None])
def test_km_must_be_given_and_positive(world, treated, session_day, km):
    with pytest.raises(ValidationError) as refused:
        declare(world, treated, session_day, km=km)
    assert "km" in problems(refused)


def test_a_trip_outside_the_case_or_without_a_session_is_refused(world, treated, session_day):
    for day in (timezone.localdate() - datetime.timedelta(days=200),
                timezone.localdate() + datetime.timedelta(days=2)):
        with pytest.raises(ValidationError) as refused:
            declare(world, treated, day, km=Decimal("10"))
        assert "trip_date" in problems(refused)
    with pytest.raises(ValidationError) as refused:
        declare(world, treated, session_day - datetime.timedelta(days=1), km=Decimal("10"))
    assert "No session" in problems(refused)["trip_date"][0]


def test_one_claim_per_day(world, treated, session_day):
    declare(world, treated, session_day, km=Decimal("10"))
    with pytest.raises(ValidationError) as refused:
        declare(world, treated, session_day, km=Decimal("12"))
    assert "trip_date" in problems(refused)


def test_a_programme_that_pays_no_travel(world, treated, session_day):
    with_tariffs(treated.programme, travel_costs_paid=False)
    with pytest.raises(ValidationError):
        declare(world, treated, session_day, km=Decimal("10"))


def test_only_the_participant_declares_for_their_case(world, treated, session_day):
    for user in (world.other_participant, world.btp.user, world.admin):
        with pytest.raises(TransitionForbidden):
            services.declare_trip(user, treated, trip_date=session_day, origin="x",
                                  mode=TravelMode.CAR, km=Decimal("10"))


def test_the_administrator_approves_or_refuses_with_a_reason(world, treated, session_day):
    claim = declare(world, treated, session_day, km=Decimal("10"))
    with pytest.raises(ValidationError):
        services.decide_claim(world.admin, claim, approve=False, reason=" ")
    with pytest.raises(TransitionForbidden):
        services.decide_claim(world.participant, claim, approve=True)
    services.decide_claim(world.admin, claim, approve=True)
    claim.refresh_from_db()
    assert claim.status == ClaimStatus.APPROVED and claim.decided_by == world.admin
    with pytest.raises(TransitionError):
        services.decide_claim(world.admin, claim, approve=False, reason="changed my mind")
    assert AuditEntry.objects.filter(subject=f"payment:travel-claim:{claim.pk}",
                                     what="travel claim approved", actor=world.admin).exists()


@pytest.mark.parametrize("iban", ["BE68539007547035", "XX00123", "", "BE6853900754703"])
def test_a_bad_iban_is_refused(world, treated, iban):
    with pytest.raises(ValidationError) as refused:
        services.set_bank_account(world.participant, holder="Tom", iban=iban)
    assert "iban" in problems(refused)


def test_an_iban_is_kept_compact_and_shown_masked(world, treated):
    account = services.set_bank_account(world.participant, holder="Tom Willems",
                                        iban="be68 5390 0754 7034")
    assert account.iban == "BE68539007547034"
    assert account.masked_iban == "BE68 •••• 7034"
    with pytest.raises(TransitionForbidden):
        services.set_bank_account(world.psychologist, holder="x", iban="BE68539007547034")
