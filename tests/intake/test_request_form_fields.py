"""The screening request's enterprise number as people write it, and the warning when the sick
leave given is longer than the programme takes, with the programme's rules on the form."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from botp.models import Case
from intake.models import ScreeningRequest
from tests.factories import set_rules
from tests.scenarios import post_new

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("typed", ["BE 0403.170.701", "BE0403170701", "be 0403 170 701",
                                   "0403.170.701", "0403-170-701", " 0403170701 "])
def test_an_enterprise_number_is_taken_as_people_write_it_and_stored_as_its_digits(
        referrer_client, form_data, typed):
    response = post_new(referrer_client, form_data(enterprise_number=typed))
    assert response.status_code == 302, response.context["form"].errors
    assert ScreeningRequest.objects.get().enterprise_number == "0403170701"


@pytest.mark.parametrize("typed", ["BE 0403.170.702",      # a wrong check digit
                                   "NL 0403.170.701",      # not Belgian
                                   "BE 0403.170",          # too short
                                   "BE 0403.170.701.1",    # too long
                                   "0403 l70 701",         # a letter l for a one
                                   "B" + "E" * 39,         # long, and nothing of a number
                                   ])
def test_a_wrong_enterprise_number_is_refused_with_its_rule(referrer_client, form_data, typed):
    response = post_new(referrer_client, form_data(enterprise_number=typed))
    assert response.status_code == 400
    errors = response.context["form"].errors["enterprise_number"]
    assert any("not a valid Belgian enterprise number" in e or "at most 40" in e
               for e in errors), errors
    assert not Case.objects.exists() and not ScreeningRequest.objects.exists()
    # What was typed stays in the field.
    assert f'value="{typed}"' in response.content.decode()


def test_an_enterprise_number_longer_than_the_form_takes_is_a_field_error(referrer_client,
                                                                          form_data):
    response = post_new(referrer_client, form_data(enterprise_number="0" * 41))
    assert response.status_code == 400
    assert "enterprise_number" in response.context["form"].errors


def test_the_field_lets_people_type_the_prefix(referrer_client):
    page = referrer_client.get(reverse("intake:new")).content.decode()
    field = page[page.index('name="enterprise_number"') - 200:
                 page.index('name="enterprise_number"') + 200]
    assert 'maxlength="12"' not in field and 'maxlength="40"' in field
    assert "BE 0403.170.701" in page  # the help says it is accepted


def _since(days):
    return (timezone.localdate() - datetime.timedelta(days=days)).isoformat()


def test_the_form_states_the_programmes_rules(referrer_client, world):
    page = referrer_client.get(reverse("intake:new")).content.decode()
    rules = page[page.index('id="eligibility-rules"'):]
    rules = rules[:rules.index("</div>")]
    programme = world.programme
    assert str(programme.name) in rules
    for sector in programme.eligible_sectors.all():
        assert str(sector.name) in rules
    assert f"at most {programme.max_sick_leave_days} days" in rules
    assert f'data-max-days="{programme.max_sick_leave_days}"' in rules
    assert "js/sick-leave.js" in page


def test_a_sick_leave_longer_than_the_programme_takes_is_warned_of_on_the_form(
        referrer_client, form_data, world):
    maximum = world.programme.max_sick_leave_days
    # A draft is shown again with the warning; nothing stops it being saved.
    response = post_new(referrer_client, form_data(action="draft",
                                                   sick_leave_since=_since(maximum + 5)))
    assert response.status_code == 302
    page = referrer_client.get(response["Location"]).content.decode()
    warning = page[page.index('id="sick-leave-warning"'):]
    warning = warning[:warning.index("</p>")]
    assert "hidden" not in warning.split(">")[0]
    assert f"for {maximum + 5} days: more than the {maximum} days" in warning


def test_no_warning_within_the_maximum_or_at_work(referrer_client, form_data, world):
    maximum = world.programme.max_sick_leave_days
    for data in (form_data(action="draft", sick_leave_since=_since(maximum)),
                 form_data(action="draft", work_status="at_work",
                           sick_leave_since=_since(maximum + 30))):
        response = post_new(referrer_client, data)
        page = referrer_client.get(response["Location"]).content.decode()
        warning = page[page.index('id="sick-leave-warning"'):]
        assert " hidden " in warning.split(">")[0] + " ", warning[:300]


def test_a_refused_request_keeps_the_warning_with_its_other_errors(referrer_client, form_data,
                                                                  world):
    maximum = world.programme.max_sick_leave_days
    response = post_new(referrer_client, form_data(sick_leave_since=_since(maximum + 1),
                                                   enterprise_number="BE 0403.170.702"))
    assert response.status_code == 400
    page = response.content.decode()
    assert f"for {maximum + 1} days" in page
    assert 'href="#id_enterprise_number"' in page


def test_the_warning_reads_the_programmes_own_maximum(referrer_client, form_data, world):
    programme = world.programme
    set_rules(programme, max_sick_leave_days=10)
    response = post_new(referrer_client, form_data(action="draft", sick_leave_since=_since(12)))
    page = referrer_client.get(response["Location"]).content.decode()
    assert "for 12 days: more than the 10 days" in page


def test_the_form_asks_a_phone_for_the_right_keyboard():
    from intake.forms import ScreeningRequestForm

    form = ScreeningRequestForm()
    assert form.fields["niss"].widget.attrs["inputmode"] == "numeric"
    assert form.fields["phone"].widget.attrs["type"] == "tel"
    assert 'inputmode="numeric"' in str(form["niss"])


def test_the_workers_language_is_asked_not_taken_from_the_referrer(client, world, form_data):
    from django.urls import reverse

    world.referrer.language = "nl"
    world.referrer.save()
    client.force_login(world.referrer)
    page = client.get(reverse("intake:new")).content.decode()
    language = page.split('id="id_language"')[1].split("</select>")[0]
    assert '<option value="" selected>' in language and language.count("selected") == 1
    response = client.post(reverse("intake:new"), form_data(language=""))
    assert response.status_code == 400


def test_the_national_number_in_the_help_text_is_a_valid_one():
    import re

    from botp import nationalnumber
    from intake.forms import ScreeningRequestForm

    example = re.search(r"\d\d\.\d\d\.\d\d-\d{3}\.\d\d",
                        str(ScreeningRequestForm().fields["niss"].help_text)).group()
    nationalnumber.validate(example)  # raises if a person copying it would be refused
