"""An id that is not a number answers the API's JSON 404, like any object out of reach, never
Django's HTML page or a server error; the PDF download is documented, and served, as
application/pdf."""

import json

import pytest
from django.core.management import call_command

from botp import documents

ENDPOINTS = ["screening-requests", "diagnosis-reports", "sessions", "final-reports",
             "survey-waves", "documents"]
NOT_IDS = ["abc", "12abc", "1.5", "-1", "1e3", "%C3%A9", "%20", "99999999999999999999"]


def assert_json_not_found(response):
    assert response.status_code == 404, (response.status_code, response.content[:200])
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Not found."}


@pytest.fixture
def rendered(scenario, settings, tmp_path):
    """A diagnosis report the BTP may download, with its file."""
    settings.MEDIA_ROOT = tmp_path
    case = scenario.own[2]  # in treatment
    report = next(d for d in scenario.documents
                  if d.case == case and d.kind == "diagnosis_report")
    documents.store(report, b"%PDF-1.7 report")
    report.save()
    return report


@pytest.mark.django_db
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_an_id_that_is_not_a_number_is_not_found_in_json(api, world, scenario, endpoint):
    client = api(world.psychologist)
    for not_an_id in NOT_IDS:
        for accept in ("application/json", "text/html,application/xhtml+xml,*/*;q=0.8"):
            assert_json_not_found(client.get(f"/api/v1/{endpoint}/{not_an_id}/",
                                             HTTP_ACCEPT=accept))


@pytest.mark.django_db
def test_a_download_by_an_id_that_is_not_a_number_is_not_found_in_json(api, world, rendered):
    client = api(world.btp.user)
    for not_an_id in NOT_IDS:
        for accept in ("application/json", "application/pdf", "*/*"):
            assert_json_not_found(client.get(f"/api/v1/documents/{not_an_id}/download/",
                                             HTTP_ACCEPT=accept))
    assert client.get(f"/api/v1/documents/{rendered.pk}/download/").status_code == 200


@pytest.mark.django_db
def test_a_case_reference_that_does_not_exist_is_not_found_in_json(api, world, scenario):
    client = api(world.psychologist)
    for reference in ("abc", "BOTP-2026-999999", "%C3%A9"):
        assert_json_not_found(client.get(f"/api/v1/cases/{reference}/"))


@pytest.mark.django_db
def test_without_login_an_id_that_is_not_a_number_answers_401_in_json(api, scenario):
    for path in ("/api/v1/sessions/abc/", "/api/v1/documents/abc/",
                 "/api/v1/documents/abc/download/"):
        response = api().get(path)
        assert response.status_code == 401, path
        assert response["Content-Type"] == "application/json"
        assert "detail" in response.json()


@pytest.mark.django_db
def test_a_client_that_accepts_only_pdf_gets_the_pdf(api, world, rendered):
    client = api(world.btp.user)
    url = f"/api/v1/documents/{rendered.pk}/download/"
    response = client.get(url, HTTP_ACCEPT="application/pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == b"%PDF-1.7 report"
    # Its errors are still the API's JSON.
    assert_json_not_found(api(world.user("participant")).get(url, HTTP_ACCEPT="application/pdf"))


@pytest.mark.django_db
def test_the_schema_documents_the_download_as_pdf(tmp_path):
    target = tmp_path / "schema.json"
    call_command("spectacular", "--format", "openapi-json", "--lang", "en",
                 "--file", str(target))
    operation = json.loads(target.read_text())["paths"]["/api/v1/documents/{id}/download/"]["get"]
    assert operation["responses"]["200"]["content"] == {
        "application/pdf": {"schema": {"type": "string", "format": "binary"}}}
    for status in ("401", "404"):
        assert list(operation["responses"][status]["content"]) == ["application/json"]
    (identifier,) = operation["parameters"]
    assert identifier["schema"]["type"] == "integer"
