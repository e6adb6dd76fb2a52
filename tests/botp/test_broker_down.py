"""The broker is down: people still log in and their saved actions answer success. What those
actions cause waits in the outbox and goes out, once, when the worker's sweep runs again."""

import pytest
from django.core import mail
from django.urls import reverse

from botp import outbox
from botp.models import Case, CaseState, OutboxMessage, Participant
from intake.models import ScreeningRequest
from tests.factories import UserFactory
from tests.scenarios import post_new

# Nothing listens on the discard port: a connection there is refused at once.
NO_BROKER = "redis://127.0.0.1:9/0"


@pytest.fixture
def broker_down(eager_celery):
    """Tasks go to a broker, as in production, and that broker cannot be reached."""
    app = eager_celery
    saved = app.conf.broker_url, app.conf.task_always_eager
    app.conf.task_always_eager = False
    app.conf.broker_url = NO_BROKER
    app._pool = None  # the producer pool is made for the URL it first saw
    yield app
    app.conf.broker_url, app.conf.task_always_eager = saved
    app._pool = None


@pytest.mark.django_db(transaction=True)
def test_a_saved_action_answers_success_and_its_effects_wait_for_the_broker(
        broker_down, client, world, form_data):
    # Logging in needs no broker: the rate limits' cache is the database.
    referrer = world.referrer
    referrer.set_password("a-long-enough-passphrase-9")
    referrer.save()
    response = client.post(reverse("account_login"), {
        "login": referrer.email, "password": "a-long-enough-passphrase-9"})
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")

    response = post_new(client, form_data())
    screening = ScreeningRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("intake:detail", args=[screening.pk])
    assert "was sent to Fedris" in client.get(response["Location"]).content.decode()

    admin = world.admin
    client.force_login(admin)
    response = client.post(reverse("intake:review", args=[screening.pk]), {
        "decision": "approve", "version": screening.case.version})
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.state == CaseState.AWAITING_BTP_CHOICE

    # Nothing went out, nothing was lost: the request's notification and PDF, the approval's
    # letter, activation e-mail, notification and pre-test invitation all wait.
    assert mail.outbox == []
    waiting = OutboxMessage.objects.filter(case=case)
    assert set(waiting.values_list("status", flat=True)) == {"queued"}
    assert set(waiting.values_list("kind", flat=True)) == {
        "case_event", "document", "activation", "survey_invitation"}

    # The broker is back: beat's sweep delivers each of them, once.
    delivered = outbox.deliver_due()
    assert delivered == waiting.count()
    assert set(waiting.values_list("status", flat=True)) == {"sent"}
    participant = Participant.objects.get()
    to_worker = [m for m in mail.outbox if participant.email in m.to]
    assert len(to_worker) == 2  # the activation e-mail and the pre-test invitation
    outbox.deliver_due()
    assert len([m for m in mail.outbox if participant.email in m.to]) == 2


@pytest.mark.django_db
def test_login_works_without_the_broker(broker_down, client):
    user = UserFactory()
    user.set_password("a-long-enough-passphrase-9")
    user.save()
    response = client.post(reverse("account_login"), {
        "login": user.email, "password": "a-long-enough-passphrase-9"})
    assert response.status_code == 302
    assert client.get(reverse("dashboard")).status_code == 200
