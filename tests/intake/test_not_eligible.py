"""A request Fedris finds not eligible: the reason category the administrator must give, the
worker's letter (in the request's language, attached to an e-mail that asks no log-in), the
referral options of the programme, and what the referrer sees and is told."""

import re
import shutil
import smtplib
import subprocess

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from botp import documents, outbox
from botp.models import CaseEvent, CaseState, Document, OutboxMessage, Participant
from intake import refusal, services
from intake.models import ScreeningRequest
from tests.environment import require_service
from tests.scenarios import post_new

pytestmark = pytest.mark.django_db

WORKER = "eva.peeters@example.org"
# Health data the referrer typed: it must never leave the portal in a message about the refusal.
SIGNAL_TEXT = "Wakes at four, cries before the night shift"
NOTE = "Your employer is a municipality, whose statutory staff the programme does not cover."
FA_OPTIONS = {
    "en": ["Empreva, an internal service of the federal administration",
           "Lumen, an internal service of the federal administration",
           "Talent+, an internal service of the federal administration",
           "An external psychologist of your choice"],
    "nl": ["Empreva, interne dienst van de federale overheid",
           "Lumen, interne dienst van de federale overheid",
           "Talent+, interne dienst van de federale overheid",
           "Een externe psycholoog naar keuze"],
    "fr": ["Empreva, service interne de l'administration fédérale",
           "Lumen, service interne de l'administration fédérale",
           "Talent+, service interne de l'administration fédérale",
           "Un psychologue externe de votre choix"],
}


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def submit(referrer_client, form_data):
    def make(**overrides):
        post_new(referrer_client, form_data(signals_other=SIGNAL_TEXT, **overrides))
        return ScreeningRequest.objects.latest("pk")

    return make


@pytest.fixture
def refuse(world, django_capture_on_commit_callbacks):
    """Declare ``screening`` not eligible and deliver what the decision recorded."""
    def run(screening, reason_code="sector", reason_text=""):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            event = services.decide(screening, world.admin, decision="not_eligible",
                                    reason_code=reason_code, reason_text=reason_text)
        return event

    return run


def pdf_text(data):
    require_service(shutil.which("pdftotext"), "needs poppler-utils (pdftotext)")
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True,
                          check=True).stdout.decode()
    return " ".join(text.split())


def to_worker(address=WORKER):
    [message] = [m for m in mail.outbox if address in m.to]
    return message


def to_referrer(world):
    [message] = [m for m in mail.outbox if world.referrer.email in m.to]
    return message


def letter_of(screening):
    return Document.objects.get(case=screening.case, kind="eligibility_decision")


# --- The reason is required ---------------------------------------------------------------------


def test_refusing_without_a_category_changes_nothing(submit, world):
    screening = submit()
    for code in ("", "not_a_category"):
        with pytest.raises(ValidationError) as refused:
            services.decide(screening, world.admin, decision="not_eligible", reason_code=code,
                            reason_text="Some words")
        assert "reason_code" in refused.value.error_dict
    screening.case.refresh_from_db()
    assert screening.case.state == CaseState.REQUESTED
    assert not CaseEvent.objects.filter(action="declare_ineligible").exists()
    assert not OutboxMessage.objects.filter(kind__startswith="ineligible").exists()


def test_the_other_category_needs_an_explanation_for_the_letter(submit, world):
    screening = submit()
    with pytest.raises(ValidationError) as refused:
        services.decide(screening, world.admin, decision="not_eligible", reason_code="other")
    assert "reason_text" in refused.value.error_dict
    # The transition it was checked after is undone with everything it recorded.
    screening.case.refresh_from_db()
    assert screening.case.state == CaseState.REQUESTED and screening.case.version == 1
    assert not CaseEvent.objects.filter(action="declare_ineligible").exists()
    assert not Document.objects.filter(kind="eligibility_decision").exists()
    assert not OutboxMessage.objects.filter(kind__startswith="ineligible").exists()
    services.decide(screening, world.admin, decision="not_eligible", reason_code="other",
                    reason_text=NOTE)
    screening.case.refresh_from_db()
    assert screening.case.state == CaseState.INELIGIBLE


def test_the_review_page_says_at_the_top_that_a_reason_is_missing_and_keeps_the_choice(
        submit, world, client):
    screening = submit()
    client.force_login(world.admin)
    url = reverse("intake:review", args=[screening.pk])
    response = client.post(url, {"decision": "not_eligible", "reason_text": NOTE,
                                 "version": screening.case.version})
    assert response.status_code == 400
    page = response.content.decode()
    summary = page[page.index('id="error-summary"'):]
    assert summary.index("Choose the reason why the request is not eligible") < summary.index(
        "<form")
    assert re.search(r'<input[^>]*value="not_eligible"[^>]*checked', page)
    assert NOTE in page  # what was typed is kept
    screening.case.refresh_from_db()
    assert screening.case.state == CaseState.REQUESTED

    response = client.post(url, {"decision": "not_eligible", "reason_code": "sector",
                                 "reason_text": NOTE, "version": screening.case.version})
    assert response.status_code == 302
    screening.case.refresh_from_db()
    assert screening.case.state == CaseState.INELIGIBLE
    event = CaseEvent.objects.get(action="declare_ineligible")
    assert (event.payload["reason_code"], event.payload["reason"]) == ("sector", NOTE)


