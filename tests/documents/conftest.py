import shutil
import subprocess

import pytest

from botp import documents
from tests.conftest import require_service
from tests.diagnosis.conftest import (  # noqa: F401  (stage fixtures used here too)
    diagnosis_case,
    physio,
    record,
    submitted,
)
from tests.intake.conftest import form_data, niss, referrer_client  # noqa: F401
from tests.treatment.conftest import consent, give, treated  # noqa: F401


@pytest.fixture
def pdf_text():
    """The text of a document's PDF, as poppler's pdftotext reads it."""
    require_service(shutil.which("pdftotext"), "needs poppler-utils (pdftotext)")

    def read(document):
        return subprocess.run(["pdftotext", "-layout", "-", "-"], input=documents.read(document),
                              capture_output=True, check=True).stdout.decode()

    return read


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
