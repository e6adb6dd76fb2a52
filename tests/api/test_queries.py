"""API lists cost a fixed number of queries, however many objects a page shows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from botp.models import CaseState
from tests.api.test_api_access import ENDPOINTS
from tests.scenarios import Scenario, populate


def queries_for(client, path):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["psychologist", "btp", "isp", "referrer", "admin"])
def test_lists_do_not_query_per_object(api, world, role):
    built = Scenario()

    def add():
        case = world.case(CaseState.COMPLETED, btp=world.btp, isp=world.isp)
        built.own.append(case)
        populate(built, case, world.isp)

    add()
    client = api(world.user(role))
    few = {name: queries_for(client, endpoint.path) for name, endpoint in ENDPOINTS.items()}
    for _ in range(5):
        add()
    many = {name: queries_for(client, endpoint.path) for name, endpoint in ENDPOINTS.items()}
    assert many == few
