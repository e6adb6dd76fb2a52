"""Who gets in: a portal session (with two-factor authentication outside demo mode) or a token
that Fedris creates in the back office."""

import pytest
from django.contrib import admin
from rest_framework.authtoken.models import TokenProxy


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


def test_tokens_are_managed_in_the_back_office():
    assert admin.site.is_registered(TokenProxy)
