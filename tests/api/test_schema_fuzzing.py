"""Property-based run of the API from its own schema (schemathesis, in-process against the WSGI
application: no server, no network). For a BTP and an administrator, every operation answers
without a server error and as its schema says: status codes, content type, body."""

import datetime

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from botp.models import ApiToken

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance]
EXAMPLES = 25
OPERATIONS = 16  # list and detail of seven endpoints, a download and recording a session


@pytest.fixture
def in_process_app():
    """The WSGI application, keeping the test's database connection (and its transaction)
    open between requests, as Django's test client does."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        for signal in (request_started, request_finished):
            signal.connect(close_old_connections)


def known_values(scenario):
    """Identifiers that exist, so that generated requests also reach real objects."""
    return {
        "reference": st.sampled_from([case.reference for case in scenario.cases]),
        "id": st.sampled_from([obj.pk for obj in scenario.sessions + scenario.reports
                               + scenario.screening_requests + scenario.waves]),
    }


def session_bodies(scenario):
    today = datetime.date.today()
    return st.fixed_dictionaries({
        "case": st.sampled_from([case.reference for case in scenario.cases]),
        "session_type": st.sampled_from(["diagnosis", "debrief", "starter_kit", "individual",
                                         "work_related", "multidisciplinary_meeting"]),
        "date": st.integers(-5, 5).map(lambda days: (today + datetime.timedelta(days=days))
                                       .isoformat()),
        "duration_minutes": st.sampled_from([10, 60, 480]),
        "status": st.sampled_from(["held", "planned", "no_show", "cancelled"]),
    }, optional={"approach": st.sampled_from(["", "cognitive_emotional", "psycho_corporal"]),
                 "format": st.sampled_from(["individual", "group"])})


def strategy_for(operation, scenario):
    """Generated requests (valid and invalid by the schema), and some that name real
    objects."""
    generated = [operation.as_strategy(generation_mode=mode)
                 for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)]
    parameters = {parameter.name for parameter in operation.path_parameters}
    known = known_values(scenario)
    if parameters:
        generated.append(st.fixed_dictionaries({name: known[name] for name in parameters})
                         .flatmap(lambda values: operation.as_strategy(path_parameters=values)))
    if operation.method.upper() == "POST":
        generated.append(session_bodies(scenario).flatmap(
            lambda body: operation.as_strategy(body=body)))
    return st.one_of(generated)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["btp", "admin"])
def test_every_operation_keeps_to_the_schema(world, scenario, in_process_app, role):
    _token, key = ApiToken.issue(world.user(role), "schemathesis")
    headers = {"Authorization": f"Token {key}"}
    schema = schemathesis.openapi.from_wsgi("/api/schema/", in_process_app, headers=headers)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == OPERATIONS, [op.label for op in operations]
    statuses = set()

    for operation in operations:
        @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
                  phases=[Phase.explicit, Phase.generate],
                  suppress_health_check=list(HealthCheck))
        @given(case=strategy_for(operation, scenario))
        def call(case):
            response = case.call_and_validate(headers=headers, checks=CHECKS)
            statuses.add((case.operation.label, response.status_code))

        call()

    # The run reached real objects, not only "not found".
    answered = {status for _label, status in statuses}
    assert {200, 400, 404} <= answered, sorted(statuses)
    assert any(label.startswith("POST") and status in (201, 400, 403, 409)
               for label, status in statuses), sorted(statuses)
