"""The OpenAPI schema validates without a warning, and the documentation page loads nothing
from outside the portal."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command


@pytest.mark.django_db
def test_the_schema_validates_without_warnings(tmp_path):
    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--lang", "en",
                 "--file", str(target))
    text = target.read_text()
    for path in ("/api/v1/cases/", "/api/v1/cases/{reference}/", "/api/v1/screening-requests/",
                 "/api/v1/diagnosis-reports/", "/api/v1/sessions/", "/api/v1/final-reports/",
                 "/api/v1/survey-waves/"):
        assert f"  {path}:" in text, path
    assert "tokenAuth" in text and "cookieAuth" in text
    assert "token_hash" not in text and "nonce" not in text


@pytest.mark.django_db
def test_schema_and_documentation_need_a_login(api, world):
    assert api().get("/api/schema/").status_code == 401
    docs = api().get("/api/docs/")
    assert docs.status_code == 302 and docs["Location"].startswith("/accounts/login/")
    schema = api(world.btp.user).get("/api/schema/", HTTP_ACCEPT="application/json")
    assert schema.status_code == 200 and schema.json()["info"]["title"] == "BOTP portal API"


@pytest.mark.django_db
def test_the_documentation_page_uses_only_local_files(api, world):
    response = api(world.btp.user).get("/api/docs/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert not re.search(r"(?:https?:)?//[\w.-]+\.\w+", html), "a URL outside the portal"
    references = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(ref.endswith("swagger-ui-bundle.js") for ref in references)
    for reference in references:
        assert reference.startswith("/static/"), reference
        assert finders.find(reference.removeprefix("/static/")), reference
