from tests.intake.conftest import form_data, niss  # noqa: F401  (a screening request to post)
