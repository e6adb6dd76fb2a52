"""Providers' registration numbers (INAMI/RIZIV, the Psychologists' Commission, Fedris'
accreditation): checked when typed, shown on their reports and in the directory, and an
accreditation that ends is a to-do for administrators."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from botp import documents, registration, worklists
from botp.models import Provider
from tests.botp.test_provider_admin import provider_form
from tests.factories import ProviderFactory

# 123456: 97 - 123456 mod 97 = 25 and 89 - 123456 mod 89 = 76; 004 a qualification code.
VALID_97 = "12345625004"
VALID_89 = "12345676004"


@pytest.mark.parametrize("typed, stored", [
    (VALID_97, VALID_97), ("1-23456-25-004", VALID_97), ("1.23456.76.004", VALID_89),
    (" 12345 67 6004 ", VALID_89),
])
def test_a_riziv_number_with_matching_check_digits_is_accepted(typed, stored):
    assert registration.validate_riziv(typed) == stored


@pytest.mark.parametrize("typed, code", [
    ("12345626004", "riziv_checksum"),  # one check digit off
    ("22345625004", "riziv_checksum"),  # a digit of the identifier changed
    ("1234562500", "riziv_format"), ("123456250045", "riziv_format"),
    ("1234562500a", "riziv_format"), ("", "riziv_format"),
    ("١٢٣٤٥٦٢٥٠٠٤", "riziv_format"),  # digits of another script
])
def test_a_riziv_number_that_cannot_be_one_is_refused(typed, code):
    with pytest.raises(ValidationError) as refused:
        registration.validate_riziv(typed)
    assert refused.value.code == code


def test_riziv_numbers_are_written_as_riziv_writes_them():
    assert registration.format_riziv(VALID_97) == "1-23456-25-004"


@pytest.mark.django_db
def test_the_directory_keeps_a_physicians_valid_registration(client, demo_admin):
    response = client.post("/backoffice/botp/provider/add/", provider_form(
        profession="physician", riziv_number="1-23456-25-004",
        accreditation_reference="btp-2026/017", accreditation_expires_on="2028-01-09"))
    assert response.status_code == 302, response.content.decode()[:3000]
    provider = Provider.objects.get(invitations__email="new.btp@example.org")
    assert provider.riziv_number == VALID_97
    assert provider.accreditation_reference == "BTP-2026/017"
    assert provider.accreditation_expires_on == datetime.date(2028, 1, 9)
    listing = client.get("/backoffice/botp/provider/?q=12345625004").content.decode()
    assert "INAMI/RIZIV number 1-23456-25-004" in listing


@pytest.mark.django_db
@pytest.mark.parametrize("overrides, message", [
    ({"riziv_number": "12345626004"}, "its check digits do not match"),
    ({"profession": "occupational_psychologist", "riziv_number": VALID_97},
     "Only physicians, clinical psychologists and physiotherapists have an INAMI/RIZIV"),
    ({"profession": "physician", "commission_number": "812345"},
     "Only psychologists are registered with the Psychologists"),
    ({"commission_number": "81-ab"}, "written in digits only"),
    ({"accredited_on": "2026-01-10", "accreditation_expires_on": "2025-12-31"},
     "The accreditation ends after the day it starts."),
])
def test_the_directory_refuses_a_registration_that_cannot_be(client, demo_admin, overrides,
                                                              message):
    before = Provider.objects.count()
    response = client.post("/backoffice/botp/provider/add/", provider_form(**overrides))
    assert response.status_code == 200
    assert message in response.content.decode().replace("&#x27;", "'")
    assert Provider.objects.count() == before


@pytest.mark.django_db
def test_a_report_is_signed_with_the_providers_registrations():
    provider = ProviderFactory(profession="clinical_psychologist", riziv_number=VALID_97,
                               commission_number="812345678",
                               accreditation_reference="BTP-2026/017")
    signature = documents.signed_by(provider.user)
    assert signature["title"] == "Clinical psychologist"
    assert signature["registration"] == (
        "INAMI/RIZIV number 1-23456-25-004; Psychologists' Commission registration "
        "812345678; Fedris accreditation BTP-2026/017")


@pytest.mark.django_db
def test_a_provider_without_registrations_signs_without_them():
    provider = ProviderFactory()
    assert documents.signed_by(provider.user)["registration"] == ""


def accreditation_todos(user):
    return [todo for todo in worklists.for_user(user) if todo.kind == "accreditation"]


@pytest.mark.django_db
def test_an_accreditation_ending_soon_is_a_to_do_for_administrators(world, settings):
    settings.ACCREDITATION_WARNING_DAYS = 30
    today = timezone.localdate()
    ending = ProviderFactory(accreditation_expires_on=today + datetime.timedelta(days=20))
    ended = ProviderFactory(accreditation_expires_on=today - datetime.timedelta(days=1))
    ProviderFactory(accreditation_expires_on=today + datetime.timedelta(days=31))  # not yet
    ProviderFactory(accreditation_expires_on=today, active=False)  # out of the directory

    world.admin.is_staff = True
    world.admin.save()
    todos = accreditation_todos(world.admin)

    assert [todo.url for todo in todos] == [f"/backoffice/botp/provider/{ended.pk}/change/",
                                            f"/backoffice/botp/provider/{ending.pk}/change/"]
    assert todos[0].flag == "Accreditation ended" and todos[0].note.startswith("Ended on")
    assert todos[1].note.startswith("Valid until") and not todos[1].flag
    assert str(ending) in todos[1].what
    # Not for those who do not keep the directory.
    assert accreditation_todos(world.psychologist) == []
    assert accreditation_todos(world.btp.user) == []


@pytest.mark.django_db
def test_a_provider_whose_accreditation_ended_leaves_the_directory(botp):
    today = timezone.localdate()
    ended = ProviderFactory(programmes=[botp],
                            accreditation_expires_on=today - datetime.timedelta(days=1))
    last_day = ProviderFactory(programmes=[botp], accreditation_expires_on=today)
    btps = set(Provider.objects.btps())
    assert last_day in btps and ended not in btps
    assert last_day.is_accredited and not ended.is_accredited
