"""The programme's forms as PDF: rendered after the submission commits, in the reader's
language, with reference, date, version and the secrecy marking; kept per version with their
hash; downloaded only by those who may read them."""

import hashlib

import pytest
from cryptography.fernet import InvalidToken
from django.urls import reverse
from django.utils import timezone

from botp import documents, outbox
from botp.models import Consent, Document, OutboxMessage
from diagnosis import services as diagnosis
from tests.factories import set_rules
from tests.scenarios import DEFAULT_PLAN, complete_values, lines_for, post_new
from treatment import services as treatment


def only(case, kind):
    return Document.objects.get(case=case, kind=kind)


def flat(text):
    return " ".join(text.split())


@pytest.mark.django_db
def test_the_screening_request_and_the_approval_letter(
        referrer_client, form_data, world, pdf_text, django_capture_on_commit_callbacks):
    from intake import services
    from intake.models import ScreeningRequest

    with django_capture_on_commit_callbacks(execute=True):
        post_new(referrer_client, form_data(language="fr"))
    screening = ScreeningRequest.objects.get()
    case = screening.case
    request_pdf = only(case, "screening_request")
    assert request_pdf.status == "rendered" and request_pdf.language == "en"  # the referrer's
    text = flat(pdf_text(request_pdf))
    for expected in ("Screening request", case.reference, "Eva Peeters", "AZ Demo", "Nurse",
                     "Confidential — professional secrecy", "Page 1 / ", "Version 1"):
        assert expected in text, expected
    assert screening.niss not in text  # masked
    assert "Fatigue" not in text  # the referral signals stay in the portal

    with django_capture_on_commit_callbacks(execute=True):
        services.decide(screening, world.admin, decision="approve")
    letter = flat(pdf_text(only(case, "eligibility_decision")))
    # The worker chose French.
    assert "Votre demande est approuvée" in letter and "Confidentiel" in letter
    # Signed by the administrator who decided, and the request is signed by its referrer.
    assert world.admin.get_full_name() in letter and "Gestion du programme, Fedris" in letter
    assert world.referrer.get_full_name() in text


@pytest.mark.django_db
def test_the_approval_letter_states_the_programmes_own_maximum_duration(
        referrer_client, form_data, world, programmes, pdf_text,
        django_capture_on_commit_callbacks):
    from intake import services
    from intake.models import ScreeningRequest

    set_rules(programmes["botp"], max_duration_months=24)
    with django_capture_on_commit_callbacks(execute=True):
        post_new(referrer_client, form_data(language="en"))
    screening = ScreeningRequest.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.decide(screening, world.admin, decision="approve")
    letter = flat(pdf_text(only(screening.case, "eligibility_decision")))
    assert "The programme lasts at most 24 months" in letter


@pytest.mark.django_db
def test_the_not_eligible_letter_gives_the_reason_and_the_referral(
        referrer_client, form_data, world, programmes, pdf_text,
        django_capture_on_commit_callbacks):
    from intake import services
    from intake.models import ScreeningRequest

    federal = programmes["fa-botp"].eligible_sectors.get().pk
    post_new(referrer_client, form_data(programme=programmes["fa-botp"].pk, language="nl",
                                        sector_choice=str(federal)))
    screening = ScreeningRequest.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        services.decide(screening, world.admin, decision="not_eligible", reason_code="sector",
                        reason_text="Statutair personeel van een gemeente.")
    text = flat(pdf_text(only(screening.case, "eligibility_decision")))
    assert "Statutair personeel van een gemeente." in text
    assert "Empreva" in text


