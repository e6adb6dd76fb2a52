"""Eight posts of "Send to Fedris" for one form at the same moment (a double click, a nervous
referrer, a retrying proxy): one request, one case, and every post answered with it."""

import pytest
from django.test import Client
from django.urls import reverse

from botp.models import Case, CaseEvent, OutboxMessage
from intake.models import ScreeningRequest
from tests.concurrency import together


def send_at_once(world, url, data, times=8):
    def send():
        client = Client()
        client.force_login(world.referrer)
        response = client.post(url, data)
        return response.status_code, response.get("Location")

    return together(*[send] * times)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("from_draft", [False, True], ids=["new form", "saved draft"])
def test_eight_concurrent_sends_open_one_case(postgres_only, world, form_data, from_draft):
    data = form_data()
    url = reverse("intake:new")
    if from_draft:
        client = Client()
        client.force_login(world.referrer)
        client.post(url, {**data, "action": "save"})
        url = reverse("intake:edit", args=[ScreeningRequest.objects.get().pk])

    outcomes = send_at_once(world, url, data)

    screening = ScreeningRequest.objects.get()
    assert not screening.is_draft and screening.case is not None
    detail = reverse("intake:detail", args=[screening.pk])
    assert outcomes == [(302, detail)] * 8, outcomes
    assert Case.objects.count() == 1
    assert CaseEvent.objects.filter(action="submit_request").count() == 1
    assert not screening.possible_duplicate
    # Fedris is told once, per administrator.
    assert OutboxMessage.objects.filter(kind="case_event").count() == 1  # one administrator
    assert OutboxMessage.objects.filter(kind="document").count() == 1


@pytest.mark.django_db
def test_the_database_refuses_a_second_case_for_one_request(world):
    from django.db import IntegrityError, transaction

    from botp import workflow

    case = world.case()
    Case.objects.filter(pk=case.pk).update(request_key="8f0c1f9e-2f55-4c1a-9d64-3c2b7e6a1d10")
    with pytest.raises(IntegrityError), transaction.atomic():
        workflow.open_case(world.programme, case.participant, world.referrer,
                           request_key="8f0c1f9e-2f55-4c1a-9d64-3c2b7e6a1d10")


@pytest.mark.django_db
def test_a_late_post_of_a_sent_form_changes_nothing(referrer_client, form_data):
    data = form_data()
    referrer_client.post(reverse("intake:new"), data)
    screening = ScreeningRequest.objects.get()
    late = referrer_client.post(reverse("intake:new"),
                                {**data, "first_name": "Changed", "action": "save"})
    assert late.status_code == 302 and late["Location"] == reverse("intake:detail",
                                                                   args=[screening.pk])
    screening.refresh_from_db()
    assert screening.first_name == "Eva" and not screening.is_draft
    assert Case.objects.count() == 1