# --- The worker's letter ------------------------------------------------------------------------


@pytest.mark.parametrize("language, heading, programme", [
    ("nl", "Uw aanvraag komt niet in aanmerking", "Burn-out behandelprogramma (Fedris)"),
    ("fr", "Votre demande n'est pas éligible", "Programme de traitement du burnout (Fedris)"),
    ("en", "Your request is not eligible", "Burnout Treatment Programme (Fedris)"),
])
def test_the_letter_is_in_the_requests_language(submit, refuse, language, heading, programme):
    screening = submit(language=language)
    # The worker's record says otherwise (an earlier request): this request's language wins.
    Participant.objects.filter(pk=screening.case.participant_id).update(
        language="en" if language != "en" else "nl")
    refuse(screening, "sick_leave")
    letter = letter_of(screening)
    assert letter.language == language and letter.status == "rendered"
    text = pdf_text(documents.read(letter))
    assert heading in text and programme in text
    message = to_worker()
    [(filename, content, mimetype)] = message.attachments
    assert (filename, mimetype) == (documents.attachment_name(letter), "application/pdf")
    assert content == documents.read(letter)


def test_the_letter_states_the_decision_the_category_in_plain_words_and_whom_to_turn_to(
        submit, refuse):
    screening = submit(language="en")
    refuse(screening, "sick_leave", NOTE)
    text = pdf_text(documents.read(letter_of(screening)))
    for expected in ("Your request is not eligible",
                     "does not meet the conditions of the Burnout Treatment Programme",
                     "On sick leave for longer than the programme allows",
                     "on sick leave for at most 60 days", NOTE,
                     "Turn to your general practitioner or to your occupational physician",
                     "you do not need an account"):
        assert expected in text, expected
    assert "Empreva" not in text  # the Fedris BOTP lists no referral options
    assert SIGNAL_TEXT not in text


@pytest.mark.parametrize("language", ["nl", "fr", "en"])
def test_the_letter_lists_the_programmes_referral_options(submit, refuse, programmes,
                                                          language):
    screening = submit(programme=programmes["fa-botp"].pk, language=language)
    refuse(screening, "sector")
    text = pdf_text(documents.read(letter_of(screening)))
    for option in FA_OPTIONS[language]:
        assert option in text, option
    body = to_worker().body
    assert all(f"- {option}" in body for option in FA_OPTIONS[language])


def test_a_programme_with_options_edited_in_the_back_office_lists_those(submit, refuse,
                                                                         programmes):
    fa = programmes["fa-botp"]
    fa.non_eligible_referral_en = "Dienst X\n\n- Psychologist Y\n"
    fa.save()
    screening = submit(programme=fa.pk, language="en")
    refuse(screening, "duplicate")
    text = pdf_text(documents.read(letter_of(screening)))
    assert "Dienst X" in text and "Psychologist Y" in text and "Empreva" not in text
    assert "already taking part in the programme or have already followed it" in text


# --- The worker's e-mail ------------------------------------------------------------------------


def test_the_worker_is_not_asked_to_log_in_and_reads_no_clinical_content(submit, refuse):
    screening = submit(language="en")
    refuse(screening, "not_early_stage", NOTE)
    message = to_worker()
    text = message.subject + message.body
    assert screening.case.reference in message.subject
    assert "cannot be accepted" in message.subject
    assert "attached letter gives the reason" in message.body
    assert "http" not in text and "log in" not in text.lower()  # they have no account
    assert "you do not need an account" in message.body
    for secret in (SIGNAL_TEXT, NOTE, "burn", "Burnout Treatment Programme", "early-stage",
                   "Peeters", "Fatigue"):
        assert secret.lower() not in text.lower(), secret
    # Only the letter e-mail: no "there is news, log in" besides it.
    assert len([m for m in mail.outbox if WORKER in m.to]) == 1


def test_one_letter_per_decision_however_often_its_delivery_is_tried(
        submit, world, monkeypatch, django_capture_on_commit_callbacks):
    screening = submit(language="en")
    real_send = outbox.Mailer.send
    attempts = []

    def flaky(self, email):
        attempts.append(email.to)
        if WORKER in email.to and len([a for a in attempts if WORKER in a]) == 1:
            raise smtplib.SMTPServerDisconnected("relay went away")
        real_send(self, email)

    monkeypatch.setattr(outbox.Mailer, "send", flaky)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        event = services.decide(screening, world.admin, decision="not_eligible",
                                reason_code="sector")
    letter_message = OutboxMessage.objects.get(key=f"ineligible_letter:{event.pk}")
    assert letter_message.status == "retrying"
    assert not [m for m in mail.outbox if WORKER in m.to]
    # The decision recorded again (a retried request, a second worker): still one of each.
    with django_capture_on_commit_callbacks(execute=True):
        refusal.announce(event, documents.issue(screening.case, "eligibility_decision",
                                                event.pk))
    OutboxMessage.objects.filter(pk=letter_message.pk).update(next_attempt_at=timezone.now())
    outbox.deliver_due()
    outbox.deliver_due()
    letter_message.refresh_from_db()
    assert letter_message.status == "sent" and letter_message.attempts == 2
    assert len([m for m in mail.outbox if WORKER in m.to]) == 1
    assert len(to_worker().attachments) == 1
    assert Document.objects.filter(case=screening.case, kind="eligibility_decision").count() == 1
    assert OutboxMessage.objects.filter(case=screening.case,
                                        kind="ineligible_letter").count() == 1
    assert OutboxMessage.objects.filter(case=screening.case,
                                        kind="ineligible_notice").count() == 1


