"""The referrer's screening request: drafts, submission, and every field rule."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from botp.models import Case, CaseEvent, CaseState, Participant, Programme
from intake.consent import CURRENT_CONSENT_VERSION
from intake.models import ScreeningRequest
from tests.scenarios import post_new

pytestmark = pytest.mark.django_db


def test_a_complete_request_opens_one_case_in_requested(referrer_client, world, form_data, niss):
    response = post_new(referrer_client, form_data())
    screening = ScreeningRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("intake:detail", args=[screening.pk])
    case = screening.case
    assert case.state == CaseState.REQUESTED and case.referrer == world.referrer
    assert case.participant.niss == niss and case.participant.language == "fr"
    event = CaseEvent.objects.get(case=case)
    assert (event.action, event.from_state, event.to_state) == ("submit_request", "",
                                                                CaseState.REQUESTED)
    assert screening.consent_version == CURRENT_CONSENT_VERSION
    assert screening.consent_given_at is not None


def test_a_new_request_preselects_the_programme_its_data_marks(referrer_client, programmes):
    def preselected():
        return referrer_client.get(reverse("intake:new")).context["form"]["programme"].value()

    assert preselected() == programmes["botp"].pk
    Programme.objects.filter(code="botp").update(is_default=False)
    Programme.objects.filter(code="fa-botp").update(is_default=True)
    assert preselected() == programmes["fa-botp"].pk
    Programme.objects.update(is_default=False)
    assert preselected() is None


def test_a_draft_is_saved_incomplete_and_submitted_later(referrer_client, form_data):
    response = post_new(referrer_client, {"form_key": form_data()["form_key"],
                                          "first_name": "Eva", "action": "draft"})
    draft = ScreeningRequest.objects.get()
    assert response["Location"] == reverse("intake:edit", args=[draft.pk])
    assert draft.is_draft and draft.case is None and not Case.objects.exists()
    page = referrer_client.get(reverse("intake:edit", args=[draft.pk])).content.decode()
    assert 'value="Eva"' in page

    # Submitting the incomplete draft lists what is missing and sends nothing.
    response = referrer_client.post(reverse("intake:edit", args=[draft.pk]),
                                    {"first_name": "Eva", "action": "submit"})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    assert not Case.objects.exists()

    data = form_data()
    response = referrer_client.post(reverse("intake:edit", args=[draft.pk]), data)
    draft.refresh_from_db()
    assert not draft.is_draft and draft.case.state == CaseState.REQUESTED
    assert ScreeningRequest.objects.count() == 1


def test_a_submitted_request_is_read_only(referrer_client, form_data):
    post_new(referrer_client, form_data())
    screening = ScreeningRequest.objects.get()
    assert referrer_client.get(reverse("intake:edit", args=[screening.pk])).status_code == 404
    response = referrer_client.post(reverse("intake:edit", args=[screening.pk]),
                                    form_data(first_name="Changed"))
    assert response.status_code == 404
    screening.refresh_from_db()
    assert screening.first_name == "Eva"
    page = referrer_client.get(reverse("intake:detail", args=[screening.pk])).content.decode()
    assert "can no longer be changed" in page and "<form" not in page.split("<main")[1]


def test_a_second_post_of_a_sent_draft_is_answered_with_the_request(referrer_client, form_data):
    data = form_data()
    post_new(referrer_client, {**data, "action": "draft"})
    draft = ScreeningRequest.objects.get()
    edit = reverse("intake:edit", args=[draft.pk])
    referrer_client.post(edit, {**data, "form_key": str(draft.form_key)})
    again = referrer_client.post(edit, {**data, "form_key": str(draft.form_key),
                                        "first_name": "Changed"})
    assert again.status_code == 302
    assert again["Location"] == reverse("intake:detail", args=[draft.pk])
    draft.refresh_from_db()
    assert draft.first_name == "Eva" and Case.objects.count() == 1


def test_a_double_click_creates_one_request(referrer_client, form_data):
    data = form_data()
    first = post_new(referrer_client, data)
    second = post_new(referrer_client, data)
    assert ScreeningRequest.objects.count() == 1 and Case.objects.count() == 1
    assert first["Location"] == second["Location"]


def field_error(response, field, text):
    form = response.context["form"]
    assert response.status_code == 400
    assert any(text in error for error in form.errors.get(field, [])), form.errors
    assert not Case.objects.exists() and not ScreeningRequest.objects.exists()


def test_the_birth_date_must_agree_with_the_niss(referrer_client, form_data):
    response = post_new(referrer_client, form_data(birth_date="1982-03-18"))
    field_error(response, "birth_date", "does not match the national register number")


def test_a_sick_leave_starting_in_the_future_is_refused(referrer_client, form_data):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = post_new(referrer_client, form_data(sick_leave_since=tomorrow))
    field_error(response, "sick_leave_since", "cannot start in the future")


def test_consent_is_required_to_submit(referrer_client, form_data):
    response = post_new(referrer_client, form_data(consent=None))
    field_error(response, "consent", "consent is required")


def test_an_invalid_enterprise_number_is_refused(referrer_client, form_data):
    response = post_new(referrer_client, form_data(enterprise_number="0403.170.702"))
    field_error(response, "enterprise_number", "not a valid Belgian enterprise number")


@pytest.mark.parametrize("value, message", [("82031704199", "not valid"),
                                            ("1234", "11 digits")])
def test_an_invalid_niss_is_refused(referrer_client, form_data, value, message):
    response = post_new(referrer_client, form_data(niss=value))
    field_error(response, "niss", message)


def test_sick_leave_needs_its_start_date(referrer_client, form_data):
    response = post_new(referrer_client, form_data(sick_leave_since=""))
    field_error(response, "sick_leave_since", "first day of the sick leave")


def test_at_least_one_signal_is_needed(referrer_client, form_data):
    response = post_new(referrer_client, form_data(signals=[], signals_other=""))
    field_error(response, "signals", "at least one signal")


def test_other_sector_must_be_named(referrer_client, form_data):
    response = post_new(referrer_client, form_data(sector_choice="other", sector_other=""))
    field_error(response, "sector_other", "Name the sector")


def test_text_fields_have_maximum_lengths(referrer_client, form_data):
    response = post_new(referrer_client, form_data(first_name="x" * 101))
    field_error(response, "first_name", "at most 100 characters")
    response = post_new(referrer_client, form_data(signals_other="x" * 2001))
    field_error(response, "signals_other", "at most 2000 characters")


def test_a_request_for_a_german_speaking_worker_keeps_their_language(referrer_client,
                                                                     form_data):
    page = referrer_client.get(reverse("intake:new")).content.decode()
    assert '<option value="de">' in page
    post_new(referrer_client, form_data(language="de"))
    screening = ScreeningRequest.objects.get()
    assert screening.language == "de" and screening.case.participant.language == "de"


def test_errors_are_shown_at_the_field_in_the_users_language(client, world, form_data):
    client.force_login(world.referrer)
    client.cookies["django_language"] = "fr"
    response = post_new(client, form_data(consent=None))
    assert "consentement" in response.content.decode()


def test_html_typed_into_a_field_is_shown_as_text(referrer_client, form_data, world):
    post_new(referrer_client, form_data(signals_other="<script>alert(1)</script><b>x</b>",
                                        job_title="<i>Nurse</i>"))
    screening = ScreeningRequest.objects.get()
    page = referrer_client.get(reverse("intake:detail", args=[screening.pk])).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;i&gt;Nurse&lt;/i&gt;" in page


def test_a_worker_with_an_open_case_is_flagged_to_fedris_only(referrer_client, world, form_data,
                                                               niss):
    existing = Participant(first_name="Eva", last_name="Peeters", email="eva@example.org")
    existing.niss = niss
    existing.save()
    Case.objects.create(programme=world.programme, participant=existing,
                        referrer=world.other_referrer, state=CaseState.IN_TREATMENT)

    response = post_new(referrer_client, form_data())
    screening = ScreeningRequest.objects.get()
    assert response.status_code == 302 and screening.possible_duplicate
    # The same person's record is reused, not overwritten by what this referrer typed.
    assert screening.case.participant == existing
    assert existing.cases.count() == 2
    page = referrer_client.get(response["Location"]).content.decode()
    assert "duplicate" not in page.lower() and "another open case" not in page
    listing = referrer_client.get(reverse("intake:list")).content.decode()
    assert "another open case" not in listing
    dashboard = referrer_client.get(reverse("dashboard")).content.decode()
    assert [c.reference for c in existing.cases.all() if c.referrer == world.other_referrer][0] \
        not in dashboard


def test_a_closed_earlier_case_is_not_a_duplicate(referrer_client, world, form_data, niss):
    existing = Participant(first_name="Eva", last_name="Peeters")
    existing.niss = niss
    existing.save()
    Case.objects.create(programme=world.programme, participant=existing,
                        state=CaseState.CLOSED)
    post_new(referrer_client, form_data())
    assert not ScreeningRequest.objects.get().possible_duplicate


def test_only_referrers_file_requests(client, world):
    for user in (world.admin, world.psychologist, world.btp.user, world.participant):
        client.force_login(user)
        assert client.get(reverse("intake:new")).status_code == 404
        assert client.get(reverse("intake:list")).status_code == 404


def test_a_referrer_cannot_open_another_referrers_draft(client, world, form_data):
    client.force_login(world.other_referrer)
    post_new(client, {"form_key": form_data()["form_key"], "first_name": "X",
                      "action": "draft"})
    draft = ScreeningRequest.objects.get()
    client.force_login(world.referrer)
    assert client.get(reverse("intake:edit", args=[draft.pk])).status_code == 404
    assert client.post(reverse("intake:edit", args=[draft.pk]),
                       {"first_name": "Y", "action": "draft"}).status_code == 404
    # Reposting the other referrer's form key does not reach their draft either.
    response = post_new(client, {"form_key": str(draft.form_key), "first_name": "Z",
                                 "action": "draft"})
    draft.refresh_from_db()
    assert draft.first_name == "X"
    assert response.status_code in (302, 400)
