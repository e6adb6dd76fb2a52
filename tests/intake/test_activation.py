"""The participant's activation link: once, before it expires, and nothing for a wrong one."""

import datetime
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from botp.models import Role, User
from intake import activation, services
from intake.models import ActivationLink, ScreeningRequest
from tests.scenarios import post_new

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-enough-passphrase-9"


@pytest.fixture
def link(referrer_client, form_data, world, django_capture_on_commit_callbacks):
    post_new(referrer_client, form_data())
    screening = ScreeningRequest.objects.get()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.decide(screening, world.admin, decision="approve")
    body = next(m.body for m in mail.outbox
                if "eva.peeters@example.org" in m.to and "/intake/activate/" in m.body)
    return re.search(r"https?://[^/]+(/intake/activate/[\w-]+/)", body).group(1)


def activate(client, url, password=PASSWORD):
    return client.post(url, {"password1": password, "password2": password})


def test_the_link_creates_the_account_and_logs_in(client, link):
    client.logout()
    page = client.get(link)
    assert page.status_code == 200 and "eva.peeters@example.org" in page.content.decode()
    response = activate(client, link)
    assert response.status_code == 302 and response["Location"] == reverse("dashboard")
    user = User.objects.get(email="eva.peeters@example.org")
    assert user.role == Role.PARTICIPANT and user.language == "fr"
    assert user.participant.cases.get().reference in client.get(reverse("dashboard")).content\
        .decode()


def test_the_link_works_once(client, link):
    client.logout()
    activate(client, link)
    client.logout()
    response = client.get(link)
    assert response.status_code == 410 and "already been used" in response.content.decode()
    assert activate(client, link, "another-passphrase-42").status_code == 410
    assert User.objects.get(email="eva.peeters@example.org").check_password(PASSWORD)


def test_an_expired_link_is_refused(client, link):
    ActivationLink.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))
    client.logout()
    response = client.get(link)
    assert response.status_code == 410 and "expired" in response.content.decode()
    assert not User.objects.filter(email="eva.peeters@example.org").exists()


@pytest.mark.parametrize("token", ["wrong", "a" * 43, ""])
def test_a_wrong_link_reveals_nothing(client, link, token):
    client.logout()
    url = reverse("intake:activate", args=[token]) if token else "/intake/activate/x/"
    response = client.get(url)
    page = response.content.decode()
    assert response.status_code == 404 and "not valid" in page
    # Her name, not "eva" alone: the page's random CSRF token may hold those three letters.
    assert "peeters" not in page.lower() and "eva.peeters" not in page.lower()


def test_only_a_hash_of_the_token_is_stored(link):
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert not ActivationLink.objects.filter(token_hash=token).exists()
    assert len(token) >= 40  # 256 random bits, url-safe


def test_mismatched_or_weak_passwords_are_refused(client, link):
    client.logout()
    response = client.post(link, {"password1": PASSWORD, "password2": PASSWORD + "x"})
    assert response.status_code == 400 and "differ" in response.content.decode()
    response = client.post(link, {"password1": "12345678", "password2": "12345678"})
    assert response.status_code == 400
    assert not User.objects.filter(email="eva.peeters@example.org").exists()


def test_a_new_link_replaces_the_old_one(link, world):
    from botp.models import Participant

    participant = Participant.objects.get(email="eva.peeters@example.org")
    activation.issue_link(participant)
    with pytest.raises(activation.LinkProblem) as problem:
        activation.find_link(link.rstrip("/").rsplit("/", 1)[1])
    assert problem.value.code == "expired"


@pytest.mark.parametrize("language, rule, short", [
    ("nl", "minstens 10 tekens", "Dit wachtwoord is te kort. Het moet minstens 10 tekens"),
    ("fr", "au minimum 10 caractères", "Ce mot de passe est trop court."),
    ("en", "at least 10 characters", "This password is too short.")])
def test_the_password_rules_are_stated_first_and_refused_in_the_readers_language(
        client, link, language, rule, short):
    client.logout()
    client.cookies["django_language"] = language
    page = client.get(link).content.decode()
    assert rule in page  # before any try
    response = client.post(link, {"password1": "kort-9", "password2": "kort-9"})
    assert response.status_code == 400 and short in response.content.decode()
