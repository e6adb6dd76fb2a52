"""What every page shares (botp.pages): a form the case's state refuses comes back with what was
typed, a refusal no page answers is a 403 or a 409 page, never a server error, and a page's read
is audited only when it shows something."""

import pytest
from django.urls import reverse

from botp import pages, workflow
from botp.models import AuditEntry
from diagnosis.models import DiagnosisReport
from treatment.models import FinalReport

TYPED = "Back at work four days a week since March; sleeps through the night again."


@pytest.mark.django_db
def test_a_final_report_refused_because_the_case_moved_on_keeps_what_was_typed(client, world,
                                                                             treated):
    version = treated.version
    workflow.perform(treated, "withdraw", world.admin, payload={"reason": "Moving abroad"})
    client.force_login(world.btp.user)
    response = client.post(reverse("treatment:final_report", args=[treated.reference]),
                           {"version": version, "conclusion": TYPED, "action": "draft"})
    assert response.status_code == 409
    page = response.content.decode()
    assert TYPED in page and "Someone else changed this case" in page
    assert not FinalReport.objects.exists()


@pytest.mark.django_db
def test_a_diagnosis_report_posted_on_a_stale_page_keeps_what_was_typed(client, world,
                                                                        diagnosis_case):
    client.force_login(world.btp.user)
    response = client.post(reverse("diagnosis:report", args=[diagnosis_case.reference]),
                           {"version": diagnosis_case.version + 1, "anamnesis": TYPED,
                            "action": "draft"})
    assert response.status_code == 409
    page = response.content.decode()
    assert TYPED in page and "Someone else changed this case" in page
    assert not DiagnosisReport.objects.exists()


@pytest.mark.django_db
def test_a_refusal_no_page_answers_is_a_409_page_or_a_403(rf, world):
    middleware = pages.RefusalMiddleware(lambda request: None)
    request = rf.get("/")
    request.user = world.btp.user
    response = middleware.process_exception(
        request, workflow.TransitionError("This is not possible while the case is “closed”."))
    assert response.status_code == 409
    assert "not possible while the case is “closed”" in response.content.decode()
    forbidden = middleware.process_exception(request, workflow.TransitionForbidden("No."))
    assert forbidden.status_code == 403
    assert middleware.process_exception(request, ValueError("other")) is None


@pytest.mark.django_db
def test_a_page_read_is_audited_only_when_it_shows_something(client, world, diagnosis_case):
    client.force_login(world.psychologist)
    missing = reverse("diagnosis:report_detail", args=[diagnosis_case.reference, 7])
    assert client.get(missing).status_code == 404
    assert not AuditEntry.objects.filter(kind=AuditEntry.Kind.VIEW).exists()
    assert client.get(reverse("diagnosis:queue")).status_code == 200
    entry = AuditEntry.objects.get(kind=AuditEntry.Kind.VIEW)
    assert (entry.actor, entry.what, entry.case) == (world.psychologist,
                                                    "diagnosis review queue", None)
