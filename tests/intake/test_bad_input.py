"""Input no form offers is a form error or is ignored, never a server error (Trust, item 6)."""

import pytest
from django.urls import reverse

from intake.models import ScreeningRequest
from tests.scenarios import post_new

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("form_key", ["not-a-uuid", "²", "1" * 200, ""])
def test_a_form_key_that_is_not_a_uuid_starts_a_fresh_request(referrer_client, form_data,
                                                               form_key):
    response = post_new(referrer_client, form_data(form_key=form_key, action="draft"))
    assert response.status_code == 302
    draft = ScreeningRequest.objects.get()
    assert draft.is_draft and str(draft.form_key) != form_key


@pytest.mark.parametrize("parameter", ["programme", "sector"])
@pytest.mark.parametrize("value", ["²", "¹²", "-1", "99999999999999999999999", "x"])
def test_the_review_queue_ignores_a_filter_it_does_not_know(referrer_client, form_data, world,
                                                            parameter, value):
    post_new(referrer_client, form_data())
    referrer_client.force_login(world.admin)
    response = referrer_client.get(reverse("intake:queue"), {parameter: value})
    assert response.status_code == 200
    # Nothing it knows to filter by: the whole queue is shown.
    assert response.context["page"].paginator.count == 1


REFUSED = ["Eva\x00", "Eva\x1b[31m", "Ev\ufffda", "\u202eavE", "Eva\u2066x\u2069", "Eva\u200b",
           "Eva\nPeeters"]


@pytest.mark.parametrize("field", ["first_name", "last_name", "employer_name", "job_title"])
@pytest.mark.parametrize("value", REFUSED)
def test_a_name_with_characters_that_have_no_place_in_it_is_refused(referrer_client,
                                                                    form_data, field, value):
    response = post_new(referrer_client, form_data(**{field: value}))
    assert response.status_code == 400
    assert "This text contains characters that are not allowed." in response.content.decode()
    assert not ScreeningRequest.objects.exists()


def test_names_are_stored_composed_and_free_text_keeps_its_lines(referrer_client, form_data):
    post_new(referrer_client, form_data(first_name="Zoe\u0301", last_name="Mu\u0308ller",
                                        signals_other="Tired.\r\nCannot sleep.\tOften."))
    screening = ScreeningRequest.objects.get()
    assert (screening.first_name, screening.last_name) == ("Zo\u00e9", "M\u00fcller")
    assert screening.signals_other == "Tired.\r\nCannot sleep.\tOften."
