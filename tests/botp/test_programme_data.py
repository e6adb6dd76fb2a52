"""A programme's numbers are its own data: nothing in the code fills them in for it."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from botp.models import Programme, Sector

LIMITS = ["max_sick_leave_days", "max_duration_months", "duration_warning_days",
          "max_total_sessions"]


@pytest.fixture
def admin_client(client, demo_admin):
    return client


def programme_form(**limits):
    data = {
        "name_nl": "Proefprogramma", "name_fr": "Programme pilote", "name_en": "Pilot programme",
        "code": "pilot", "reference_prefix": "PILOT",
        "eligible_sectors": [Sector.objects.get(code="hospital").pk], "active": "on",
        "survey_order": '["employment", "bat"]',
        **{name: str(value) for name, value in limits.items()},
    }
    for prefix in ("session_types", "waves"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0",
                     f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"})
    return data


@pytest.mark.django_db
def test_a_programme_added_in_the_back_office_without_its_limits_is_refused(admin_client):
    blank = admin_client.get("/backoffice/botp/programme/add/").context["adminform"].form
    assert {name: blank[name].value() for name in LIMITS} == dict.fromkeys(LIMITS)
    response = admin_client.post("/backoffice/botp/programme/add/", programme_form())
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert {name: errors.get(name) for name in LIMITS} == {
        name: ["This field is required."] for name in LIMITS}
    assert not Programme.objects.filter(code="pilot").exists()


@pytest.mark.django_db
def test_a_programme_added_in_the_back_office_keeps_the_limits_it_states(admin_client):
    limits = {"max_sick_leave_days": 45, "max_duration_months": 24, "duration_warning_days": 14,
              "max_total_sessions": 10}
    response = admin_client.post("/backoffice/botp/programme/add/", programme_form(**limits))
    assert response.status_code == 302, response.content.decode()[:2000]
    programme = Programme.objects.get(code="pilot")
    assert {name: getattr(programme, name) for name in LIMITS} == limits


@pytest.mark.django_db
def test_a_programme_without_its_limits_fails_validation_and_the_database_refuses_it():
    programme = Programme(code="pilot", reference_prefix="PILOT", name_nl="P", name_fr="P",
                          name_en="P")
    with pytest.raises(ValidationError) as refused:
        programme.full_clean()
    assert set(LIMITS) <= set(refused.value.message_dict)
    with pytest.raises(IntegrityError), transaction.atomic():
        programme.save()


@pytest.mark.django_db
def test_one_programme_at_most_is_preselected_on_new_requests(programmes):
    assert [p.code for p in Programme.objects.filter(is_default=True)] == ["botp"]
    other = programmes["fa-botp"]
    other.is_default = True
    with pytest.raises(ValidationError, match="Another programme is already preselected"):
        other.full_clean()


@pytest.mark.django_db
@pytest.mark.parametrize("order, message", [
    (["employment", "bta"], "No such instrument: bta."),
    (["bat", "employment", "bat"], "Name each instrument once."),
    ({"bat": 1}, "List the instrument codes"),
    ([], "This field cannot be blank."),
])
def test_a_programmes_survey_order_names_each_known_instrument_once(programmes, order,
                                                                     message):
    programme = programmes["botp"]
    programme.survey_order = order
    with pytest.raises(ValidationError, match=message):
        programme.full_clean()
