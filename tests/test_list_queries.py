"""Every list and queue page of every role, and every API list, asks the same number of
queries however many cases there are (no query per row, no growth with the volume)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.api.test_api_access import ENDPOINTS
from tests.scenarios import STATES, cases_for, populate

PAGES = {
    "referrer": ["dashboard", "intake:list"],
    "admin": ["dashboard", "intake:queue", "deliveries", "payments:statements",
              "payments:claims", "payments:runs"],
    "psychologist": ["dashboard", "diagnosis:queue", "deliveries", "account_audit",
                     "evaluation:outcomes"],
    "btp": ["dashboard", "payments:statements"],
    "isp": ["dashboard"],
    "participant": ["dashboard", "payments:claims"],
    "researcher": ["dashboard", "evaluation:outcomes", "evaluation:export"],
}
API_ROLES = ["referrer", "admin", "psychologist", "btp", "isp", "participant"]


def more_cases(world, scenario, rounds):
    for _ in range(rounds):
        for state in STATES:
            own, other = cases_for(world, state)
            populate(scenario, own, world.isp)
            populate(scenario, other, world.other_isp)


def queries(client, url):
    client.get(url)  # warm: sessions, caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return len(captured)


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(PAGES))
def test_list_and_queue_pages_ask_a_fixed_number_of_queries(client, world, scenario, role):
    client.force_login(world.user(role))
    urls = [reverse(name) for name in PAGES[role]]
    if role in API_ROLES:
        urls += [endpoint.path for endpoint in ENDPOINTS.values()]
    few = {url: queries(client, url) for url in urls}
    more_cases(world, scenario, 3)
    many = {url: queries(client, url) for url in urls}
    assert many == few
