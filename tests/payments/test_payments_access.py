"""DESIGN.md section 2 for payments: a provider sees only their own statements, a participant
only their own travel claims, Fedris' administrators the administrative data of all; Fedris
psychologists, researchers, referrers and wellbeing officers nothing of it. Out of reach reads
as not found (404). Bad input is a form error (400), never a server error."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from botp import policy
from botp.models import Role, Statement, StatementStatus, TravelClaim, TravelMode
from botp.payments import services
from tests.factories import UserFactory
from tests.payments.conftest import held

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid(world, treated):
    held(treated, "work_related", world.btp, days_ago=2)
    held(treated, "work_related", world.other_btp, days_ago=2)
    day = held(treated, "individual", world.isp, days_ago=1).date
    services.build_statements(timezone.localdate())
    claim = services.declare_trip(world.participant, treated, trip_date=day, origin="Gent",
                                  mode=TravelMode.CAR, km=Decimal("20"))
    services.set_bank_account(world.btp.user, holder="B", iban="BE48001123456727")
    return claim


def users(world):
    wellbeing = UserFactory(role=Role.WELLBEING_OFFICER)
    return {"admin": world.admin, "psychologist": world.psychologist,
            "referrer": world.referrer, "btp": world.btp.user, "isp": world.isp.user,
            "other_btp": world.other_btp.user, "participant": world.participant,
            "other_participant": world.other_participant, "researcher": world.researcher,
            "wellbeing": wellbeing}


# role -> (statements it reads: its own provider's or every one, travel claims, runs)
EXPECTED = {
    "admin": ("all", "all", True),
    "btp": ("own", "none", False),
    "isp": ("own", "none", False),
    "other_btp": ("own", "none", False),
    "participant": ("none", "own", False),
    "other_participant": ("none", "own", False),
    "psychologist": ("none", "none", False),
    "researcher": ("none", "none", False),
    "referrer": ("none", "none", False),
    "wellbeing": ("none", "none", False),
}


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_who_reads_which_statements_claims_and_runs(client, world, paid, role):
    user = users(world)[role]
    statements, claims, runs = EXPECTED[role]
    provider = getattr(user, "provider", None)
    expected = {"all": set(Statement.objects.all()),
                "own": set(Statement.objects.filter(provider=provider)),
                "none": set()}[statements]
    assert set(policy.statements_for(user)) == expected
    expected_claims = {"all": set(TravelClaim.objects.all()),
                       "own": set(TravelClaim.objects.filter(participant__user=user)),
                       "none": set()}[claims]
    assert set(policy.travel_claims_for(user)) == expected_claims
    client.force_login(user)
    for statement in Statement.objects.all():
        response = client.get(reverse("payments:statement", args=[statement.pk]))
        assert response.status_code == (200 if statement in expected else 404), statement
    response = client.get(reverse("payments:claim", args=[paid.pk]))
    assert response.status_code == (200 if paid in expected_claims else 404)
    for name in ("payments:statements",):
        assert client.get(reverse(name)).status_code == (404 if statements == "none" else 200)
    assert client.get(reverse("payments:claims")).status_code == (
        404 if claims == "none" and statements != "all" else 200)
    assert client.get(reverse("payments:runs")).status_code == (200 if runs else 404)
    # Paid are providers and participants with a record (other_participant has no case yet).
    payee = role in ("btp", "isp", "other_btp", "participant")
    assert client.get(reverse("payments:bank_account")).status_code == (200 if payee else 404)


def test_the_statement_list_shows_only_own_lines(client, world, paid):
    client.force_login(world.btp.user)
    page = client.get(reverse("payments:statements")).content.decode()
    own = Statement.objects.get(provider=world.btp)
    other = Statement.objects.get(provider=world.other_btp)
    assert own.reference in page and other.reference not in page


def test_a_provider_confirms_and_answers_on_the_page(client, world, paid):
    statement = Statement.objects.get(provider=world.btp)
    url = reverse("payments:statement", args=[statement.pk])
    client.force_login(world.other_btp.user)
    assert client.post(url, {"step": "confirm"}).status_code == 404
    client.force_login(world.btp.user)
    assert client.post(url, {"step": "approve"}).status_code == 404  # not theirs to do
    assert client.post(url, {"step": "confirm"}).status_code == 302
    statement.refresh_from_db()
    assert statement.status == StatementStatus.CONFIRMED
    response = client.post(url, {"step": "confirm"})
    assert response.status_code == 409  # confirmed already


def test_bad_input_is_a_form_error_never_a_server_error(client, world, paid):
    statement = Statement.objects.get(provider=world.btp)
    services.confirm(world.btp.user, statement)
    line = statement.lines.first()
    url = reverse("payments:statement", args=[statement.pk])
    client.force_login(world.admin)
    assert client.post(url, {"step": "dispute", "line": line.pk, "reason": ""}).status_code \
        == 400
    assert client.post(url, {"step": "dispute", "line": "x", "reason": "a"}).status_code == 404
    assert client.post(url, {"step": "dispute", "line": line.pk,
                             "reason": "bad\u202etext"}).status_code == 400
    assert client.post(reverse("payments:statements"), {"month": "2026-13"}).status_code == 400
    assert client.post(reverse("payments:statements"), {"month": "2026-011"}).status_code == 400
    assert client.post(reverse("payments:runs"),
                       {"execution_date": "2001-01-01"}).status_code == 400
    assert client.post(reverse("payments:runs"),
                       {"execution_date": "not a date"}).status_code == 400
    claim_url = reverse("payments:claim", args=[paid.pk])
    assert client.post(claim_url, {"decision": "refuse", "reason": ""}).status_code == 400
    client.force_login(world.participant)
    claims = reverse("payments:claims")
    treated = paid.case
    for data, field in [
        ({"km": "-4"}, "km"), ({"km": "500"}, "km"), ({"trip_date": "2001-01-01"}, "trip_date"),
        ({"trip_date": "31/31/2026"}, "trip_date"), ({"km": "abc"}, "km"),
    ]:
        posted = {"case": treated.pk, "trip_date": paid.trip_date.isoformat(),
                  "origin": "Gent", "mode": "car", "km": "10", **data}
        response = client.post(claims, posted)
        assert response.status_code == 400, data
        assert field in response.context["trip"].errors, (data, response.context["trip"].errors)
    bank = reverse("payments:bank_account")
    response = client.post(bank, {"holder": "Tom", "iban": "BE68539007547035"})
    assert response.status_code == 400 and "iban" in response.context["form"].errors
    assert "This is not a valid IBAN" in response.content.decode()


def test_no_clinical_content_on_a_statement(client, world, paid):
    statement = Statement.objects.get(provider=world.btp)
    client.force_login(world.admin)
    page = client.get(reverse("payments:statement", args=[statement.pk])).content.decode()
    assert paid.case.reference in page
    assert str(paid.case.participant.last_name) not in page


def test_the_account_audit_trail_shows_no_payment(client, world, paid):
    from botp.models import AuditEntry

    assert AuditEntry.objects.filter(subject__startswith="payment:").exists()
    client.force_login(world.psychologist)
    page = client.get(reverse("account_audit")).content.decode()
    assert "travel claim" not in page and "bank account" not in page


def test_the_lists_ask_a_fixed_number_of_queries(client, world, treated, paid):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(user, name):
        client.force_login(user)
        client.get(reverse(name))
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(name)).status_code == 200
        return len(captured)

    pages = [(world.admin, "payments:statements"), (world.admin, "payments:claims"),
             (world.btp.user, "payments:statements"), (world.participant, "payments:claims")]
    few = [count(user, name) for user, name in pages]
    # Three earlier months, each with its statements, and three more trips.
    today = timezone.localdate()
    months = [services.month_of(today - datetime.timedelta(days=31 * n)) for n in (3, 2, 1)]
    for month in months:
        ago = (today - month).days
        held(treated, "work_related", world.btp, days_ago=ago)
        held(treated, "individual", world.other_btp, days_ago=ago)
        services.build_statements(month)
    for days_ago in (5, 6, 7):
        day = held(treated, "follow_up", world.btp, days_ago=days_ago).date
        services.declare_trip(world.participant, treated, trip_date=day, origin="Gent",
                              mode=TravelMode.CAR, km=Decimal("5"))
    assert Statement.objects.count() >= 7
    assert [count(user, name) for user, name in pages] == few


@pytest.mark.parametrize("role, menu, subnav", [
    ("admin", ["Payments"], ["Statements", "Travel costs", "Payment runs"]),
    ("btp", ["My statements"], []),
    ("participant", ["Travel costs"], []),
    ("psychologist", [], []),
    ("researcher", [], []),
])
def test_each_role_finds_its_payment_pages_in_the_menu_and_no_other(client, world, paid,
                                                                    role, menu, subnav):
    client.force_login(users(world)[role])
    page = client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    links = {"Payments", "My statements", "Travel costs", "Statements", "Payment runs"}
    shown = [name for name in re.findall(r"<a href=\"/payments/[^\"]*\"[^>]*>([^<]+)</a>", page)
             if name in links]
    assert shown == menu
    if subnav:
        area = client.get(reverse("payments:claims")).content.decode()
        start = area.index('class="subnav"')
        block = area[start:area.index("</nav>", start)]
        assert re.findall(r">([^<]+)</a>", block) == subnav
        assert 'aria-current="page">Travel costs' in block
