"""Fedris administrators keep the provider directory in the back office."""

import pytest

from botp import demo
from botp.models import Programme, Provider, Role, User
from tests.factories import UserFactory


@pytest.fixture
def admin_client(client, db):
    demo.seed(cohort=False)
    client.force_login(User.objects.get(email="admin@demo.botp.be"))
    client.cookies["django_language"] = "en"  # the demo administrator's own language is French
    return client


def provider_form(user, **overrides):
    data = {
        "user": user.pk, "is_btp": "on", "profession": "clinical_psychologist",
        "programmes": list(Programme.objects.values_list("pk", flat=True)),
        "accredited_on": "2026-01-10", "training_completed": "on", "active": "on",
        "languages": ["nl", "de"], "province": "VLI", "postcode": "3500", "city": "Hasselt",
        "address": "", "phone": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.django_db
def test_an_administrator_adds_an_accredited_btp_to_the_directory(admin_client):
    user = UserFactory(role=Role.PROVIDER)
    response = admin_client.post("/backoffice/botp/provider/add/", provider_form(user))
    assert response.status_code == 302, response.content.decode()[:2000]
    provider = Provider.objects.get(user=user)
    assert provider.languages == ["nl", "de"]
    assert provider in Provider.objects.btps()


@pytest.mark.django_db
@pytest.mark.parametrize("overrides, message", [
    ({"is_btp": None, "is_isp": "on", "profession": "physician"},
     "An ISP is a clinical psychologist or a physiotherapist."),
    ({"profession": "physiotherapist"},
     "A BTP is a physician, an occupational psychologist or a clinical psychologist."),
    ({"is_btp": None}, "A provider is a BTP, an ISP or both."),
    ({"languages": []}, "This field is required."),
])
def test_the_directory_refuses_a_provider_the_programme_does_not_allow(admin_client, overrides,
                                                                       message):
    user = UserFactory(role=Role.PROVIDER)
    response = admin_client.post("/backoffice/botp/provider/add/",
                                 provider_form(user, **overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Provider.objects.filter(user=user).exists()


@pytest.mark.django_db
def test_a_provider_account_must_have_the_provider_role(admin_client):
    referrer = UserFactory(role=Role.REFERRER)
    response = admin_client.post("/backoffice/botp/provider/add/", provider_form(referrer))
    assert "must have the care provider role" in response.content.decode()


@pytest.mark.django_db
def test_deactivating_a_provider_takes_them_out_of_the_directory(admin_client):
    provider = Provider.objects.get(user__email="provider01@demo.botp.be")
    assert provider in Provider.objects.btps()
    data = provider_form(provider.user, active=None, is_btp="on", profession=provider.profession,
                         languages=provider.languages, province=provider.province,
                         postcode=provider.postcode, city=provider.city)
    response = admin_client.post(f"/backoffice/botp/provider/{provider.pk}/change/", data)
    assert response.status_code == 302
    assert provider not in Provider.objects.btps()
