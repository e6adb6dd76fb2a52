"""Outgoing messages as Fedris sees them: every one per case and in one queue with its state and
reason, tried again by an administrator; nobody else sees them."""

import pytest
from django.urls import reverse

from botp import workflow
from botp.models import AuditEntry, CaseState, OutboxMessage

pytestmark = pytest.mark.django_db


@pytest.fixture
def failed(world):
    """The participant's notification of an accepted case, failed for want of an address."""
    case = world.case(CaseState.BTP_PROPOSED, btp=world.btp)
    workflow.perform(case, "accept_case", world.btp.user)
    message = OutboxMessage.objects.get(case=case, kind="case_event")
    OutboxMessage.objects.filter(pk=message.pk).update(
        status="failed", problem="no_address", attempts=1, recipient="")
    return case, message


@pytest.mark.parametrize("role, sees", [
    ("admin", True), ("psychologist", True), ("btp", False), ("isp", False),
    ("referrer", False), ("participant", False), ("researcher", False),
])
def test_who_sees_the_outgoing_messages(client, world, failed, role, sees):
    case, _message = failed
    client.force_login(world.user(role))
    queue = client.get(reverse("deliveries"))
    assert queue.status_code == (200 if sees else 404)
    if sees:
        page = queue.content.decode()
        assert case.reference in page and "No e-mail address" in page
    case_page = client.get(reverse("case_detail", args=[case.reference]))
    if case_page.status_code == 200:
        assert ("Outgoing messages and documents" in case_page.content.decode()) == sees


def test_the_queue_shows_troubled_messages_first_and_all_on_request(client, world, failed):
    case, message = failed
    other = OutboxMessage.objects.exclude(pk=message.pk).first()
    client.force_login(world.admin)
    troubled = client.get(reverse("deliveries")).content.decode()
    assert "delivery-failed" in troubled and "delivery-queued" not in troubled
    everything = client.get(reverse("deliveries"), {"status": "all"}).content.decode()
    assert other is None or "delivery-queued" in everything
    assert client.get(reverse("deliveries"), {"status": "nonsense"}).status_code == 200


def test_an_administrator_tries_a_failed_message_again(client, world, failed):
    case, message = failed
    client.force_login(world.admin)
    response = client.post(reverse("delivery_retry", args=[message.pk]),
                           {"next": reverse("case_detail", args=[case.reference])})
    assert response.status_code == 302
    assert response["Location"] == reverse("case_detail", args=[case.reference])
    message.refresh_from_db()
    assert message.status == "queued" and message.attempts == 0
    assert AuditEntry.objects.filter(actor=world.admin, case=case,
                                     what="delivery retried: case_event").exists()


def test_only_an_administrator_retries_and_only_to_the_portal(client, world, failed):
    case, message = failed
    client.force_login(world.psychologist)
    assert client.post(reverse("delivery_retry", args=[message.pk])).status_code == 404
    message.refresh_from_db()
    assert message.status == "failed"
    client.force_login(world.admin)
    response = client.post(reverse("delivery_retry", args=[message.pk]),
                           {"next": "https://elsewhere.example/"})
    assert response["Location"] == reverse("deliveries")
