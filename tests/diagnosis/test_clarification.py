"""The loop between the Fedris psychologist and the BTP: a request for more information is the
BTP's to-do with the psychologist's words, answered in a new version of the report beside the
question; answered and urgent reports come first in the review queue; the e-mails say what is
asked, or that it is urgent, and nothing clinical."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from botp import policy
from botp.models import CaseState
from diagnosis import selectors, services
from diagnosis.models import DiagnosisReport
from tests.scenarios import DEFAULT_PLAN, complete_values, in_diagnosis, lines_for

QUESTION = "How many hours does the participant sleep since the reorganisation?"
ANSWER = "About five hours, waking at four most nights."
# Words of the report that must never leave the portal by e-mail.
REPORT_WORDS = {"anamnesis": "Nurse on a ward closed twice", "work_factors": "Night rota broke",
                "conclusion": "Early stage, work-bound", "urgent_referral": "Crisis team Zuid"}


def ask(world, case, question=QUESTION):
    case.refresh_from_db()
    event = services.decide(case, world.psychologist,
                            decision=services.Decision.MORE_INFORMATION, comment=question,
                            expected_version=case.version)
    case.refresh_from_db()
    return event


def resend(world, case, **values):
    _draft, lines = selectors.working_copy(case, world.btp.user)
    report = services.save_report(case, world.btp.user, values=complete_values(**values),
                                  lines=lines, submit=True)
    case.refresh_from_db()
    return report


def form_data(response, **overrides):
    """What the report page's form posts as it was shown, with ``overrides``."""
    data = {"version": response.context["case"].version}
    for field in list(response.context["form"]) + list(response.context["request_form"]):
        value = field.value()
        if value is None or value is False:
            continue
        data[field.html_name] = "on" if value is True else value
    data.update(overrides)
    return data


# --- The reported path: the BTP's link to the report after a request for more information -------

@pytest.mark.django_db
def test_the_btp_follows_the_e_mail_to_the_report_and_sends_the_answer(
        client, world, diagnosis_case, submitted, django_capture_on_commit_callbacks):
    submitted()
    diagnosis_case.refresh_from_db()
    client.force_login(world.psychologist)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("diagnosis:review", args=[diagnosis_case.reference]), {
            "version": diagnosis_case.version, "decision": "more_information",
            "comment": QUESTION})
    assert response.status_code == 302
    diagnosis_case.refresh_from_db()
    assert diagnosis_case.state == CaseState.IN_DIAGNOSIS

    # The e-mail says in plain words what is asked and links to the report to revise.
    (to_btp,) = [m for m in mail.outbox if world.btp.user.email in m.to]
    assert "Fedris asks you for more information" in to_btp.subject
    assert "Fedris asks you for more information" in to_btp.body
    link = re.search(r"https?://\S+", to_btp.body).group(0)
    path = reverse("diagnosis:report", args=[diagnosis_case.reference])
    assert link.endswith(path)
    assert QUESTION not in to_btp.body

    client.force_login(world.btp.user)
    page = client.get(path)
    assert page.status_code == 200
    assert QUESTION in page.content.decode() and 'name="answer"' in page.content.decode()

    # Sending without an answer is refused at the answer field; nothing is sent.
    refused = client.post(path, form_data(page, action="submit"))
    assert refused.status_code == 400
    assert "Answer the psychologist" in refused.content.decode()
    diagnosis_case.refresh_from_db()
    assert diagnosis_case.state == CaseState.IN_DIAGNOSIS

    # A draft keeps the answer being written; the next visit shows it again.
    assert client.post(path, form_data(page, action="draft", answer="Half an")).status_code == 302
    assert "Half an" in client.get(path).content.decode()
    sent = client.post(path, form_data(page, action="submit", answer=ANSWER))
    assert sent.status_code == 302
    diagnosis_case.refresh_from_db()
    assert diagnosis_case.state == CaseState.DIAGNOSIS_REVIEW
    second = selectors.latest_submitted(diagnosis_case)
    assert (second.version, second.answer, second.question.payload["reason"]) == (
        2, ANSWER, QUESTION)


