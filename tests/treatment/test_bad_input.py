"""Names a participant gives in a consent are names: no control or invisible characters
(Trust, item 6)."""

import pytest
from django.urls import reverse

from treatment.models import FinalReport


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["name_0", "organisation_0"])
@pytest.mark.parametrize("value", ["Jo\x07 Peeters", "\u202esreteeP oJ", "Jo \ufffd"])
def test_a_consent_naming_someone_with_characters_that_have_no_place_in_a_name_is_refused(
        client, world, treated, field, value):
    client.force_login(world.participant)
    data = {"purpose": "meeting", "role_0": "employer", "name_0": "Jo Peeters", "agree": "on"}
    response = client.post(reverse("treatment:give_consent", args=[treated.reference]),
                           {**data, field: value}, follow=True)
    assert "This text contains characters that are not allowed." in response.content.decode()
    assert not treated.consents.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("version", ["x", "²", "-1"])
def test_a_final_report_version_that_is_not_a_whole_number_is_a_form_error(client, world,
                                                                           treated, version):
    client.force_login(world.btp.user)
    response = client.post(reverse("treatment:final_report", args=[treated.reference]),
                           {"version": version, "action": "draft", "conclusion": "So far"})
    assert response.status_code == 400
    assert "reload" in response.content.decode().lower()
    assert not FinalReport.objects.filter(case=treated).exists()
