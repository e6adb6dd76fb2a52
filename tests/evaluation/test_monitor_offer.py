"""A participant whose FA-BOTP case completes is offered the re-integration monitor: by e-mail
once, and on their case page; a case of another programme is not."""

import pytest
from django.core import mail
from django.urls import reverse

from botp.models import Case, CaseEvent, CaseState, OutboxMessage, Programme


@pytest.fixture
def fa_botp(programmes):
    return Programme.objects.get(code="fa-botp")


def _completed(world, programme):
    case = world.case(CaseState.COMPLETED)
    Case.objects.filter(pk=case.pk).update(programme=programme)
    case.refresh_from_db()
    CaseEvent.objects.create(case=case, action="submit_final_report",
                             from_state=CaseState.IN_TREATMENT, to_state=CaseState.COMPLETED)
    return case


def test_a_completed_fa_botp_case_offers_the_monitor(client, world, fa_botp, deliver):
    case = _completed(world, fa_botp)
    offer = OutboxMessage.objects.get(kind="monitor_offer")
    assert offer.case_id == case.pk
    mail.outbox.clear()
    deliver()
    sent = [m for m in mail.outbox if m.to == [world.participant.email]]
    assert len(sent) == 1
    assert reverse("evaluation:monitor_start") in sent[0].body
    client.force_login(world.participant)
    page = client.get(reverse("case_detail", args=[case.reference])).content.decode()
    assert reverse("evaluation:monitor_start") in page
    # Staff on the same case are not offered it (it is the participant's).
    client.force_login(world.admin)
    page = client.get(reverse("case_detail", args=[case.reference])).content.decode()
    assert reverse("evaluation:monitor_start") not in page


def test_another_programme_does_not_offer_it(client, world, deliver):
    case = _completed(world, world.programme)
    assert not OutboxMessage.objects.filter(kind="monitor_offer").exists()
    client.force_login(world.participant)
    page = client.get(reverse("case_detail", args=[case.reference])).content.decode()
    assert reverse("evaluation:monitor_start") not in page