@pytest.mark.django_db
@pytest.mark.parametrize("answer", ["\x00", "Eva\x1b[31m", "\u202eavE", "x" * 100_000])
def test_a_hostile_answer_is_a_form_error(client, world, diagnosis_case, submitted, answer):
    submitted()
    ask(world, diagnosis_case)
    client.force_login(world.btp.user)
    path = reverse("diagnosis:report", args=[diagnosis_case.reference])
    response = client.post(path, form_data(client.get(path), action="submit", answer=answer))
    assert response.status_code == 400
    assert not DiagnosisReport.objects.filter(case=diagnosis_case, version=2).exists()


# --- The question as the BTP's to-do --------------------------------------------------------------

@pytest.mark.django_db
def test_the_question_is_the_btps_to_do_on_the_case_page_and_the_overview(
        client, world, diagnosis_case, submitted):
    submitted()
    ask(world, diagnosis_case)
    client.force_login(world.btp.user)
    case_page = client.get(reverse("case_detail", args=[diagnosis_case.reference]))
    todo = case_page.content.decode()
    assert "To do: Fedris asks for more information" in todo and QUESTION in todo
    # Above the rest of the page: before the case's facts.
    assert todo.index("To do: Fedris asks") < todo.index('class="facts"')
    assert reverse("diagnosis:report", args=[diagnosis_case.reference]) in todo

    overview = client.get(reverse("diagnosis:overview", args=[diagnosis_case.reference]))
    text = overview.content.decode()
    assert "To do: Fedris asks for more information" in text and QUESTION in text
    assert text.index(QUESTION) < text.index('id="sessions-title"')

    dashboard = client.get(reverse("dashboard")).content.decode()
    assert "Fedris asked for more information" in dashboard

    # Once answered, it is no longer a to-do.
    resend(world, diagnosis_case, answer=ANSWER)
    assert "To do:" not in client.get(
        reverse("case_detail", args=[diagnosis_case.reference])).content.decode()
    assert "Fedris asked for more information" not in client.get(
        reverse("dashboard")).content.decode()


# Who reads the psychologist's words (DESIGN §2: clinical content is for the Fedris
# psychologists and the case's BTP), on the pages each may open.
READERS = {"btp", "psychologist"}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["btp", "psychologist", "admin", "referrer", "participant",
                                  "isp", "other_btp", "other_referrer"])
def test_the_question_is_shown_only_to_the_btp_and_the_psychologists(
        client, world, diagnosis_case, submitted, role):
    diagnosis_case.isps.add(world.isp)
    submitted()
    ask(world, diagnosis_case)
    client.force_login(world.user(role))
    pages = [reverse("case_detail", args=[diagnosis_case.reference]),
             reverse("diagnosis:overview", args=[diagnosis_case.reference]),
             reverse("diagnosis:report", args=[diagnosis_case.reference]),
             reverse("dashboard")]
    seen = {path: client.get(path) for path in pages}
    shown = [path for path, response in seen.items() if QUESTION in response.content.decode()]
    if role in READERS:
        assert shown, role
    else:
        assert shown == [], role
    # The BTP's home lists it as a to-do; no one else's (the participant is told in their own
    # words that their care provider was asked, without the question).
    marked = "Fedris asked for more information" in seen[reverse("dashboard")].content.decode()
    assert marked == (role == "btp"), role

    # The answer beside it, once sent, likewise.
    client.force_login(world.btp.user)
    resend(world, diagnosis_case, answer=ANSWER)
    client.force_login(world.user(role))
    pages = [reverse("case_detail", args=[diagnosis_case.reference]),
             reverse("diagnosis:overview", args=[diagnosis_case.reference]),
             reverse("diagnosis:report_detail", args=[diagnosis_case.reference, 2]),
             reverse("diagnosis:review", args=[diagnosis_case.reference])]
    shown = [path for path in pages if ANSWER in client.get(path).content.decode()]
    assert bool(shown) == (role in READERS), role


@pytest.mark.django_db
def test_the_psychologist_reads_the_answer_beside_the_question(
        client, world, diagnosis_case, submitted):
    submitted()
    ask(world, diagnosis_case)
    resend(world, diagnosis_case, answer=ANSWER)
    client.force_login(world.psychologist)
    review = client.get(reverse("diagnosis:review", args=[diagnosis_case.reference]))
    text = review.content.decode()
    block = text[text.index('class="question-answer"'):]
    block = block[:block.index("</section>")]
    assert QUESTION in block and ANSWER in block
    assert block.index(QUESTION) < block.index(ANSWER)
    # Before the report's own content, which the psychologist reads against it.
    assert text.index(ANSWER) < text.index('id="scores-title"')
    # While the case waits for the BTP, the psychologist sees what was asked, not a to-do.
    ask(world, diagnosis_case, "And the appetite?")
    overview = client.get(reverse("diagnosis:overview", args=[diagnosis_case.reference]))
    assert "And the appetite?" in overview.content.decode()
    assert "To do:" not in overview.content.decode()


