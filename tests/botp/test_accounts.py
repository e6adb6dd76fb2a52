"""Logging in and out, rate limiting, two-factor authentication, and the language switch."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from botp.models import AuditEntry, Role
from tests.factories import UserFactory

PASSWORD = "correct-horse-42"


@pytest.fixture
def client(client):
    """The pages in English unless a test switches language."""
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


def login(client, email, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


@pytest.mark.django_db
def test_login_with_email_lands_on_the_dashboard_and_logout_ends_the_session(client):
    user = UserFactory(role=Role.FEDRIS_PSYCHOLOGIST)
    response = login(client, user.email)
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")
    assert client.get(reverse("dashboard")).status_code == 200
    client.post(reverse("account_logout"))
    assert client.get(reverse("dashboard")).status_code == 302


@pytest.mark.django_db
def test_a_wrong_password_is_refused_with_a_message(client):
    user = UserFactory()
    response = login(client, user.email, "wrong-password")
    assert response.status_code == 200
    assert "not correct" in response.content.decode()
    assert client.get(reverse("dashboard")).status_code == 302


@pytest.mark.django_db
def test_repeated_failed_logins_are_rate_limited(client):
    user = UserFactory()
    for _ in range(5):
        login(client, user.email, "wrong-password")
    response = login(client, user.email)  # even the right password is held back now
    assert "Too many failed login attempts" in response.content.decode()
    assert client.get(reverse("dashboard")).status_code == 302


def trail(subject):
    """The login entries on ``subject`` (its creation is recorded too)."""
    return list(AuditEntry.objects.filter(subject=subject, what__startswith="login")
                .order_by("pk").values_list("what", "actor_id"))


@pytest.mark.django_db
def test_a_password_login_and_a_refused_one_are_in_the_account_trail(client):
    user = UserFactory(role=Role.REFERRER)
    login(client, user.email, "wrong-password")
    assert trail(f"user:{user.pk}") == [("login with password refused", None)]
    login(client, user.email.upper())
    assert trail(f"user:{user.pk}")[1:] == [("login with password", user.pk)]


@pytest.mark.django_db
def test_an_address_with_no_account_is_recorded_without_the_address(client):
    login(client, "nobody.here@example.org", "guess")
    assert trail("login:password") == [("login with password refused: no such account", None)]
    assert not AuditEntry.objects.filter(what__contains="nobody.here").exists()


@pytest.mark.django_db
def test_the_psychologists_read_the_logins_in_the_account_trail(client):
    user = UserFactory(role=Role.REFERRER, first_name="Wanda", last_name="Wrongpass")
    login(client, user.email, "wrong-password")
    login(client, "nobody.here@example.org", "guess")
    client.force_login(UserFactory(role=Role.FEDRIS_PSYCHOLOGIST))
    strangers = client.get(reverse("account_audit"), {"record": "login"}).content.decode()
    assert "Login, account unknown" in strangers
    assert "login with password refused: no such account" in strangers
    assert "someone not signed in" in strangers and "the system" not in strangers
    assert "Wrongpass" not in strangers
    accounts = client.get(reverse("account_audit"), {"record": "user"}).content.decode()
    assert "login with password refused" in accounts and "Wrongpass" in accounts
    assert "no such account" not in accounts


@pytest.mark.django_db
def test_a_wrong_password_when_confirming_a_change_is_not_a_refused_login(client):
    user = UserFactory(role=Role.REFERRER)
    client.force_login(user)
    response = client.post(reverse("account_reauthenticate"), {"password": "wrong-password"})
    assert response.status_code == 200
    assert trail(f"user:{user.pk}") == []
    assert AuditEntry.objects.filter(subject=f"user:{user.pk}", actor=user,
                                     what="password confirmation refused").exists()


@pytest.mark.django_db
def test_a_login_with_a_second_factor_says_so_once_the_code_is_given(client, settings):
    from allauth.mfa.totp.internal.auth import (
        TOTP,
        format_hotp_value,
        generate_totp_secret,
        hotp_value,
        yield_hotp_counters_from_time,
    )

    settings.DEMO_MODE = False
    user = UserFactory(role=Role.FEDRIS_PSYCHOLOGIST)
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    response = login(client, user.email)
    assert response["Location"] == reverse("mfa_authenticate")
    # The password alone is not a login: nothing recorded until the code is given.
    assert not AuditEntry.objects.filter(what__startswith="login with password").exists()
    code = format_hotp_value(hotp_value(secret, next(yield_hotp_counters_from_time())))
    response = client.post(reverse("mfa_authenticate"), {"code": code})
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")
    assert trail(f"user:{user.pk}")[-1] == ("login with password and a second factor", user.pk)


@pytest.mark.django_db
def test_sign_up_is_closed(client):
    response = client.get(reverse("account_signup"))
    assert "Sign Up Closed" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.REFERRER, Role.FEDRIS_ADMIN, Role.FEDRIS_PSYCHOLOGIST,
                                  Role.PROVIDER, Role.RESEARCHER])
def test_professionals_must_set_up_two_factor_outside_demo_mode(client, settings, role):
    settings.DEMO_MODE = False
    client.force_login(UserFactory(role=role))
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    # The set-up page itself stays reachable (after confirming the password).
    setup = client.get(reverse("mfa_activate_totp"), follow=True)
    assert setup.status_code == 200
    assert setup.redirect_chain[-1][0].startswith(reverse("account_reauthenticate"))


@pytest.mark.django_db
def test_a_professional_with_totp_gets_through(client, settings):
    from allauth.mfa.models import Authenticator

    settings.DEMO_MODE = False
    user = UserFactory(role=Role.FEDRIS_PSYCHOLOGIST)
    Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP,
                                 data={"secret": "JBSWY3DPEHPK3PXP"})
    client.force_login(user)
    assert client.get(reverse("dashboard")).status_code == 200


@pytest.mark.django_db
def test_participants_are_not_forced_to_two_factor(client, settings):
    settings.DEMO_MODE = False
    client.force_login(UserFactory(role=Role.PARTICIPANT))
    assert client.get(reverse("dashboard")).status_code == 200


@pytest.mark.django_db
def test_demo_mode_does_not_force_two_factor(client, settings):
    settings.DEMO_MODE = True
    client.force_login(UserFactory(role=Role.FEDRIS_ADMIN))
    assert client.get(reverse("dashboard")).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("language, expected", [
    ("nl", "Mijn screeningsaanvragen"),
    ("fr", "Mes demandes de dépistage"),
    ("de", "Meine Screening-Anträge"),
    ("en", "My screening requests"),
])
def test_the_language_switch_translates_the_pages(client, language, expected):
    client.force_login(UserFactory(role=Role.REFERRER))
    response = client.post(reverse("set_language"),
                           {"language": language, "next": reverse("dashboard")})
    assert response.status_code == 302
    page = client.get(reverse("dashboard")).content.decode()
    assert expected in page
    assert f'lang="{language}-BE"' in page


@pytest.mark.django_db
def test_the_login_page_is_translated(client):
    client.cookies["django_language"] = "fr"
    page = client.get(reverse("account_login")).content.decode()
    assert "Connexion" in page or "Se connecter" in page


@pytest.mark.django_db
def test_password_reset_by_email(client, django_capture_on_commit_callbacks):
    import re

    from django.core import mail

    user = UserFactory(role=Role.REFERRER)
    with django_capture_on_commit_callbacks(execute=True):  # the outbox sends after the commit
        response = client.post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[user.email]]
    link = re.search(r"https?://[^/]+(/accounts/password/reset/key/\S+)", mail.outbox[0].body)
    form_page = client.get(link.group(1), follow=True)
    assert form_page.status_code == 200
    new_password = "a-brand-new-passphrase-7"
    response = client.post(form_page.redirect_chain[-1][0] if form_page.redirect_chain
                           else link.group(1),
                           {"password1": new_password, "password2": new_password})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new_password)


@pytest.mark.django_db
def test_an_unknown_address_gets_no_reset_mail_and_no_hint(client):
    from django.core import mail

    response = client.post(reverse("account_reset_password"), {"email": "nobody@example.org"})
    assert response.status_code == 302  # same answer as for a known address
    assert not any("/password/reset/key/" in m.body for m in mail.outbox)


@pytest.mark.django_db
def test_an_unverified_address_must_be_verified_before_logging_in(
        client, django_capture_on_commit_callbacks):
    from allauth.account.models import EmailAddress
    from django.core import mail

    user = UserFactory(role=Role.REFERRER)
    EmailAddress.objects.filter(user=user).update(verified=False)
    with django_capture_on_commit_callbacks(execute=True):  # the outbox sends after the commit
        response = login(client, user.email)
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert client.get(reverse("dashboard")).status_code == 302
    assert any(user.email in m.to for m in mail.outbox)


@pytest.mark.django_db
def test_a_signed_in_user_reads_the_portal_in_their_own_language(client):
    user = UserFactory(role="referrer", language="fr")
    client.force_login(user)
    del client.cookies["django_language"]  # no choice made with the switcher
    page = client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="nl-BE").content.decode()
    assert 'lang="fr-BE"' in page and "Mes demandes de dépistage" in page
    # The switcher's choice wins over the account's language.
    client.cookies["django_language"] = "nl"
    page = client.get("/dashboard/").content.decode()
    assert 'lang="nl-BE"' in page
    # Someone not signed in gets their browser's language.
    client.logout()  # (which also forgets the cookies)
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="fr-BE").content.decode()
    assert 'lang="fr-BE"' in page


@pytest.mark.django_db
def test_an_account_in_german_reads_the_portal_in_german(client):
    client.force_login(UserFactory(role="referrer", language="de"))
    del client.cookies["django_language"]  # no choice made with the switcher
    page = client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="fr-BE").content.decode()
    assert 'lang="de-BE"' in page and "Meine Screening-Anträge" in page
    # The switcher offers German, named in German, and marks it as the one in use.
    assert '<option value="de" lang="de" selected>Deutsch</option>' in page


@pytest.mark.django_db
def test_the_signed_in_message_is_in_the_accounts_language(client):
    user = UserFactory(role="referrer", language="nl", first_name="Els", last_name="Peeters")
    del client.cookies["django_language"]  # no choice made with the switcher
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD},
                           HTTP_ACCEPT_LANGUAGE="en", follow=True)
    page = response.content.decode()
    assert 'lang="nl-BE"' in page
    # In Dutch, and with the "u" the portal uses everywhere (allauth's own says "je").
    assert "U bent aangemeld als" in page and "Successfully signed in" not in page


@pytest.mark.django_db
def test_a_password_reset_goes_through_the_outbox_sealed(client):
    from django.core import mail

    from botp import outbox
    from botp.models import OutboxMessage

    user = UserFactory()
    response = client.post(reverse("account_reset_password"), {"email": user.email})
    assert response.status_code == 302
    assert mail.outbox == []  # nothing sent from inside the request
    message = OutboxMessage.objects.get(kind="account_email")
    assert "password" not in str(message.payload).lower()  # the link is sealed
    outbox.deliver([message.pk])
    [sent] = mail.outbox
    assert sent.to == [user.email] and "/accounts/password/reset/key/" in sent.body
    message.refresh_from_db()
    assert message.status == "sent" and message.payload == {}
