"""Nothing reaches the workplace without the participant's active consent for it."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from botp import consents, workflow
from botp.models import CaseState, Consent
from tests.factories import put_case_in
from tests.scenarios import confirm, in_diagnosis
from treatment import selectors, services
from treatment.models import DataTransmissionReport, WorkplaceMeeting

TODAY = datetime.date.today()
TRANSMISSION = Consent.Purpose.TRANSMISSION


def prepare(world, case, consent):
    return services.prepare_meeting(case, world.btp.user, consent_id=consent.pk,
                                    planned_date=TODAY, planned_time=datetime.time(14),
                                    place="Meeting room 2, AZ Journey")


def hold(world, case, roles=("occupational_physician",)):
    return services.record_meeting(case, world.btp.user, date=TODAY, duration_minutes=90,
                                   attended_roles=list(roles),
                                   adaptations="Fewer night shifts for three months.")


@pytest.mark.django_db
def test_a_consent_is_versioned_and_scoped(world, treated, consent):
    given = consent(treated)
    assert given.text_version == consents.CURRENT_VERSION
    assert given.given_by == world.participant and given.given_at
    assert given.covers("employer", "jo  peeters")
    assert not given.covers("prevention_advisor", "Jo Peeters")
    assert str(consents.text(given.purpose, given.text_version)).startswith("I agree")


@pytest.mark.django_db
@pytest.mark.parametrize("people, message", [
    ([], "Name at least one person"),
    ([{"role": "employer", "name": ""}], "Give the name"),
    ([{"role": "", "name": "Jo"}], "Choose the role"),
])
def test_a_consent_names_people(world, treated, consent, people, message):
    with pytest.raises(ValidationError, match=message):
        consents.give(treated, world.participant, purpose=Consent.Purpose.MEETING, people=people)
    assert not treated.consents.exists()


@pytest.mark.django_db
def test_a_transmission_consent_names_one_health_or_prevention_professional(world, treated):
    with pytest.raises(ValidationError, match="only to an occupational physician or a "
                                              "prevention advisor"):
        consents.give(treated, world.participant, purpose=TRANSMISSION,
                      people=[{"role": "employer", "name": "Boss"}])
    with pytest.raises(ValidationError, match="exactly one recipient"):
        consents.give(treated, world.participant, purpose=TRANSMISSION,
                      people=[{"role": "occupational_physician", "name": "A"},
                       {"role": "prevention_advisor", "name": "B"}])


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["btp", "admin", "psychologist", "other_participant"])
def test_only_the_participant_gives_consent(world, treated, who):
    user = world.user(who)
    with pytest.raises(workflow.TransitionForbidden):
        consents.give(treated, user, purpose=Consent.Purpose.MEETING,
                      people=[{"role": "employer", "name": "Boss"}])


# --- The meeting -------------------------------------------------------------------------------

@pytest.mark.django_db
def test_no_meeting_without_consent(world, treated):
    with pytest.raises(ValidationError, match="no active consent"):
        services.prepare_meeting(treated, world.btp.user, consent_id=0, planned_date=TODAY,
                                 planned_time=datetime.time(14), place="Room 2")
    assert not WorkplaceMeeting.objects.exists()


@pytest.mark.django_db
def test_a_transmission_consent_does_not_open_a_meeting(world, treated, consent):
    other = consent(treated, TRANSMISSION, [{"role": "occupational_physician", "name": "Dr X"}])
    with pytest.raises(ValidationError, match="no active consent"):
        prepare(world, treated, other)


@pytest.mark.django_db
def test_with_consent_the_meeting_is_prepared_and_recorded_once(world, treated, consent):
    given = consent(treated)
    meeting = prepare(world, treated, given)
    with pytest.raises(ValidationError, match="already has its workplace meeting"):
        prepare(world, treated, given)
    meeting = hold(world, treated, roles=["occupational_physician", "employer"])
    assert meeting.status == WorkplaceMeeting.Status.HELD
    assert meeting.session.session_type.code == "multidisciplinary_meeting"
    assert meeting.attended_roles == ["occupational_physician", "employer"]
    # The meeting does not count toward the 20 sessions.
    assert selectors.sessions_delivered(treated) == {"diagnosis": 2,
                                                    "multidisciplinary_meeting": 1}


@pytest.mark.django_db
def test_only_named_roles_may_attend(world, treated, consent):
    prepare(world, treated, consent(treated))
    with pytest.raises(ValidationError, match="does not name: Worker representative"):
        hold(world, treated, roles=["worker_representative"])
    assert selectors.current_meeting(treated).status == WorkplaceMeeting.Status.PLANNED


@pytest.mark.django_db
def test_a_withdrawn_consent_stops_the_meeting(world, treated, consent):
    given = consent(treated)
    prepare(world, treated, given)
    consents.withdraw(given, world.participant)
    with pytest.raises(ValidationError, match="no active consent"):
        hold(world, treated)
    assert not treated.sessions.filter(session_type__code="multidisciplinary_meeting").exists()
    services.cancel_meeting(treated, world.btp.user)
    # With a new consent, a new meeting can be prepared.
    prepare(world, treated, consent(treated))


@pytest.mark.django_db
def test_withdrawing_is_recorded_and_harmless_twice(world, treated, consent):
    given = consent(treated)
    first = consents.withdraw(given, world.participant).withdrawn_at
    assert consents.withdraw(given, world.participant).withdrawn_at == first
    assert treated.audit_entries.filter(what="consent withdrawn: meeting").count() == 1


@pytest.mark.django_db
def test_a_consent_can_be_withdrawn_after_the_case_ended(world, treated, consent):
    given = consent(treated)
    put_case_in(treated, CaseState.COMPLETED)
    assert consents.withdraw(given, world.participant).withdrawn_at is not None
    with pytest.raises(workflow.TransitionError):
        consent(treated)


# --- Data transmission reports -----------------------------------------------------------------

def transmit(world, case, consent):
    return services.write_transmission_report(
        case, world.btp.user, consent_id=consent.pk, language="nl",
        purpose="Adapted return to work",
        content="Part-time for six weeks; no night shifts.")


@pytest.mark.django_db
def test_a_report_goes_to_the_recipient_the_consent_names(world, treated, consent):
    given = consent(treated, TRANSMISSION,
                    [{"role": "prevention_advisor", "name": "Mia Claes",
                      "organisation": "IDEWE"}])
    report = transmit(world, treated, given)
    assert (report.recipient_role, report.recipient_name, report.recipient_organisation) == (
        "prevention_advisor", "Mia Claes", "IDEWE")
    with pytest.raises(PermissionError):
        report.save()


@pytest.mark.django_db
def test_no_report_without_consent(world, treated):
    with pytest.raises(ValidationError, match="no active consent"):
        services.write_transmission_report(treated, world.btp.user, consent_id=0, language="nl",
                                           purpose="x", content="y")


@pytest.mark.django_db
def test_no_report_under_a_withdrawn_consent(world, treated, consent):
    given = consent(treated, TRANSMISSION, [{"role": "occupational_physician", "name": "Dr X"}])
    consents.withdraw(given, world.participant)
    with pytest.raises(ValidationError, match="no active consent"):
        transmit(world, treated, given)
    assert not DataTransmissionReport.objects.exists()


@pytest.mark.django_db
def test_a_meeting_consent_is_not_a_transmission_consent(world, treated, consent):
    meeting_consent = consent(treated)  # names an occupational physician, for a meeting
    with pytest.raises(ValidationError, match="no active consent"):
        transmit(world, treated, meeting_consent)


@pytest.mark.django_db
def test_another_cases_consent_does_not_count(world, treated, consent):
    other = confirm(world, in_diagnosis(world))
    given = consent(other, TRANSMISSION, [{"role": "occupational_physician", "name": "Dr X"}])
    with pytest.raises(ValidationError, match="no active consent"):
        transmit(world, treated, given)


@pytest.mark.django_db
def test_the_report_needs_purpose_and_content(world, treated, consent):
    given = consent(treated, TRANSMISSION, [{"role": "occupational_physician", "name": "Dr X"}])
    with pytest.raises(ValidationError) as refused:
        services.write_transmission_report(treated, world.btp.user, consent_id=given.pk,
                                           language="es", purpose=" ", content="")
    assert set(refused.value.error_dict) == {"language", "purpose", "content"}
    assert not DataTransmissionReport.objects.exists()


# --- The same through the pages ----------------------------------------------------------------

@pytest.mark.django_db
def test_the_meeting_pages_prepare_and_record(client, world, treated, consent):
    from django.urls import reverse

    url = reverse("treatment:meeting", args=[treated.reference])
    client.force_login(world.btp.user)
    assert "has not given (or has withdrawn) consent" in client.get(url).content.decode()
    refused = client.post(url, {"step": "prepare", "consent": "1",
                                "planned_date": TODAY.isoformat()})
    assert refused.status_code == 400 and not WorkplaceMeeting.objects.exists()

    given = consent(treated)
    response = client.post(url, {"step": "prepare", "consent": str(given.pk),
                                 "planned_date": TODAY.isoformat(), "planned_time": "14:00",
                                 "place": "Room 2"})
    assert response.status_code == 302
    response = client.post(url, {"step": "record", "date": TODAY.isoformat(),
                                 "duration_minutes": "90",
                                 "attended_roles": ["worker_representative"],
                                 "adaptations": "Fewer shifts"})
    assert response.status_code == 400
    assert "does not name: Worker representative" in response.content.decode()
    response = client.post(url, {"step": "record", "date": TODAY.isoformat(),
                                 "duration_minutes": "90", "attended_roles": ["employer"],
                                 "adaptations": "Fewer shifts"})
    assert response.status_code == 302
    assert selectors.current_meeting(treated).status == WorkplaceMeeting.Status.HELD
    # The final report starts from what was agreed.
    final = client.get(reverse("treatment:final_report", args=[treated.reference]))
    assert "Fewer shifts" in final.content.decode()


@pytest.mark.django_db
def test_the_transmission_page_writes_under_consent_only(client, world, treated, consent):
    from django.urls import reverse

    url = reverse("treatment:transmissions", args=[treated.reference])
    client.force_login(world.btp.user)
    assert "has not given consent" in client.get(url).content.decode()
    given = consent(treated, TRANSMISSION, [{"role": "prevention_advisor", "name": "Mia"}])
    # The recipient's language is asked, starting from the participant's.
    form = client.get(url).context["form"]
    assert form["language"].value() == treated.participant.language
    response = client.post(url, {"consent": str(given.pk), "language": "fr",
                                 "purpose": "Return", "content": "Part-time"})
    assert response.status_code == 302
    report = DataTransmissionReport.objects.get()
    assert (report.recipient_name, report.language) == ("Mia", "fr")
    consents.withdraw(given, world.participant)
    response = client.post(url, {"consent": str(given.pk), "language": "nl",
                                 "purpose": "Again", "content": "More"})
    assert response.status_code == 400
    assert DataTransmissionReport.objects.count() == 1
