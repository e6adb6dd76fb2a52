"""Fedris administrators keep the provider directory in the back office."""

import pytest

from botp.models import Programme, Provider, Role
from tests.factories import UserFactory


@pytest.fixture
def admin_client(client, demo_admin):
    return client


def provider_form(**overrides):
    data = {
        "email": "new.btp@example.org", "first_name": "Nina", "last_name": "Vos",
        "language": "nl",
        "is_btp": "on", "profession": "clinical_psychologist",
        "programmes": list(Programme.objects.values_list("pk", flat=True)),
        "accredited_on": "2026-01-10", "training_completed": "on", "active": "on",
        "languages": ["nl", "de"], "province": "VLI", "postcode": "3500", "city": "Hasselt",
        "address": "", "phone": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.django_db
def test_an_administrator_adds_an_accredited_btp_to_the_directory(admin_client):
    response = admin_client.post("/backoffice/botp/provider/add/", provider_form())
    assert response.status_code == 302, response.content.decode()[:2000]
    provider = Provider.objects.get(invitations__email="new.btp@example.org")
    assert provider.languages == ["nl", "de"] and provider.accredited_on is not None
    # Listed once the provider has accepted the invitation and has an account to work with.
    assert provider.user is None and provider not in Provider.objects.btps()
    assert provider.invitations.get().invited_by.email == "admin@demo.botp.be"


@pytest.mark.django_db
@pytest.mark.parametrize("overrides, message", [
    ({"is_btp": None, "is_isp": "on", "profession": "physician"},
     "An ISP is a clinical psychologist or a physiotherapist."),
    ({"profession": "physiotherapist"},
     "A BTP is a physician, an occupational psychologist or a clinical psychologist."),
    ({"is_btp": None}, "A provider is a BTP, an ISP or both."),
    ({"languages": []}, "This field is required."),
    ({"email": "btp@demo.botp.be"}, "An account with this e-mail address exists."),
])
def test_the_directory_refuses_a_provider_the_programme_does_not_allow(admin_client, overrides,
                                                                       message):
    before = Provider.objects.count()
    response = admin_client.post("/backoffice/botp/provider/add/", provider_form(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Provider.objects.count() == before


@pytest.mark.django_db
def test_a_provider_record_belongs_to_a_provider_account_only():
    referrer = UserFactory(role=Role.REFERRER)
    admin = UserFactory(role=Role.FEDRIS_ADMIN)
    for user in (referrer, admin):
        with pytest.raises(PermissionError):
            Provider.objects.create(user=user, is_btp=True, profession="physician",
                                    languages=["nl"], province="VAN", postcode="2000")
    assert not Provider.objects.filter(user__in=[referrer, admin]).exists()


@pytest.mark.django_db
def test_deactivating_a_provider_takes_them_out_of_the_directory(admin_client):
    provider = Provider.objects.get(user__email="provider01@demo.botp.be")
    assert provider in Provider.objects.btps()
    data = provider_form(active=None, is_btp="on", profession=provider.profession,
                         languages=provider.languages, province=provider.province,
                         postcode=provider.postcode, city=provider.city)
    response = admin_client.post(f"/backoffice/botp/provider/{provider.pk}/change/", data)
    assert response.status_code == 302
    assert provider not in Provider.objects.btps()