@pytest.mark.django_db
def test_each_diagnosis_report_version_is_its_own_document(
        world, diagnosis_case, submitted, pdf_text, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = submitted()
    v1 = Document.objects.get(kind="diagnosis_report", version=1)
    text = flat(pdf_text(v1))
    for expected in ("Diagnosis report and treatment request", diagnosis_case.reference,
                     "Nurse, fatigue since a reorganisation.", "Understaffing.", "4.10",
                     "Work-related session", "cognitive-emotional", str(world.isp)):
        assert expected in text, expected
    assert hashlib.sha256(documents.read(v1)).hexdigest() == v1.sha256

    diagnosis_case.refresh_from_db()
    diagnosis.decide(diagnosis_case, world.psychologist,
                     decision=diagnosis.Decision.MORE_INFORMATION, comment="Sleep?")
    diagnosis_case.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        diagnosis.save_report(diagnosis_case, world.btp.user,
                              values=complete_values(physical_symptoms="Wakes at 4.",
                                                     answer="See the physical symptoms."),
                              lines=lines_for(diagnosis_case, world.isp, **DEFAULT_PLAN),
                              submit=True)
    versions = Document.objects.filter(kind="diagnosis_report").order_by("version")
    assert [d.version for d in versions] == [1, 2]
    assert versions[0].sha256 == v1.sha256 and versions[1].sha256 != v1.sha256
    assert "Wakes at 4." in pdf_text(versions[1]) and "Wakes at 4." not in pdf_text(versions[0])
    assert first.version == 1


@pytest.mark.django_db
@pytest.mark.parametrize("decision, heading", [
    (diagnosis.Decision.CONFIRM, "Your treatment can start"),
    (diagnosis.Decision.NOT_CONFIRM, "Fedris' decision on your diagnosis"),
])
def test_the_decision_letter_gives_the_decision_not_the_reasons(
        world, diagnosis_case, submitted, pdf_text, django_capture_on_commit_callbacks,
        decision, heading):
    from botp.models import Participant

    Participant.objects.filter(pk=diagnosis_case.participant_id).update(language="en")
    submitted()
    diagnosis_case.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        diagnosis.decide(diagnosis_case, world.psychologist, decision=decision,
                         comment="Anhedonia points to a depressive episode.")
    text = flat(pdf_text(only(diagnosis_case, "decision_letter")))
    assert heading in text
    assert "Anhedonia" not in text  # the reasons are the BTP's to explain, in the debrief
    assert ("Individual session" in text) == (decision == diagnosis.Decision.CONFIRM)


@pytest.mark.django_db
def test_no_letter_when_fedris_asks_for_more(world, diagnosis_case, submitted):
    submitted()
    diagnosis_case.refresh_from_db()
    diagnosis.decide(diagnosis_case, world.psychologist,
                     decision=diagnosis.Decision.MORE_INFORMATION, comment="More please")
    assert not Document.objects.filter(kind="decision_letter").exists()


@pytest.mark.django_db
def test_the_transmission_and_final_reports(world, treated, give, consent, pdf_text,
                                            django_capture_on_commit_callbacks):
    given = consent(treated, Consent.Purpose.TRANSMISSION,
                    [{"role": "occupational_physician", "name": "Dr. Lieve Wouters",
                      "organisation": "IDEWE"}])
    with django_capture_on_commit_callbacks(execute=True):
        treatment.write_transmission_report(treated, world.btp.user, consent_id=given.pk,
                                            language="fr", purpose="Return to work",
                                            content="Part-time for six weeks.")
    # In the language chosen for the recipient, whatever the participant's.
    assert treated.participant.language != "fr"
    text = flat(pdf_text(only(treated, "transmission_report")))
    for expected in ("Rapport de transmission de données", "Dr. Lieve Wouters", "IDEWE",
                     "Part-time for six weeks.", "Return to work"):
        assert expected in text, expected

    give(treated, "work_related")
    with django_capture_on_commit_callbacks(execute=True):
        treatment.save_final_report(treated, world.btp.user, values={
            "work_status": "working_partly", "outcome": "improved",
            "conclusion": "Energy restored.", "further_care": False}, submit=True)
    text = flat(pdf_text(only(treated, "final_report")))
    for expected in ("Final report", "Working partly", "Improved", "Energy restored.",
                     "Work-related session"):
        assert expected in text, expected


@pytest.mark.django_db
def test_the_stored_file_is_encrypted_and_downloads_as_the_pdf(client, world, diagnosis_case,
                                                              submitted, pdf_text, settings,
                                                              django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submitted()
    document = only(diagnosis_case, "diagnosis_report")
    with document.file.open("rb") as stored:
        on_disk = stored.read()
    pdf = documents.read(document)
    assert pdf.startswith(b"%PDF") and not on_disk.startswith(b"%PDF")
    assert diagnosis_case.reference.encode() not in on_disk
    assert hashlib.sha256(pdf).hexdigest() == document.sha256 and document.size == len(pdf)
    client.force_login(world.psychologist)
    response = client.get(reverse("document", args=[document.pk]))
    assert b"".join(response.streaming_content) == pdf
    # Without the deployment's key, the file is useless.
    settings.PERSONAL_DATA_KEY = "another-deployments-personal-data-key"
    with pytest.raises(InvalidToken):
        documents.read(document)


@pytest.mark.django_db
def test_a_file_stored_before_encryption_still_downloads(client, world, every_document):
    from django.core.files.base import ContentFile

    report = every_document["diagnosis_report"]
    report.file.save(report.filename, ContentFile(b"%PDF-1.7 kept in clear"))
    client.force_login(world.psychologist)
    response = client.get(reverse("document", args=[report.pk]))
    assert b"".join(response.streaming_content) == b"%PDF-1.7 kept in clear"


@pytest.mark.django_db
def test_issuing_the_same_version_twice_makes_one_document(world, diagnosis_case, submitted):
    report = submitted()
    first = documents.issue(diagnosis_case, "diagnosis_report", report.pk, version=1)
    again = documents.issue(diagnosis_case, "diagnosis_report", report.pk, version=1)
    assert first.pk == again.pk and Document.objects.count() == 1


# --- A failed render --------------------------------------------------------------------------

@pytest.mark.django_db
def test_a_failed_render_is_kept_retried_and_loses_nothing(world, diagnosis_case, submitted,
                                                          monkeypatch, client):
    report = submitted()
    document = only(diagnosis_case, "diagnosis_report")
    assert document.status == "pending"  # the commit has not happened in this test
    message = OutboxMessage.objects.get(key=f"document:{document.pk}")

    def broken(doc):
        raise OSError("disk full")

    monkeypatch.setattr(documents, "render", broken)
    outbox.deliver([message.pk])
    document.refresh_from_db()
    message.refresh_from_db()
    assert document.status == "pending"
    assert (message.status, message.attempts, message.last_error) == (
        "retrying", 1, "OSError: disk full")
    report.refresh_from_db()
    assert report.is_submitted  # the submission stands
    client.force_login(world.psychologist)
    page = client.get(reverse("case_detail", args=[diagnosis_case.reference])).content.decode()
    assert "disk full" in page and "being prepared" in page

    monkeypatch.undo()
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    outbox.deliver_due()
    document.refresh_from_db()
    message.refresh_from_db()
    assert document.status == "rendered" and document.sha256 and message.status == "sent"


@pytest.mark.django_db
def test_the_sweep_picks_up_documents_whose_kick_was_lost(world, diagnosis_case, submitted):
    from botp.tasks import sweep_outbox

    submitted()  # committed, but no worker was told (the broker was down)
    document = only(diagnosis_case, "diagnosis_report")
    sweep_outbox()
    document.refresh_from_db()
    assert document.status == "rendered"


# --- Downloads ---------------------------------------------------------------------------------

# role -> kinds of document it may download (on a case where it holds its relation)
MAY_DOWNLOAD = {
    "psychologist": {"screening_request", "eligibility_decision", "diagnosis_report",
                     "decision_letter", "transmission_report", "final_report"},
    "btp": {"screening_request", "diagnosis_report", "decision_letter", "transmission_report",
            "final_report"},
    "admin": {"screening_request", "eligibility_decision"},
    "participant": {"screening_request", "eligibility_decision", "decision_letter",
                    "transmission_report"},
    "referrer": {"screening_request"},
    "isp": set(),
    "researcher": set(),
    "other_btp": set(),
    "other_participant": set(),
}


@pytest.fixture
def every_document(world, treated):
    """One rendered-looking document of each kind on a case in treatment."""
    treated.isps.add(world.isp)
    made = {}
    for kind in MAY_DOWNLOAD["psychologist"]:
        document = Document.objects.create(case=treated, kind=kind, source_id=10_000,
                                           language="en",
                                           status="rendered")
        documents.store(document, b"%PDF-1.7 " + kind.encode())
        document.save()
        made[kind] = document
    return made


@pytest.mark.django_db
@pytest.mark.parametrize("role", sorted(MAY_DOWNLOAD))
def test_who_downloads_which_document(client, world, every_document, role):
    client.force_login(world.user(role))
    for kind, document in every_document.items():
        response = client.get(reverse("document", args=[document.pk]))
        allowed = kind in MAY_DOWNLOAD[role]
        # Denied reads as not found, for every role, even on a case the user can see.
        assert response.status_code == (200 if allowed else 404), (role, kind)
        if allowed:
            assert response["Content-Type"] == "application/pdf"
            assert b"".join(response.streaming_content).endswith(kind.encode())


@pytest.mark.django_db
def test_a_download_is_audited_and_a_pending_document_is_not_served(client, world,
                                                                    every_document):
    client.force_login(world.psychologist)
    report = every_document["diagnosis_report"]
    client.get(reverse("document", args=[report.pk]))
    assert report.case.audit_entries.filter(actor=world.psychologist, kind="download",
                                            what="document diagnosis_report v1").exists()
    Document.objects.filter(pk=report.pk).update(status="pending")
    assert client.get(reverse("document", args=[report.pk])).status_code == 404


@pytest.mark.django_db
def test_the_case_page_lists_only_the_documents_the_user_may_open(client, world,
                                                                  every_document):
    case = every_document["final_report"].case
    client.force_login(world.admin)
    page = client.get(reverse("case_detail", args=[case.reference])).content.decode()
    assert "Screening request" in page and "Final report" not in page
    assert reverse("document", args=[every_document["final_report"].pk]) not in page


def test_every_kind_has_an_access_rule():
    from botp.models import DocumentKind
    from botp.policy import DOCUMENT_ACTIONS

    assert set(DOCUMENT_ACTIONS) == set(DocumentKind.values)


@pytest.mark.django_db
def test_rendering_needs_a_registered_kind(world, treated):
    with pytest.raises(KeyError):
        documents.issue(treated, "invoice", 1)
    assert not Document.objects.filter(kind="invoice").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("language, letterhead, signs", [
    ("fr", "Agence fédérale des risques professionnels", "Psychologue, Fedris"),
    ("nl", "Federaal agentschap voor beroepsrisico's", "Psycholoog, Fedris"),
    ("de", "Föderalagentur für Berufsrisiken", "Psychologe, Fedris"),
    ("en", "Federal Agency for Occupational Risks", "Psychologist, Fedris")])
def test_a_letter_has_fedris_letterhead_and_is_signed_by_the_psychologist(
        world, diagnosis_case, submitted, pdf_text, django_capture_on_commit_callbacks,
        language, letterhead, signs):
    from botp.models import Participant

    Participant.objects.filter(pk=diagnosis_case.participant_id).update(language=language)
    submitted()
    diagnosis_case.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        diagnosis.decide(diagnosis_case, world.psychologist, decision=diagnosis.Decision.CONFIRM)
    text = flat(pdf_text(only(diagnosis_case, "decision_letter")))
    assert letterhead in text and "burnout@fedris.be" in text
    assert world.psychologist.get_full_name() in text and signs in text


@pytest.mark.django_db
def test_a_report_is_signed_by_its_author_with_their_profession(
        world, diagnosis_case, submitted, pdf_text, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submitted()
    text = flat(pdf_text(only(diagnosis_case, "diagnosis_report")))
    btp = diagnosis_case.btp
    assert btp.user.get_full_name() in text and btp.get_profession_display() in text


@pytest.mark.django_db
@pytest.mark.parametrize("language, name", [
    ("fr", "-lettre-de-decision-sur-le-diagnostic-v1.pdf"),
    ("nl", "-brief-met-de-beslissing-over-de-diagnose-v1.pdf"),
    ("de", "-entscheidungsschreiben-zur-diagnose-v1.pdf"),
    ("en", "-diagnosis-decision-letter-v1.pdf")])
def test_a_download_is_named_in_the_readers_language(client, world, every_document, language,
                                                     name):
    document = every_document["decision_letter"]
    client.force_login(world.psychologist)
    client.cookies["django_language"] = language
    response = client.get(reverse("document", args=[document.pk]))
    assert response.status_code == 200
    assert f'filename="{document.case.reference}{name}"' in response["Content-Disposition"]


@pytest.mark.django_db
def test_a_revised_report_holds_the_question_the_answer_and_each_scores_band(
        world, diagnosis_case, submitted, pdf_text, django_capture_on_commit_callbacks):
    from tests.diagnosis.test_clarification import ask, resend

    with django_capture_on_commit_callbacks(execute=True):
        submitted()
    ask(world, diagnosis_case, "Were depressive symptoms excluded?")
    with django_capture_on_commit_callbacks(execute=True):
        resend(world, diagnosis_case, answer="Yes: no anhedonia, no early waking.")
    version_2 = Document.objects.get(case=diagnosis_case, kind="diagnosis_report", version=2)
    text = flat(pdf_text(version_2))
    assert "Were depressive symptoms excluded?" in text
    assert "Yes: no anhedonia, no early waking." in text
    assert "Very high risk of burnout" in text  # BAT total 3.40
    version_1 = flat(pdf_text(Document.objects.get(case=diagnosis_case, kind="diagnosis_report",
                                                   version=1)))
    assert "Were depressive symptoms excluded?" not in version_1
