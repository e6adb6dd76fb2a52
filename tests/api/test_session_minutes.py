"""A session's length is bounded by one setting, SESSION_MINUTES: the form, the API and the
session service all refuse what it refuses."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from diagnosis import services
from diagnosis.forms import SessionForm
from tests.scenarios import in_diagnosis

MESSAGE = "The duration is between 20 and 30 minutes."


@pytest.fixture
def narrow(settings):
    settings.SESSION_MINUTES = (20, 30)


@pytest.mark.django_db
def test_the_session_form_takes_its_bounds_from_the_setting(narrow):
    today = timezone.localdate().isoformat()
    form = SessionForm({"date": today, "duration_minutes": "31", "status": "held"})
    assert form.errors == {"duration_minutes": [MESSAGE]}
    assert 'min="20"' in str(form["duration_minutes"])
    assert 'max="30"' in str(form["duration_minutes"])
    assert SessionForm({"date": today, "duration_minutes": "30", "status": "held"}).is_valid()


@pytest.mark.django_db
def test_the_service_and_the_api_take_their_bounds_from_the_setting(world, narrow,
                                                                    token_client):
    case = in_diagnosis(world)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as refused:
        services.record_session(case, world.btp.user, phase="diagnosis", date=yesterday,
                                duration_minutes=19, status="held")
    assert refused.value.message_dict == {"duration_minutes": [MESSAGE]}
    response = token_client(world.btp.user).post("/api/v1/sessions/", {
        "case": case.reference, "session_type": "diagnosis", "status": "held",
        "duration_minutes": 45, "date": yesterday.isoformat()}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"duration_minutes": [MESSAGE]}
    assert not case.sessions.exists()
    services.record_session(case, world.btp.user, phase="diagnosis", date=yesterday,
                            duration_minutes=20, status="held")
    assert case.sessions.count() == 1
