"""The statement's PDF in the reader's language, made by the worker once approved; the to-dos
of each person in the loop."""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from botp import worklists
from botp.models import PaymentDocument, Statement, TravelMode
from botp.payments import pdf, services
from tests.payments.conftest import held

pytestmark = pytest.mark.django_db


@pytest.fixture
def statement(world, treated):
    held(treated, "work_related", world.btp, days_ago=2)
    services.build_statements(timezone.localdate())
    return Statement.objects.get(provider=world.btp)


def whats(user):
    return [todo.what for todo in worklists.for_user(user)]


def test_each_person_sees_their_next_step(world, treated, statement):
    assert "Check and confirm your monthly statement" in whats(world.btp.user)
    services.confirm(world.btp.user, statement)
    assert "Approve or dispute the providers' statements" in whats(world.admin)
    services.dispute(world.admin, statement.lines.first(), "Which session?")
    assert "Answer Fedris' question on your statement" in whats(world.btp.user)
    assert not any("statement" in what for what in whats(world.other_btp.user))
    assert not any("statement" in what for what in whats(world.psychologist))
    day = held(treated, "individual", world.isp, days_ago=1).date
    services.declare_trip(world.participant, treated, trip_date=day, origin="Gent",
                          mode=TravelMode.CAR, km=Decimal("8"))
    assert "Decide on the participants' travel claims" in whats(world.admin)


def test_the_approved_statement_as_pdf_in_the_readers_language(
        client, world, statement, django_capture_on_commit_callbacks):
    services.confirm(world.btp.user, statement)
    with django_capture_on_commit_callbacks(execute=True):
        services.approve(world.admin, statement)
    documents = PaymentDocument.objects.filter(subject="statement", subject_id=statement.pk)
    assert sorted(documents.values_list("language", flat=True)) == ["de", "en", "fr", "nl"]
    assert all(document.file and document.sha256 for document in documents)
    german = pdf.html_for(documents.get(language="de"))
    assert statement.reference in german and "Monatsabrechnung" in german
    assert "Demonstrationswerte" in german
    client.force_login(world.btp.user)
    response = client.get(reverse("payments:statement_pdf", args=[statement.pk]),
                          HTTP_ACCEPT_LANGUAGE="fr")
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    client.force_login(world.other_btp.user)
    assert client.get(reverse("payments:statement_pdf",
                              args=[statement.pk])).status_code == 404
