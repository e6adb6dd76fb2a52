"""Failed logins are limited per client address and per account. Behind a configured reverse
proxy the address is the client's own, so clients do not share one limit; without that
configuration a client cannot choose its address by writing X-Forwarded-For."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.factories import UserFactory

PASSWORD = "correct-horse-42"
PROXY = "10.0.0.2"  # the reverse proxy: the REMOTE_ADDR of every request through it
TOO_MANY = "Too many failed login attempts"
ATTEMPTS = 5  # ACCOUNT_RATE_LIMITS["login_failed"], per address and per account


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def client(client):
    client.cookies["django_language"] = "en"
    return client


def login(client, email, password=PASSWORD, **headers):
    return client.post(reverse("account_login"), {"login": email, "password": password},
                       **headers)


def held_back(response):
    return TOO_MANY in response.content.decode()


def signed_in(response):
    return response.status_code == 302 and response["Location"] == reverse("dashboard")


def exhaust_address(client, **headers):
    """Failed logins from one address, each for another account, so only the address's limit
    is reached."""
    for attempt in range(ATTEMPTS):
        assert not held_back(login(client, f"nobody{attempt}@example.be", "wrong", **headers))


# How each configuration makes the proxy pass on a client's address.
def forwarded_for(address):
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": address}


def real_ip(address):
    return {"REMOTE_ADDR": PROXY, "HTTP_X_REAL_IP": address}


@pytest.fixture(params=["proxy count", "client address header"])
def behind_proxy(request, settings):
    if request.param == "proxy count":
        settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
        return forwarded_for
    settings.ALLAUTH_TRUSTED_CLIENT_IP_HEADER = "X-Real-IP"
    return real_ip


@pytest.mark.django_db
def test_behind_a_configured_proxy_each_client_has_its_own_limit(client, behind_proxy):
    user = UserFactory(password=PASSWORD)
    exhaust_address(client, **behind_proxy("203.0.113.5"))
    assert held_back(login(client, user.email, **behind_proxy("203.0.113.5")))
    # Another client through the same proxy is not held back by the first one's failures.
    assert signed_in(login(client, user.email, **behind_proxy("198.51.100.7")))


@pytest.mark.django_db
def test_a_client_cannot_prepend_another_address_to_what_the_proxy_appends(client, settings):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = 1
    user = UserFactory(password=PASSWORD)
    exhaust_address(client, **forwarded_for("203.0.113.5"))
    # The client wrote "198.51.100.99"; the proxy appended the address it saw.
    assert held_back(login(client, user.email, **forwarded_for("198.51.100.99, 203.0.113.5")))


@pytest.mark.django_db
def test_without_a_configured_proxy_forwarded_for_is_ignored(client):
    user = UserFactory(password=PASSWORD)
    exhaust_address(client, REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR="192.0.2.1")
    for spoofed in ("192.0.2.2", "198.51.100.7, 192.0.2.3"):
        assert held_back(login(client, user.email, REMOTE_ADDR="203.0.113.5",
                               HTTP_X_FORWARDED_FOR=spoofed))
    assert held_back(login(client, user.email, REMOTE_ADDR="203.0.113.5",
                           HTTP_X_REAL_IP="192.0.2.4"))
    # Another address is not held back.
    assert signed_in(login(client, user.email, REMOTE_ADDR="198.51.100.7"))


@pytest.mark.django_db
def test_failed_logins_for_one_account_are_limited_whatever_the_address(client, behind_proxy):
    user = UserFactory(password=PASSWORD)
    other = UserFactory(password=PASSWORD)
    for attempt in range(ATTEMPTS):
        login(client, user.email.upper(), "wrong", **behind_proxy(f"192.0.2.{attempt + 1}"))
    # Even the right password is held back now, from an address that never failed.
    assert held_back(login(client, user.email, **behind_proxy("198.51.100.7")))
    assert signed_in(login(client, other.email, **behind_proxy("198.51.100.7")))


@pytest.mark.django_db
def test_failed_logins_for_one_account_are_limited_whatever_the_host_header(client):
    # A port in the Host header passes ALLOWED_HOSTS ("testserver:1" is "testserver"): it must
    # not give the account a fresh limit each time.
    user = UserFactory(password=PASSWORD)
    for attempt in range(ATTEMPTS):
        login(client, user.email, "wrong", HTTP_HOST=f"testserver:{attempt + 1}",
              REMOTE_ADDR=f"192.0.2.{attempt + 1}")
    assert held_back(login(client, user.email, HTTP_HOST="testserver:99",
                           REMOTE_ADDR="198.51.100.7"))
