"""Lists cost a fixed number of queries, however many cases they show."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from botp.models import CaseState


def queries_for(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["btp", "isp", "participant", "referrer", "admin"])
def test_the_dashboard_does_not_query_per_case(client, world, role):
    user = {"btp": world.btp.user, "isp": world.isp.user, "participant": world.participant,
            "referrer": world.referrer, "admin": world.admin}[role]
    client.force_login(user)
    world.case(CaseState.IN_TREATMENT, btp=world.btp, isp=world.isp)
    few = queries_for(client, reverse("dashboard"))
    for _ in range(10):
        world.case(CaseState.IN_TREATMENT, btp=world.btp, isp=world.isp)
    assert queries_for(client, reverse("dashboard")) == few


@pytest.mark.django_db
def test_the_request_list_does_not_query_per_request(client, world):
    from intake.models import ScreeningRequest

    client.force_login(world.referrer)

    def add():
        case = world.case(CaseState.IN_TREATMENT, btp=world.btp)
        ScreeningRequest.objects.create(referrer=world.referrer, programme=world.programme,
                                        case=case, submitted_at=case.requested_at)

    add()
    few = queries_for(client, reverse("intake:list"))
    for _ in range(10):
        add()
    assert queries_for(client, reverse("intake:list")) == few
