"""The loops between the participant and the BTP on the treatment pages: a refused consent keeps
what was typed, a withdrawal is confirmed and tells the BTP, a meeting has a day, a time and a
place and shows among the participant's sessions, every error of a page is said at once, and
the plan shows each cap on the rows it binds."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse

from botp.models import OutboxMessage
from tests.factories import set_rules
from treatment import selectors, services
from treatment.models import WorkplaceMeeting

TODAY = datetime.date.today()
NEXT_WEEK = TODAY + datetime.timedelta(days=7)


def mine(case):
    return reverse("treatment:mine", args=[case.reference])


def give_url(case):
    return reverse("treatment:give_consent", args=[case.reference])


def prepared(world, case, consent):
    return services.prepare_meeting(case, world.btp.user, consent_id=consent.pk,
                                    planned_date=NEXT_WEEK, planned_time=datetime.time(14, 30),
                                    place="AZ Demo, meeting room 2")


# --- The consent form -------------------------------------------------------------------------

@pytest.mark.django_db
def test_the_meeting_consent_names_the_cases_own_programme(client, world, treated,
                                                           programmes):
    client.force_login(world.participant)
    page = client.get(mine(treated)).content.decode()
    assert "take part in the programme “Burnout Treatment Programme (Fedris)”" in page
    treated.programme = programmes["fa-botp"]
    treated.save(update_fields=["programme"])
    page = client.get(mine(treated)).content.decode()
    assert ("take part in the programme “Federal Administration Burnout Treatment Programme "
            "(FA-BOTP)”") in page
    assert "Burnout Treatment Programme (Fedris)" not in page


@pytest.mark.django_db
def test_a_consent_given_under_the_earlier_wording_keeps_it(world, treated):
    from botp import consents
    from botp.models import Consent

    earlier = consents.text(Consent.Purpose.MEETING, "2026-11", programme=treated.programme)
    assert "take part in the Burnout Treatment Programme. They learn" in earlier
    current = consents.text(Consent.Purpose.MEETING, programme=treated.programme)
    assert "“Burnout Treatment Programme (Fedris)”" in current
    assert consents.CURRENT_VERSION == "2026-12"


@pytest.mark.django_db
def test_a_consent_form_mistake_keeps_the_names_roles_and_organisations_typed(client, world,
                                                                              treated):
    client.force_login(world.participant)
    response = client.post(give_url(treated), {
        "purpose": "meeting",
        "role_0": "occupational_physician", "name_0": "Dr. Lieve Wouters",
        "organisation_0": "Mensura",
        "role_1": "employer", "name_1": "Karel Peeters", "organisation_1": "AZ Journey",
        # the box is not ticked
    })
    assert response.status_code == 400
    page = response.content.decode()
    for typed in ('value="Dr. Lieve Wouters"', 'value="Mensura"', 'value="Karel Peeters"',
                  'value="AZ Journey"'):
        assert typed in page, typed
    assert re.search(r'<option value="occupational_physician" selected>', page)
    assert re.search(r'value="meeting"[^>]*checked', page)
    summary = page[page.index('id="error-summary"'):]
    assert "Tick the box to confirm that you agree." in summary
    assert not treated.consents.exists()


@pytest.mark.django_db
def test_every_problem_of_the_consent_form_is_said_at_once_and_linked_to_its_row(client, world,
                                                                                 treated):
    client.force_login(world.participant)
    response = client.post(give_url(treated), {
        "role_0": "employer",                     # no name
        "name_1": "Karel Peeters",                # no role
        "organisation_2": "A" * 201,              # too long
    })
    assert response.status_code == 400
    page = response.content.decode()
    summary = page[page.index('id="error-summary"'):page.index("</div>",
                                                                 page.index('id="error-summary"'))]
    assert "Choose what you agree to." in summary
    assert 'href="#id_name_0"' in summary and "Give the name of this person." in summary
    assert 'href="#id_role_1"' in summary and "Choose the role of Karel Peeters." in summary
    assert 'href="#id_organisation_2"' in summary
    assert 'href="#id_purpose_0"' in summary  # a group of radios: its first one
    assert "Tick the box to confirm that you agree." in summary
    assert 'id="id_purpose_0"' in page  # the link's target exists


@pytest.mark.django_db
def test_a_consent_naming_no_one_is_refused_on_the_first_row(client, world, treated):
    client.force_login(world.participant)
    response = client.post(give_url(treated), {"purpose": "meeting", "agree": "on"})
    assert response.status_code == 400
    assert "Name at least one person." in response.content.decode()
    assert not treated.consents.exists()


@pytest.mark.django_db
def test_a_consent_the_service_refuses_is_shown_again_with_its_reason(client, world, treated):
    client.force_login(world.participant)
    response = client.post(give_url(treated), {
        "purpose": "transmission", "agree": "on",
        "role_0": "employer", "name_0": "Karel Peeters", "organisation_0": "AZ Journey"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "only to an occupational physician or a prevention advisor" in page
    assert 'value="Karel Peeters"' in page


# --- Withdrawing a consent ---------------------------------------------------------------------

@pytest.mark.django_db
def test_withdrawing_asks_for_confirmation_first(client, world, treated, consent):
    given = consent(treated)
    meeting = prepared(world, treated, given)
    client.force_login(world.participant)
    page = client.get(mine(treated)).content.decode()
    url = reverse("treatment:withdraw_consent", args=[treated.reference, given.pk])
    assert f'href="{url}"' in page  # a link to the question, not a button that withdraws
    response = client.get(url)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Withdraw this consent?" in text
    assert "Your BTP will be told by e-mail" in text
    assert "will be cancelled" in text and meeting.planned_date.strftime("%Y") in text
    given.refresh_from_db()
    assert given.is_active  # asking changes nothing


@pytest.mark.django_db
def test_withdrawing_cancels_the_planned_meeting_and_tells_the_btp_in_one_transaction(
        client, world, treated, consent, deliver, django_capture_on_commit_callbacks):
    given = consent(treated)
    meeting = prepared(world, treated, given)
    client.force_login(world.participant)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("treatment:withdraw_consent",
                                       args=[treated.reference, given.pk]))
    assert response.status_code == 302
    given.refresh_from_db()
    meeting.refresh_from_db()
    assert not given.is_active
    assert meeting.status == WorkplaceMeeting.Status.CANCELLED
    assert meeting.cancelled_by_withdrawal and meeting.cancelled_at
    message = OutboxMessage.objects.get(kind="consent_withdrawn")
    assert message.case == treated and message.payload["user"] == world.btp.user.pk
    assert "Jo Peeters" not in str(message.payload)  # no personal data in the payload
    deliver()
    sent = [m for m in mail.outbox if "withdrew a consent" in m.subject]
    assert len(sent) == 1 and sent[0].to == [world.btp.user.email]
    assert treated.reference in sent[0].subject
    assert "cancelled" in sent[0].body
    # The people named travel nowhere outside the portal.
    assert "Jo Peeters" not in sent[0].body and "An Smet" not in sent[0].body
    # The BTP's meeting page says why it was cancelled.
    client.force_login(world.btp.user)
    page = client.get(reverse("treatment:meeting", args=[treated.reference])).content.decode()
    assert "the participant withdrew their consent" in page


@pytest.mark.django_db
def test_withdrawing_twice_tells_the_btp_once(world, treated, consent):
    given = consent(treated)
    services.withdraw_consent(given, world.participant)
    services.withdraw_consent(given, world.participant)
    assert OutboxMessage.objects.filter(kind="consent_withdrawn").count() == 1


@pytest.mark.django_db
def test_a_withdrawal_that_fails_tells_no_one(world, treated, consent, monkeypatch):
    given = consent(treated)
    meeting = prepared(world, treated, given)

    def broken(*args, **kwargs):
        raise RuntimeError("the mail could not be recorded")

    monkeypatch.setattr("treatment.notifications.consent_withdrawn", broken)
    with pytest.raises(RuntimeError):
        services.withdraw_consent(given, world.participant)
    given.refresh_from_db()
    meeting.refresh_from_db()
    assert given.is_active and meeting.status == WorkplaceMeeting.Status.PLANNED


@pytest.mark.django_db
def test_withdrawing_a_consent_with_no_meeting_still_tells_the_btp(world, treated, consent):
    given = consent(treated, "transmission", [{"role": "occupational_physician",
                                               "name": "Dr X"}])
    services.withdraw_consent(given, world.participant)
    message = OutboxMessage.objects.get(kind="consent_withdrawn")
    assert message.payload["meeting"] is None


# --- The meeting's time and place --------------------------------------------------------------

@pytest.mark.django_db
def test_a_meeting_needs_a_time_and_a_place(world, treated, consent):
    from django.core.exceptions import ValidationError

    given = consent(treated)
    with pytest.raises(ValidationError) as refused:
        services.prepare_meeting(treated, world.btp.user, consent_id=given.pk,
                                 planned_date=NEXT_WEEK, planned_time=None, place="  ")
    assert set(refused.value.error_dict) == {"planned_time", "place"}
    assert not WorkplaceMeeting.objects.exists()


@pytest.mark.django_db
def test_the_meeting_page_asks_for_time_and_place_and_shows_them(client, world, treated,
                                                                 consent):
    given = consent(treated)
    client.force_login(world.btp.user)
    url = reverse("treatment:meeting", args=[treated.reference])
    refused = client.post(url, {"step": "prepare", "consent": str(given.pk),
                                "planned_date": NEXT_WEEK.isoformat(), "planned_time": "25:99",
                                "place": ""})
    assert refused.status_code == 400
    summary = refused.content.decode()
    assert 'href="#id_planned_time"' in summary and 'href="#id_place"' in summary
    done = client.post(url, {"step": "prepare", "consent": str(given.pk),
                             "planned_date": NEXT_WEEK.isoformat(), "planned_time": "14:30",
                             "place": "AZ Demo, meeting room 2"})
    assert done.status_code == 302
    meeting = selectors.current_meeting(treated)
    assert meeting.planned_time == datetime.time(14, 30)
    assert meeting.place == "AZ Demo, meeting room 2"
    assert "AZ Demo, meeting room 2" in client.get(url).content.decode()


@pytest.mark.django_db
def test_a_planned_meeting_shows_in_the_participants_sessions(client, world, treated, consent,
                                                              give):
    prepared(world, treated, consent(treated))
    give(treated, "work_related", status="planned", days=3)    # before the meeting
    give(treated, "follow_up", status="planned", days=10)      # after it
    client.force_login(world.participant)
    page = client.get(mine(treated)).content.decode()
    sessions = page[page.index('id="sessions-title"'):page.index('id="consents-title"')]
    assert "Multidisciplinary meeting at the workplace" in sessions
    assert "AZ Demo, meeting room 2" in sessions
    assert "14:30" in sessions
    assert "No session planned." not in sessions
    # In the order of their days.
    assert sessions.index("Work-related session") < sessions.index("meeting room 2") \
        < sessions.index("Follow-up session")


# --- Every error at once -----------------------------------------------------------------------

@pytest.mark.django_db
def test_the_final_report_says_its_field_errors_and_what_sending_needs_at_once(client, world,
                                                                               treated):
    client.force_login(world.btp.user)
    response = client.post(reverse("treatment:final_report", args=[treated.reference]), {
        "version": treated.version, "action": "submit",
        "work_status": "on_the_moon",             # not a choice: a field error
        "conclusion": "",                         # needed to send
    })
    assert response.status_code == 400
    page = response.content.decode()
    summary = page[page.index('id="error-summary"'):]
    assert "Select a valid choice" in summary
    assert 'href="#id_conclusion"' in summary and "Needed to send the final report." in summary
    assert "Say whether further care is needed." in summary
    # The field with its own error is not told twice.
    assert summary.count('href="#id_work_status_0"') == 1
    from treatment.models import FinalReport
    assert not FinalReport.objects.filter(case=treated).exists()


@pytest.mark.django_db
def test_the_plan_form_says_a_missing_reason_and_an_exceeded_cap_at_once(client, world,
                                                                         treated):
    client.force_login(world.btp.user)
    url = reverse("treatment:amend_plan", args=[treated.reference])
    response = client.post(url, {
        "version": treated.version, "reason": "",
        "planned_work_related": "9",              # cap 4
        "planned_starter_kit": "3", "isp_starter_kit": str(world.isp.pk),
        "planned_individual-cognitive_emotional": "5",
        "isp_individual-cognitive_emotional": str(world.isp.pk),
        "planned_follow_up": "x",                 # not a number
    })
    assert response.status_code == 400
    page = response.content.decode()
    summary = page[page.index('id="error-summary"'):]
    assert 'href="#id_reason"' in summary
    assert "at most 4 × “Work-related session”" in summary
    assert 'href="#id_planned_follow_up"' in summary
    assert 'value="9"' in page  # what was typed is kept


@pytest.mark.django_db
def test_a_row_without_its_isp_is_told_on_that_row(client, world, treated):
    client.force_login(world.btp.user)
    response = client.post(reverse("treatment:amend_plan", args=[treated.reference]), {
        "version": treated.version, "reason": "More bodily work",
        "planned_work_related": "3", "planned_starter_kit": "3",
        "isp_starter_kit": str(world.isp.pk),
        "planned_individual-cognitive_emotional": "5",
        "isp_individual-cognitive_emotional": str(world.isp.pk),
        "planned_individual-psycho_corporal": "2",      # no ISP chosen
        "planned_follow_up": "2",
    })
    assert response.status_code == 400
    form = response.context["request_form"]
    assert "Propose the ISP" in str(form.errors["isp_individual-psycho_corporal"])
    page = response.content.decode()
    assert 'href="#id_isp_individual-psycho_corporal"' in page


# --- Caps shown where they bind ----------------------------------------------------------------

@pytest.mark.django_db
def test_the_plan_form_shows_each_cap_on_its_row_and_the_shared_one_as_shared(client, world,
                                                                              treated):
    client.force_login(world.btp.user)
    page = client.get(reverse("treatment:amend_plan", args=[treated.reference])).content.decode()
    rows = {m.group(1): m.group(2) for m in re.finditer(
        r'<label for="id_planned_([\w-]+)">.*?</th>.*?<td class="cap"[^>]*>(.*?)</td>', page, re.S)}
    assert rows["work_related"].strip() == "4"
    assert "7 in all, shared with “Individual session — psycho-corporal”" in \
        rows["individual-cognitive_emotional"]
    assert "7 in all, shared with “Individual session — cognitive-emotional”" in \
        rows["individual-psycho_corporal"]
    assert "5 of 7 planned" in rows["individual-cognitive_emotional"]
    assert "not counted in the total" in rows["multidisciplinary_meeting"]
    assert "Maximum 7" not in page
    # The programme's total, with the two diagnosis sessions held counted in it.
    total = page[page.index('data-limit="total"'):]
    assert 'data-cap="20"' in total and 'data-held="2"' in total
    assert "<output>15</output>" in total  # 3 + 3 + 5 + 2 planned + 2 held
    assert "counting the 2 diagnosis sessions held" in total
    assert "js/session-lines.js" in page


@pytest.mark.django_db
def test_a_programme_with_its_own_treatment_limit_shows_it(client, world, treated):
    programme = treated.programme
    set_rules(programme, max_treatment_sessions=10)
    client.force_login(world.btp.user)
    page = client.get(reverse("treatment:amend_plan", args=[treated.reference])).content.decode()
    row = page[page.index('data-limit="treatment"'):]
    assert 'data-cap="10"' in row and "Treatment sessions in all" in row
    assert "<output>13</output>" in row and "over" in page[page.index('data-limit="treatment"')
                                                          - 40:page.index('data-limit="treatment"')]
    assert "Over the programme&#x27;s maximum" in row or "Over the programme's maximum" in row
