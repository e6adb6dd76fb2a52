"""A case reference in a URL is PREFIX-YEAR-NUMBER; anything else names no case and never
reaches the database (PostgreSQL refuses a NUL character in a query outright: that was a 500)."""

import pytest
from django.core.exceptions import ValidationError

from botp.models import CaseState


@pytest.mark.django_db
@pytest.mark.parametrize("reference", ["%00", "BOTP-2026%00", "%E2%80%AEBOTP", "BOTP_2026"])
@pytest.mark.parametrize("url", ["/cases/{}/", "/diagnosis/cases/{}/", "/treatment/cases/{}/",
                                 "/evaluation/cases/{}/", "/api/v1/cases/{}/"])
def test_a_reference_that_is_no_reference_is_not_found(client, world, url, reference):
    world.case(CaseState.IN_TREATMENT)
    client.force_login(world.psychologist)
    assert client.get(url.format(reference)).status_code == 404


@pytest.mark.django_db
def test_a_case_reference_still_opens_its_case(client, world):
    case = world.case(CaseState.IN_TREATMENT)
    client.force_login(world.psychologist)
    assert client.get(f"/cases/{case.reference}/").status_code == 200
    assert client.get(f"/api/v1/cases/{case.reference}/").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("prefix, valid", [("BOTP", True), ("FABOTP2", True), ("FA-BOTP", False),
                                           ("FA BOTP", False), ("BOTP/", False)])
def test_a_programme_reference_prefix_is_letters_and_digits(botp, prefix, valid):
    botp.reference_prefix = prefix
    if valid:
        botp.full_clean()
    else:
        with pytest.raises(ValidationError) as refused:
            botp.full_clean()
        assert "reference_prefix" in refused.value.error_dict
