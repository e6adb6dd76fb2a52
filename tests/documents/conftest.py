import shutil
import subprocess

import pytest

from botp import documents
from tests.environment import require_service


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
