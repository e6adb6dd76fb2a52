"""Logging in through the Federal Authentication Service (itsme, eID): driven end to end
against OpenID Connect providers on the loopback (tests/fas_servers.py)."""

from urllib.parse import parse_qs, urlsplit

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount
from django.urls import reverse

from botp import invitations, nationalnumber
from botp.models import AuditEntry, Participant, Role, User
from tests import fas_servers
from tests.factories import ParticipantFactory, ProviderFactory, UserFactory, valid_niss

pytestmark = pytest.mark.django_db


@pytest.fixture
def mock_fas(settings):
    with fas_servers.mock_provider() as base:
        settings.SOCIALACCOUNT_PROVIDERS = fas_servers.settings_for(base)
        yield base


@pytest.fixture
def crafted(settings):
    with fas_servers.crafted_fas() as provider:
        settings.SOCIALACCOUNT_PROVIDERS = fas_servers.settings_for(provider.base)
        yield provider


def participant_with_account(number, language="nl"):
    user = UserFactory(role=Role.PARTICIPANT, language=language,
                       email="sofie.participant@example.org")
    ParticipantFactory(user=user, niss=number, email=user.email)
    return user


@pytest.fixture
def admin():
    return UserFactory(role=Role.FEDRIS_ADMIN, is_staff=True)


def invited_provider(admin, number, email="dr.janssens@example.org"):
    """A care provider invited with their national number, who accepted the invitation."""
    provider = ProviderFactory(user=None, profession="physician")
    invitation = invitations.invite(admin, email=email, role=Role.PROVIDER, first_name="An",
                                    last_name="Janssens", language="nl", provider=provider,
                                    national_number=number)
    return invitations.accept(invitations.token_for(invitation.nonce),
                              password="a-long-password-42")


def test_the_login_page_offers_itsme_and_eid_when_fas_is_configured(client, mock_fas):
    page = client.get(reverse("account_login")).content.decode()
    assert "Log in with itsme or eID" in page
    assert 'action="/accounts/fas/login/?process=login"' in page