# --- The answer on the revised version ------------------------------------------------------------

@pytest.mark.django_db
def test_the_revised_version_needs_an_answer_while_a_question_is_open(
        world, diagnosis_case, submitted):
    submitted()
    event = ask(world, diagnosis_case)
    _draft, lines = selectors.working_copy(diagnosis_case, world.btp.user)
    with pytest.raises(services.ReportRefused) as refused:
        services.save_report(diagnosis_case, world.btp.user,
                             values=complete_values(answer="   "), lines=lines, submit=True)
    assert "answer" in dict(refused.value.problems)
    diagnosis_case.refresh_from_db()
    assert diagnosis_case.state == CaseState.IN_DIAGNOSIS
    # A draft may wait for its answer.
    draft = services.save_report(diagnosis_case, world.btp.user, values={}, lines=lines)
    assert (draft.is_submitted, draft.question) == (False, event)

    second = resend(world, diagnosis_case, answer=ANSWER)
    assert (second.question, second.answer) == (event, ANSWER)
    # The next version answers nothing until the psychologist asks again, and copies no answer.
    assert selectors.open_question(diagnosis_case) is None
    again = ask(world, diagnosis_case, "And the appetite?")
    draft, _lines = selectors.working_copy(diagnosis_case, world.btp.user)
    assert draft.answer == ""
    third = resend(world, diagnosis_case, answer="Normal appetite.")
    assert (third.question, third.answer) == (again, "Normal appetite.")


@pytest.mark.django_db
def test_without_a_question_there_is_no_answer(client, world, diagnosis_case, record):
    record(diagnosis_case)
    first = services.save_report(
        diagnosis_case, world.btp.user, values=complete_values(answer="Forged answer"),
        lines=lines_for(diagnosis_case, world.isp, **DEFAULT_PLAN), submit=True)
    assert (first.question, first.answer) == (None, "")
    client.force_login(world.btp.user)
    other = in_diagnosis(world)
    assert 'name="answer"' not in client.get(
        reverse("diagnosis:report", args=[other.reference])).content.decode()


# --- The review queue -----------------------------------------------------------------------------

@pytest.mark.django_db
def test_the_queue_puts_urgent_first_then_answered_then_the_oldest(client, world, submitted):
    older, newer, answered, urgent = (in_diagnosis(world, mine=False) for _ in range(4))
    submitted(answered)
    submitted(older)
    ask(world, answered)
    submitted(newer)
    resend(world, answered, answer=ANSWER)
    submitted(urgent, suicidal_ideation=True, urgent_referral="Emergency services.")
    queue = selectors.review_queue(policy.cases_for(world.psychologist,
                                                   policy.Action.VIEW_CLINICAL))
    assert list(queue) == [urgent, answered, older, newer]

    client.force_login(world.psychologist)
    rows = client.get(reverse("diagnosis:queue")).content.decode().split("<tr")[2:]
    assert [urgent.reference in rows[0], answered.reference in rows[1]] == [True, True]
    assert "Urgent" in rows[0] and "Answer received" not in rows[0]
    assert "Answer received" in rows[1] and "Urgent" not in rows[1]
    assert "Urgent" not in rows[2] + rows[3] and "Answer received" not in rows[2] + rows[3]


@pytest.mark.django_db
def test_the_psychologists_home_lists_an_answer_before_older_reviews(client, world, submitted):
    from botp import worklists

    older, answered = (in_diagnosis(world, mine=False) for _ in range(2))
    submitted(answered)
    submitted(older)
    ask(world, answered)
    resend(world, answered, answer=ANSWER)
    todos = [todo for todo in worklists.for_user(world.psychologist) if todo.kind == "reviews"]
    assert [todo.case for todo in todos] == [answered, older]
    assert [str(todo.note) for todo in todos] == ["Answer received", ""]
    client.force_login(world.psychologist)
    home = client.get(reverse("dashboard")).content.decode()
    assert home.index(answered.reference) < home.index(older.reference)


