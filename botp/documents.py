"""The programme's forms as PDF, rendered by WeasyPrint in a Celery task after the submission
commits.

A stage registers each kind of document it issues: the template, how to build its context from
the thing rendered, and whose language it is written in. ``issue`` records the document to
make; the task renders it, stores the file with its SHA-256, and on failure keeps the reason and
retries. A new version of a submission is a new document; earlier ones are kept.

Files are stored encrypted with a key derived from PERSONAL_DATA_KEY: a copy of the media
folder, or of its backup, reads as nothing without it.
"""

import hashlib
import io
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.http import FileResponse
from django.template.loader import render_to_string
from django.utils import timezone, translation

from botp import keys
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
    store(document, pdf)
    document.status = Document.Status.RENDERED
    document.rendered_at = timezone.now()
    document.last_error = ""
    document.save()
    return document


def store(document, pdf):
    """Keep ``pdf`` as the document's file, encrypted, with the SHA-256 and size of the PDF
    itself (not saved: the caller saves the document)."""
    document.sha256 = hashlib.sha256(pdf).hexdigest()
    document.size = len(pdf)
    sealed = keys.fernet("document-encryption").encrypt(pdf)
    document.file.save(f"{document.filename}.enc", ContentFile(sealed), save=False)


def read(document):
    """The document's PDF."""
    with document.file.open("rb") as stored:
        data = stored.read()
    if data.startswith(b"%PDF"):
        return data  # stored before files were encrypted
    return keys.fernet("document-encryption").decrypt(data)


def response(document):
    """The PDF for the browser to show (or save) under the document's name."""
    return FileResponse(io.BytesIO(read(document)), content_type="application/pdf",
                        filename=document.filename)
