"""Who gets in: a portal session (with two-factor authentication outside demo mode) or a token
that Fedris creates in the back office."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from botp.models import ApiToken
from botp.models.api_token import key_digest
from tests.scenarios import in_diagnosis


@pytest.mark.django_db
def test_outside_demo_mode_a_session_needs_two_factor_and_is_told_in_json(api, world,
                                                                          settings,
                                                                          token_client):
    settings.DEMO_MODE = False
    response = api(world.btp.user).get("/api/v1/cases/")
    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    assert "two-factor" in response.json()["detail"]
    # A token is Fedris' own decision for an integration, made in the back office.
    assert token_client(world.btp.user).get("/api/v1/cases/").status_code == 200


@pytest.mark.django_db
def test_with_two_factor_the_session_works(api, world, settings):
    from allauth.mfa.models import Authenticator

    settings.DEMO_MODE = False
    Authenticator.objects.create(user=world.btp.user, type=Authenticator.Type.TOTP,
                                 data={"secret": "x"})
    assert api(world.btp.user).get("/api/v1/cases/").status_code == 200


@pytest.mark.django_db
def test_a_token_authenticates_and_its_user_sees_only_their_cases(token_client, world):
    mine = world.case(btp=world.btp)
    world.case(mine=False, btp=world.other_btp)
    body = token_client(world.btp.user).get("/api/v1/cases/").json()
    assert [row["reference"] for row in body["results"]] == [mine.reference]


def with_key(key, **client_options):
    client = APIClient(**client_options)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.mark.django_db
def test_a_token_deleted_in_the_back_office_is_refused_at_once(client, world):
    from botp.models import User

    token, key = ApiToken.issue(world.btp.user, "billing system")
    integration = with_key(key)
    assert integration.get("/api/v1/cases/").status_code == 200
    root = User.objects.create_superuser(email="root@fedris.be", password="x" * 16)
    client.force_login(root)
    response = client.post(f"/backoffice/botp/apitoken/{token.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    refused = integration.get("/api/v1/cases/")
    assert refused.status_code == 401
    assert refused.json() == {"detail": "Invalid or expired token."}


@pytest.mark.django_db
def test_a_token_acts_as_its_user_and_needs_no_csrf_token(world):
    """An integration has no cookie to forge a request with: CSRF is the session's concern."""
    case = in_diagnosis(world)
    posted = {"case": case.reference, "session_type": "diagnosis", "status": "held",
              "duration_minutes": 60,
              "date": (timezone.localdate() - timedelta(days=1)).isoformat()}
    _token, other_key = ApiToken.issue(world.other_btp.user, "someone else's software")
    stranger = with_key(other_key, enforce_csrf_checks=True)
    assert stranger.post("/api/v1/sessions/", posted, format="json").status_code == 404
    assert not case.sessions.exists()
    _token, key = ApiToken.issue(world.btp.user, "practice software")
    response = with_key(key, enforce_csrf_checks=True).post("/api/v1/sessions/", posted,
                                                            format="json")
    assert response.status_code == 201, response.content
    assert case.sessions.get().recorded_by == world.btp.user


@pytest.mark.django_db
def test_the_database_keeps_no_usable_key(world):
    token, key = ApiToken.issue(world.btp.user, "billing system")
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM botp_apitoken")
        stored = [str(value) for value in cursor.fetchone()]
    assert len(key) >= 43  # 256 random bits
    assert not any(key in value for value in stored)
    assert token.digest == key_digest(key) and token.prefix == key[:8]
    assert with_key(key).get("/api/v1/cases/").status_code == 200


@pytest.mark.django_db
def test_unknown_expired_and_deactivated_keys_are_refused_alike(world):
    _token, live = ApiToken.issue(world.btp.user, "live")
    expired, old = ApiToken.issue(world.btp.user, "old")
    expired.expires_at = timezone.now() - timedelta(seconds=1)
    expired.save()
    _token, gone = ApiToken.issue(world.other_btp.user, "left Fedris")
    world.other_btp.user.is_active = False
    world.other_btp.user.save()

    answers = [with_key(key).get("/api/v1/cases/")
               for key in (old, gone, "x" * 43, live[:-1] + ("A" if live[-1] != "A" else "B"))]
    assert {answer.status_code for answer in answers} == {401}
    assert {answer.json()["detail"] for answer in answers} == {"Invalid or expired token."}
    assert len({(answer.content, answer["WWW-Authenticate"]) for answer in answers}) == 1
    assert with_key(live).get("/api/v1/cases/").status_code == 200


@pytest.mark.django_db
def test_a_token_expires_after_the_configured_days(world, settings):
    settings.API_TOKEN_DAYS = 30
    token, _key = ApiToken.issue(world.btp.user, "month")
    assert timedelta(days=29) < token.expires_at - timezone.now() <= timedelta(days=30)


@pytest.mark.django_db
def test_the_last_use_is_recorded_without_a_write_per_request(world):
    token, key = ApiToken.issue(world.btp.user, "sync")
    client = with_key(key)
    client.get("/api/v1/cases/")
    token.refresh_from_db()
    first_use = token.last_used_at
    assert first_use is not None
    client.get("/api/v1/cases/")
    token.refresh_from_db()
    assert token.last_used_at == first_use


@pytest.mark.django_db
def test_a_superuser_issues_a_token_and_sees_its_key_once(client, world):
    from botp.models import User

    root = User.objects.create_superuser(email="root@fedris.be", password="x" * 16)
    client.force_login(root)
    form = client.get("/backoffice/botp/apitoken/add/")
    assert form.status_code == 200
    expires = form.context["adminform"].form.initial["expires_at"]
    response = client.post("/backoffice/botp/apitoken/add/", {
        "user": world.psychologist.pk, "name": "Fedris statistics",
        "expires_at_0": expires.strftime("%Y-%m-%d"), "expires_at_1": "12:00:00",
    })
    assert response.status_code == 200
    key = response.context["key"]
    token = ApiToken.objects.get()
    assert (token.user, token.name, token.digest) == (world.psychologist, "Fedris statistics",
                                                      key_digest(key))
    assert key in response.content.decode()
    assert response["Cache-Control"].startswith("max-age=0")
    # Never again: the list and the token's page show the prefix only.
    for page in ("/backoffice/botp/apitoken/", f"/backoffice/botp/apitoken/{token.pk}/change/"):
        body = client.get(page).content.decode()
        assert key not in body and token.prefix in body
