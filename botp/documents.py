"""The programme's forms as PDF, rendered by WeasyPrint in a Celery task after the submission
commits.

A stage registers each kind of document it issues: the template, how to build its context from
the thing rendered, and whose language it is written in. ``issue`` records the document to
make; the task renders it, stores the file with its SHA-256, and on failure keeps the reason and
retries. A new version of a submission is a new document; earlier ones are kept.
"""

import hashlib
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from botp.models import Document

_kinds = {}


@dataclass(frozen=True)
class Kind:
    template: str
    # (document) -> template context
    context: object
    # (case, source id) -> language of the reader the document is for
    language: object


def register(kind, *, template, context, language):
    _kinds[kind] = Kind(template, context, language)


def issue(case, kind, source_id, *, version=1):
    """Record a document to render once the current transaction commits; return it. Issuing the
    same version again changes nothing."""
    language = _kinds[kind].language(case, source_id)
    try:
        with transaction.atomic():
            document, created = Document.objects.get_or_create(
                kind=kind, source_id=source_id, version=version,
                defaults={"case": case, "language": language},
            )
    except IntegrityError:
        return Document.objects.get(kind=kind, source_id=source_id, version=version)
    if created:
        from botp.tasks import render_document

        transaction.on_commit(lambda: render_document.delay(document.pk))
    return document


def html_for(document):
    kind = _kinds[document.kind]
    with translation.override(document.language):
        context = {"document": document, "case": document.case,
                   "issued_on": timezone.localdate(document.created_at)}
        context.update(kind.context(document))
        return render_to_string(kind.template, context)


def render(document):
    """Render ``document`` to PDF and store it with its hash."""
    from weasyprint import HTML

    pdf = HTML(string=html_for(document), base_url=None).write_pdf()
    document.sha256 = hashlib.sha256(pdf).hexdigest()
    document.size = len(pdf)
    document.file.save(document.filename, ContentFile(pdf), save=False)
    document.status = Document.Status.RENDERED
    document.rendered_at = timezone.now()
    document.last_error = ""
    document.save()
    return document