def test_the_e_mail_waits_for_its_letter_rather_than_going_without_it(
        submit, world, django_capture_on_commit_callbacks):
    screening = submit(language="en")
    with django_capture_on_commit_callbacks(execute=False):
        event = services.decide(screening, world.admin, decision="not_eligible",
                                reason_code="incomplete")
    message = OutboxMessage.objects.get(key=f"ineligible_letter:{event.pk}")
    mail.outbox.clear()
    outbox.deliver([message.pk])  # before the letter is rendered
    message.refresh_from_db()
    assert message.status == "retrying" and message.problem == "rendering"
    assert message.last_error == "the letter is being prepared"
    assert mail.outbox == []
    outbox.deliver([OutboxMessage.objects.get(key=letter_of(screening).delivery_key).pk])
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    outbox.deliver([message.pk])
    message.refresh_from_db()
    assert message.status == "sent"
    assert to_worker().attachments[0][1].startswith(b"%PDF")


# --- The referrer -------------------------------------------------------------------------------


def test_the_referrer_sees_the_outcome_and_its_category_not_the_content(
        submit, refuse, world, client):
    screening = submit(language="en")
    refuse(screening, "sick_leave", NOTE)
    client.force_login(world.referrer)
    page = client.get(reverse("intake:detail", args=[screening.pk])).content.decode()
    assert "Not eligible" in page
    assert "On sick leave for longer than the programme allows" in page
    assert NOTE not in page  # the administrator's words are for the worker's letter
    assert "Failed" not in page and "more than the maximum" not in page  # nor Fedris' checks
    assert "eligibility-decision" not in page  # nor the letter
    # Fedris' administrator sees both on the review page.
    client.force_login(world.admin)
    page = client.get(reverse("intake:review", args=[screening.pk])).content.decode()
    assert "On sick leave for longer than the programme allows" in page and NOTE in page


def test_the_referrer_is_told_by_e_mail_with_the_category_and_one_link(submit, refuse, world):
    screening = submit(language="en")
    refuse(screening, "sector", NOTE)
    message = to_referrer(world)
    assert screening.case.reference in message.subject and "not eligible" in message.subject
    assert "Reason: Sector not covered by the programme." in message.body
    [link] = re.findall(r"https?://\S+", message.body)
    assert link.endswith(reverse("intake:detail", args=[screening.pk]))
    for secret in (SIGNAL_TEXT, NOTE, "Eva", "Peeters", "Empreva"):
        assert secret not in message.body + message.subject, secret


def test_the_request_list_and_a_request_not_refused_show_no_reason(submit, refuse, world,
                                                                    client):
    refused, approved = submit(language="en"), submit(language="en")
    refuse(refused, "incomplete")
    services.decide(approved, world.admin, decision="approve", override_reason="Checked.")
    client.force_login(world.referrer)
    page = client.get(reverse("intake:detail", args=[approved.pk])).content.decode()
    assert "Outcome: not eligible" not in page and "Request incomplete" not in page
    page = client.get(reverse("intake:detail", args=[refused.pk])).content.decode()
    assert "Outcome: not eligible" in page and "Request incomplete or not verifiable" in page


def test_a_german_speaking_worker_gets_the_letter_and_the_e_mail_in_german(submit, refuse):
    from django.utils import translation

    screening = submit(language="de")
    refuse(screening, "sick_leave")
    letter = letter_of(screening)
    assert letter.language == "de"
    # A compound breaks at its hyphen at the end of a line ("Burnout- Behandlungsprogramm").
    text = pdf_text(documents.read(letter)).replace("- ", "-")
    with translation.override("de"):
        programme = screening.case.programme.name
    for expected in ("Föderalagentur für Berufsrisiken", "Ihr Antrag ist nicht teilnahmeberechtigt",
                     f"die Bedingungen für das {programme} nicht", "Mit freundlichen Grüßen",
                     "Vertraulich — Berufsgeheimnis", "Beide können Ihnen helfen"):
        assert expected in text, expected
    message = to_worker()
    assert "kann nicht angenommen werden" in message.subject
    assert "Sie müssen nichts weiter tun" in message.body
    [(filename, _content, _mimetype)] = message.attachments
    assert filename == (f"{screening.case.reference}-"
                        "entscheidungsschreiben-zur-teilnahmeberechtigung-v1.pdf")