# --- E-mails --------------------------------------------------------------------------------------

def _psychologist_mail(world):
    return [m for m in mail.outbox if world.psychologist.email in m.to]


@pytest.mark.django_db
def test_a_red_flag_reaches_the_psychologists_as_urgent_without_clinical_detail(
        world, diagnosis_case, submitted, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        submitted(suicidal_ideation=True, **REPORT_WORDS)
    (urgent,) = _psychologist_mail(world)
    assert urgent.subject.startswith("URGENT: ")
    assert diagnosis_case.reference in urgent.subject
    message = urgent.message()
    assert (message["Importance"], message["X-Priority"]) == ("high", "1")
    for words in [*REPORT_WORDS.values(), "3.40", "suicid", "red flag", "Red flag"]:
        assert words not in urgent.subject + urgent.body, words


@pytest.mark.django_db
def test_a_report_without_a_red_flag_is_not_marked_urgent(
        world, diagnosis_case, submitted, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        submitted()
    (usual,) = _psychologist_mail(world)
    assert "URGENT" not in usual.subject and "urgent" not in usual.body
    message = usual.message()
    assert message["Importance"] is None and message["X-Priority"] is None


@pytest.mark.django_db
def test_no_e_mail_of_the_loop_carries_clinical_content(
        world, diagnosis_case, submitted, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        submitted(suicidal_ideation=True, **REPORT_WORDS)
    with django_capture_on_commit_callbacks(execute=True):
        ask(world, diagnosis_case)
    with django_capture_on_commit_callbacks(execute=True):
        resend(world, diagnosis_case, answer=ANSWER, suicidal_ideation=True, **REPORT_WORDS)
    with django_capture_on_commit_callbacks(execute=True):
        services.decide(diagnosis_case, world.psychologist,
                        decision=services.Decision.CONFIRM,
                        expected_version=diagnosis_case.version)
    told = {address for message in mail.outbox for address in message.to}
    assert {world.psychologist.email, world.btp.user.email,
            diagnosis_case.participant.user.email} <= told
    for message in mail.outbox:
        text = message.subject + message.body
        for words in [*REPORT_WORDS.values(), QUESTION, ANSWER, "3.40", "4.10", "suicid"]:
            assert words not in text, (message.to, words)
    # The participant is never told of urgency (which would hint at the red flag).
    for message in mail.outbox:
        if diagnosis_case.participant.user.email in message.to:
            assert "URGENT" not in message.subject and "urgent" not in message.body
            assert message.message()["Importance"] is None


# --- The psychologist's refusal branch ------------------------------------------------------------

@pytest.mark.django_db
def test_asking_without_a_question_is_shown_above_the_page_and_keeps_the_choice(
        client, world, diagnosis_case, submitted):
    submitted()
    diagnosis_case.refresh_from_db()
    client.force_login(world.psychologist)
    response = client.post(reverse("diagnosis:review", args=[diagnosis_case.reference]), {
        "version": diagnosis_case.version, "decision": "more_information", "comment": "  "})
    assert response.status_code == 400
    text = response.content.decode()
    summary = text[text.index('class="error-summary"'):]
    summary = summary[:summary.index("</div>")]
    assert "Give your reasons or questions for the BTP." in summary
    assert text.index('class="error-summary"') < text.index('id="scores-title"')
    assert re.search(r'<input[^>]*value="more_information"[^>]*checked', text)
    diagnosis_case.refresh_from_db()
    assert diagnosis_case.state == CaseState.DIAGNOSIS_REVIEW


@pytest.mark.django_db
def test_the_api_gives_the_question_with_the_answer_to_clinical_readers_only(
        client, world, diagnosis_case, submitted):
    submitted()
    ask(world, diagnosis_case)
    resend(world, diagnosis_case, answer=ANSWER)
    client.force_login(world.psychologist)
    listed = client.get("/api/v1/diagnosis-reports/").json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [(row["version"], row["question"], row["answer"]) for row in rows] == [
        (1, None, ""), (2, QUESTION, ANSWER)]
    for role in ("admin", "referrer", "participant", "isp"):
        client.force_login(world.user(role))
        text = client.get("/api/v1/diagnosis-reports/").content.decode()
        assert QUESTION not in text and ANSWER not in text, role
