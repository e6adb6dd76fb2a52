"""Input no form offers is a form error, never a server error (Trust, item 6)."""

import pytest
from django.urls import reverse

from diagnosis.models import DiagnosisReport

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("version", ["x", "²", "1.5", "NaN", "9" * 5000])
def test_a_report_version_that_is_not_a_whole_number_is_a_form_error(client, world,
                                                                      diagnosis_case, version):
    client.force_login(world.btp.user)
    response = client.post(reverse("diagnosis:report", args=[diagnosis_case.reference]), {
        "version": version, "action": "draft", "anamnesis": "Some notes",
    })
    assert response.status_code == 400
    assert "reload" in response.content.decode().lower()
    assert not DiagnosisReport.objects.exists()


@pytest.mark.parametrize("value", ["²", "¹²", "٣", "-1", "1.0", "99999999999999999999999"])
def test_an_isp_that_is_not_a_provider_number_is_a_form_error(client, world, diagnosis_case,
                                                              value):
    client.force_login(world.btp.user)
    response = client.post(reverse("diagnosis:report", args=[diagnosis_case.reference]), {
        "version": diagnosis_case.version, "action": "draft",
        "planned_individual-psycho_corporal": "2", "isp_individual-psycho_corporal": value,
    })
    assert response.status_code == 400
    assert "error-summary" in response.content.decode()
    assert not DiagnosisReport.objects.exists()
