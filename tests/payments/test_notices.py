"""The payment loops tell whoever must act: a provider has a statement to confirm, Fedris
disputes one of its lines; a participant's travel claim is decided. In the provider's or the
participant's language, with the link, never an amount or a reason."""

import pytest
from django.core import mail
from django.utils import dateformat, formats, timezone, translation

from botp.models import ClaimStatus, OutboxMessage, Statement, TravelClaim, TravelMode
from botp.payments import services
from botp.workflow import TransitionError
from tests.payments.conftest import held

pytestmark = pytest.mark.django_db


def notices():
    return OutboxMessage.objects.filter(kind="payment_notice")


@pytest.fixture
def statement(world, treated):
    held(treated, "work_related", world.btp, days_ago=2)
    services.build_statements(timezone.localdate())
    return Statement.objects.get(provider=world.btp)


def test_a_built_statement_asks_its_provider_to_confirm_it_once(world, treated, statement,
                                                                deliver):
    world.btp.user.language = "fr"
    world.btp.user.save()
    held(treated, "follow_up", world.btp)
    services.build_statements(timezone.localdate())  # a line more, no second e-mail
    assert notices().count() == 1
    deliver()
    [email] = mail.outbox
    assert email.to == [world.btp.user.email]
    with translation.override("fr"):
        month = dateformat.format(statement.month, "F Y")  # "décembre 2026"
    assert email.subject == f"Votre décompte de {month} est prêt à être confirmé"
    assert f"/payments/statements/{statement.pk}/" in email.body
    assert "€" not in email.body and "70.00" not in email.body and "70,00" not in email.body


def test_a_statement_confirmed_before_the_e_mail_goes_is_not_mailed(world, statement,
                                                                    deliver):
    services.confirm(world.btp.user, statement)
    deliver()
    assert mail.outbox == []
    assert notices().get().status == OutboxMessage.Status.CANCELLED


def test_a_disputed_line_asks_the_provider_to_answer_each_time(world, statement, deliver):
    services.confirm(world.btp.user, statement)
    deliver()  # the statement's own e-mail: confirmed before it went
    line = statement.lines.first()
    services.dispute(world.admin, line, "Two sessions on one day?")
    deliver()
    [email] = mail.outbox
    assert email.to == [world.btp.user.email]
    assert email.subject.startswith("Fedris has a question about your statement of ")
    assert "Two sessions" not in email.body
    services.answer(world.btp.user, line, "One was a no-show.")
    services.dispute(world.admin, line, "A no-show is not paid here.")
    deliver()
    assert len(mail.outbox) == 2


def test_a_decided_travel_claim_is_mailed_to_the_participant(world, treated, deliver):
    world.participant.language = "nl"
    world.participant.save()
    day = held(treated, "work_related", world.btp, days_ago=3).date
    other = held(treated, "follow_up", world.btp, days_ago=4).date
    approved = services.declare_trip(world.participant, treated, trip_date=day,
                                     origin="Mechelen", mode=TravelMode.CAR, km=20)
    refused = services.declare_trip(world.participant, treated, trip_date=other,
                                    origin="Mechelen", mode=TravelMode.CAR, km=20)
    deliver()
    assert mail.outbox == []  # declaring is not news
    services.decide_claim(world.admin, approved, approve=True)
    services.decide_claim(world.admin, refused, approve=False, reason="No session that day.")
    deliver()
    assert [m.to for m in mail.outbox] == [[world.participant.email]] * 2
    assert {m.subject for m in mail.outbox} == {"Uw verplaatsingskosten: Fedris heeft beslist"}
    first, second = (m.body for m in mail.outbox)
    with translation.override("nl"):
        day, other = (formats.date_format(d, "SHORT_DATE_FORMAT") for d in (day, other))
    assert "heeft de verplaatsingskosten goedgekeurd" in first
    assert f"verplaatsing van {day}." in first
    assert "kon de verplaatsingskosten" in second and f"verplaatsing van {other} niet" in second
    assert "No session that day" not in second
    assert "/payments/travel/" in first and "/payments/travel/" in second


def test_a_refused_dispute_records_no_e_mail(world, statement):
    with pytest.raises(TransitionError):  # not confirmed yet: nothing to dispute
        services.dispute(world.admin, statement.lines.first(), "Two sessions on one day?")
    assert not notices().filter(key__startswith="payment_notice:dispute:").exists()


def test_an_approval_mailed_late_still_says_approved(world, treated, deliver):
    """The decision is the one taken, not the claim's state when the e-mail finally goes (a
    payment run may have paid it meanwhile)."""
    day = held(treated, "work_related", world.btp, days_ago=3).date
    claim = services.declare_trip(world.participant, treated, trip_date=day, origin="Mechelen",
                                  mode=TravelMode.CAR, km=20)
    services.decide_claim(world.admin, claim, approve=True)
    TravelClaim.objects.filter(pk=claim.pk).update(status=ClaimStatus.PAID)
    deliver()
    [email] = mail.outbox
    assert "has approved" in email.body


def test_a_statement_made_for_a_correction_is_announced(world, statement, deliver):
    services.confirm(world.btp.user, statement)
    services.approve(world.admin, statement)
    deliver()
    mail.outbox.clear()
    correction = services.correct(world.admin, statement.lines.first(), "-10", "Paid twice.")
    deliver()
    [email] = mail.outbox
    assert email.to == [world.btp.user.email]
    assert f"/payments/statements/{correction.statement_id}/" in email.body
    assert correction.statement_id != statement.pk