def test_without_fas_configured_the_login_page_offers_passwords_only(client, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {}
    assert "itsme" not in client.get(reverse("account_login")).content.decode()
    assert client.post("/accounts/fas/login/").status_code == 404


def test_the_request_to_fas_asks_its_scopes_the_level_and_a_nonce(client, mock_fas):
    started = client.post("/accounts/fas/login/?process=login&auth_params=acr_values%3Dx")
    location = started["Location"]
    assert location.startswith(mock_fas + "/oauth2/authorize?")
    asked = parse_qs(urlsplit(location).query)
    assert sorted(asked["scope"][0].split()) == ["egovnrn", "openid", "profile"]
    assert asked["acr_values"] == ["urn:be:fedict:iam:fas:citizen:Level400"]
    assert len(asked["nonce"][0]) >= 32 and asked["response_type"] == ["code"]


def test_a_participant_reaches_their_own_case_through_fas(client, mock_fas, world):
    number = valid_niss()
    user = participant_with_account(number)
    case = world.case()
    case.participant = Participant.objects.get(user=user)
    case.save(update_fields=["participant"])
    fas_servers.set_person(mock_fas, "sub-participant", fas_servers.fas_claims(number))

    response = fas_servers.log_in(client, "sub-participant")

    assert response.status_code == 302, response.content.decode()[:2000]
    assert int(client.session["_auth_user_id"]) == user.pk
    home = client.get(reverse("dashboard"), follow=True)
    assert case.reference in home.content.decode()
    # The account's language follows FAS' prefLanguage (nobody chose another here).
    user.refresh_from_db()
    assert user.language == "fr"
    # Nothing about the person is kept from FAS: no third-party account, no address.
    assert not SocialAccount.objects.exists()
    assert not EmailAddress.objects.filter(email="sofie.peeters@example.be").exists()
    entry = AuditEntry.objects.get(subject=f"user:{user.pk}", what__startswith="login")
    assert entry.what == "login through FAS (Level450)" and entry.actor == user


def test_a_language_the_person_chose_is_kept(client, mock_fas, settings):
    number = valid_niss()
    user = participant_with_account(number, language="nl")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nl"
    fas_servers.set_person(mock_fas, "sub-nl", fas_servers.fas_claims(number, language="fr"))
    fas_servers.log_in(client, "sub-nl")
    user.refresh_from_db()
    assert user.language == "nl"


def test_a_professional_reaches_their_invited_account_with_two_factors(client, mock_fas,
                                                                       settings, admin):
    settings.DEMO_MODE = False  # two-factor authentication required, as in production
    number = valid_niss()
    user = invited_provider(admin, number)
    assert user.niss_hash == nationalnumber.keyed_hash(number)
    fas_servers.set_person(mock_fas, "sub-doctor",
                           fas_servers.fas_claims(number, language="en"))

    response = fas_servers.log_in(client, "sub-doctor")

    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk
    # No TOTP set up, and none asked: the FAS login was two factors.
    dashboard = client.get(reverse("dashboard"))
    assert dashboard.status_code == 200
    assert "Needs your action" in dashboard.content.decode()


def test_a_password_login_still_needs_totp_for_staff(client, settings, admin):
    settings.DEMO_MODE = False
    client.force_login(admin)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302 and "/2fa/" in response["Location"]


def test_an_unknown_national_number_gets_the_way_to_access_and_no_account(client, mock_fas):
    users = User.objects.count()
    fas_servers.set_person(mock_fas, "sub-stranger", fas_servers.fas_claims(valid_niss()))

    response = fas_servers.log_in(client, "sub-stranger")

    assert response.status_code == 403
    page = response.content.decode()
    assert "the portal has no account for you. No account has been made." in page
    assert "sends a screening request to Fedris" in page
    assert "Fedris sends you an invitation by e-mail" in page
    assert "_auth_user_id" not in client.session
    assert User.objects.count() == users
    assert AuditEntry.objects.filter(what="login through FAS refused: unknown").exists()


def test_a_number_with_a_pending_invitation_is_told_to_open_it(client, mock_fas, admin):
    number = valid_niss()
    invitations.invite(admin, email="new.referrer@example.org", role=Role.REFERRER,
                       first_name="Jan", last_name="Maes", language="nl",
                       national_number=number)
    fas_servers.set_person(mock_fas, "sub-invited", fas_servers.fas_claims(number))
    response = fas_servers.log_in(client, "sub-invited")
    assert response.status_code == 403
    assert "Open the link in the invitation e-mail" in response.content.decode()
    assert not User.objects.filter(email="new.referrer@example.org").exists()


def test_a_number_of_two_accounts_is_not_guessed(client, mock_fas, admin):
    number = valid_niss()
    invited_provider(admin, number)
    participant_with_account(number)
    fas_servers.set_person(mock_fas, "sub-both", fas_servers.fas_claims(number))
    response = fas_servers.log_in(client, "sub-both")
    assert response.status_code == 403
    assert "belongs to more than one account" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_a_too_low_assurance_level_is_refused(client, mock_fas):
    number = valid_niss()
    participant_with_account(number)
    fas_servers.set_person(mock_fas, "sub-weak",
                           fas_servers.fas_claims(number, acr=fas_servers.LEVEL_100))
    response = fas_servers.log_in(client, "sub-weak")
    assert response.status_code == 403
    assert "security level that is too low" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(what="login through FAS refused: assurance").exists()


def test_userinfo_as_a_signed_jwt_is_accepted(client, crafted):
    number = valid_niss()
    user = participant_with_account(number)
    crafted.claims = fas_servers.fas_claims(number)
    crafted.userinfo_as_jwt = True
    response = fas_servers.crafted_log_in(client)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert int(client.session["_auth_user_id"]) == user.pk


@pytest.mark.parametrize("spoil, message", [
    ("audience", "could not be verified"),
    ("expired", "has expired"),
    ("signature", "could not be verified"),
    ("nonce", "does not belong to the login you started here"),
])
def test_a_spoilt_id_token_is_refused_with_a_clear_message(client, crafted, spoil, message):
    number = valid_niss()
    participant_with_account(number)
    crafted.claims = fas_servers.fas_claims(number)
    crafted.spoil = spoil
    response = fas_servers.crafted_log_in(client)
    assert response.status_code == 403
    assert message in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert AuditEntry.objects.filter(what=f"login through FAS refused: {spoil}").exists()


def test_the_same_login_from_the_crafted_provider_succeeds_unspoilt(client, crafted):
    # The spoilt tokens above fail for what was spoilt, not for the provider.
    number = valid_niss()
    user = participant_with_account(number)
    crafted.claims = fas_servers.fas_claims(number)
    response = fas_servers.crafted_log_in(client)
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk


def test_a_signed_userinfo_with_a_foreign_key_is_refused(client, crafted):
    number = valid_niss()
    participant_with_account(number)
    crafted.claims = fas_servers.fas_claims(number)
    crafted.userinfo_as_jwt = crafted.spoil_userinfo = True
    response = fas_servers.crafted_log_in(client)
    assert response.status_code == 403
    assert "could not be verified" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_demo_command_says_what_the_local_provider_must_claim(settings):
    import io
    import json

    from django.core.management import call_command

    number = valid_niss()
    participant_with_account(number)
    out = io.StringIO()
    call_command("fas_demo_person", "sofie.participant@example.org", stdout=out)
    claims = json.loads(out.getvalue())
    assert claims["egovNRN"] == number and claims["acr"] == settings.FAS_ACR
    settings.DEMO_MODE = False
    with pytest.raises(Exception, match="Only in demo mode"):
        call_command("fas_demo_person", "sofie.participant@example.org", stdout=out)


def test_a_professional_with_totp_is_not_asked_for_a_code_after_fas(client, mock_fas,
                                                                    settings, admin):
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    settings.DEMO_MODE = False
    number = valid_niss()
    user = invited_provider(admin, number)
    TOTP.activate(user, generate_totp_secret())
    fas_servers.set_person(mock_fas, "sub-totp", fas_servers.fas_claims(number, language="en"))

    response = fas_servers.log_in(client, "sub-totp")

    assert response.status_code == 302 and "/2fa/" not in response["Location"]
    assert int(client.session["_auth_user_id"]) == user.pk


def test_an_administrator_invites_with_the_national_number_and_only_its_hash_is_kept(
        client, demo_admin):
    number = valid_niss()
    response = client.post("/backoffice/botp/invitation/add/", {
        "email": "gp.invited@example.org", "first_name": "Lies", "last_name": "Claes",
        "language": "nl", "role": "referrer", "national_number": number})
    assert response.status_code == 302, response.content.decode()[:2000]
    from botp.models import Invitation

    invitation = Invitation.objects.get(email="gp.invited@example.org")
    assert invitation.niss_hash == nationalnumber.keyed_hash(number)
    assert number not in str(list(Invitation.objects.values_list()))
    # The trail says the hash changed, never its value.
    assert not AuditEntry.objects.filter(changes__icontains=invitation.niss_hash).exists()
    # One number, one professional account.
    user = invitations.accept(invitations.token_for(invitation.nonce),
                              password="a-long-password-42")
    assert user.niss_hash == invitation.niss_hash
    again = client.post("/backoffice/botp/invitation/add/", {
        "email": "someone.else@example.org", "first_name": "X", "last_name": "Y",
        "language": "nl", "role": "referrer", "national_number": number})
    assert again.status_code == 200
    assert "An account with this national register number exists." in again.content.decode()


def test_fas_logins_and_refusals_are_read_on_the_account_audit_trail(client, world):
    from botp.fas import linking

    linking.record_login(world.participant, fas_servers.LEVEL_450)
    linking.record_refusal("unknown")
    client.force_login(world.psychologist)
    page = client.get(reverse("account_audit")).content.decode()
    assert "login through FAS (Level450)" in page
    assert "login through FAS refused: unknown" in page


def test_the_national_number_may_come_in_the_id_token_only(client, crafted):
    number = valid_niss()
    user = participant_with_account(number)
    crafted.claims = fas_servers.fas_claims(number)
    crafted.userinfo_claims = {"givenName": "Sofie", "prefLanguage": "fr"}
    response = fas_servers.crafted_log_in(client)
    assert response.status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk


def test_no_national_number_at_all_is_refused(client, crafted):
    participant_with_account(valid_niss())
    crafted.claims = {"givenName": "Sofie", "acr": fas_servers.LEVEL_450}
    response = fas_servers.crafted_log_in(client)
    assert response.status_code == 403
    assert "did not give your national register number" in response.content.decode()
    assert "_auth_user_id" not in client.session
