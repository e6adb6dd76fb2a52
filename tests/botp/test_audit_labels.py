"""The audit trail keeps what the code wrote; its page says it in the reader's language, with
no internal code left (transition names, document kinds, session type codes)."""

import ast
import pathlib

import pytest
from django.urls import reverse

from botp import audit_labels, demo
from botp.models import AuditEntry, Case

ROOT = pathlib.Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_every_record_the_programme_writes_on_a_case_is_described():
    demo.seed(cohort=False)
    for case in Case.objects.all():
        names = {kind.code: kind.name for kind in case.programme.session_types.all()}
        for what in case.audit_entries.values_list("what", flat=True).distinct():
            assert audit_labels.describe(what, names) != what, what


def _page_reads():
    """The records the pages write when they show a case (``what="…"``)."""
    for path in ROOT.glob("*/views.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call):
                for keyword in node.keywords:
                    if keyword.arg == "what" and isinstance(keyword.value, ast.Constant):
                        yield keyword.value.value


def test_every_page_read_of_a_case_has_a_label():
    reads = set(_page_reads())
    assert "case page" in reads
    assert reads <= set(audit_labels.FIXED), reads - set(audit_labels.FIXED)


@pytest.mark.django_db
@pytest.mark.parametrize("language, step, document", [
    ("fr", "Étape", "version 1, téléchargé"), ("nl", "Stap", "versie 1, gedownload"),
    ("en", "Step", "version 1, downloaded")])
def test_the_audit_page_speaks_the_readers_language(client, world, language, step, document):
    from tests.factories import put_case_in

    case = world.case()
    put_case_in(case, "in_diagnosis", btp=world.btp)
    AuditEntry.objects.create(actor=world.admin, kind=AuditEntry.Kind.CHANGE,
                              what="transition:approve", case=case)
    AuditEntry.objects.create(actor=world.psychologist, kind=AuditEntry.Kind.DOWNLOAD,
                              what="document decision_letter v1", case=case)
    client.force_login(world.psychologist)
    client.cookies["django_language"] = language
    html = client.get(reverse("case_audit", args=[case.reference])).content.decode()
    assert step in html and document in html
    assert "transition:" not in html and "decision_letter" not in html
