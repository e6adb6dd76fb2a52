"""A provider's registration numbers on the reports they sign."""

import pytest

from botp.models import Provider
from tests.botp.test_provider_registrations import VALID_97


@pytest.mark.django_db
def test_the_report_pdf_shows_the_registration(world, diagnosis_case, submitted, pdf_text,
                                               django_capture_on_commit_callbacks):
    from botp.models import Document

    Provider.objects.filter(pk=diagnosis_case.btp_id).update(
        profession="clinical_psychologist", riziv_number=VALID_97,
        accreditation_reference="BTP-2026/017")
    with django_capture_on_commit_callbacks(execute=True):
        submitted()
    text = " ".join(pdf_text(Document.objects.get(case=diagnosis_case,
                                                  kind="diagnosis_report")).split())
    assert "INAMI/RIZIV number 1-23456-25-004" in text
    assert "Fedris accreditation BTP-2026/017" in text
