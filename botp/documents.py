"""The programme's forms as PDF, rendered by WeasyPrint through the outbox after the submission
commits.

A stage registers each kind of document it issues: the template, how to build its context from
the thing rendered, and whose language it is written in. ``issue`` records the document to
make, and its outbox message, in the submission's transaction; the worker renders it and stores
the file with its SHA-256 (a failure is kept on the message, retried, and shown to Fedris). A new
version of a submission is a new document; earlier ones are kept. A document's file has one
name, so rendering it again (a worker that died before recording the result) replaces the file
instead of leaving another beside it.

Files are stored encrypted with a key derived from PERSONAL_DATA_KEY: a copy of the media
folder, or of its backup, reads as nothing without it.
"""

import hashlib
import io
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.db import IntegrityError, transaction
from django.http import FileResponse
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from botp import audit, keys, outbox
from botp.models import AuditEntry, Document, User

# Writes a document's file under its one name, replacing what an interrupted render left.
_files = FileSystemStorage(allow_overwrite=True)

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
            if created:
                outbox.enqueue("document", document.delivery_key, case=case,
                               payload={"document": document.pk})
    except IntegrityError:
        return Document.objects.get(kind=kind, source_id=source_id, version=version)
    return document


def signed_by(user, title=None):
    """Who signs a document, as its template shows them: name, title and registration number.
    A provider's title is their profession, a referrer's their kind; others' are given."""
    provider = getattr(user, "provider", None) if user is not None else None
    referrer = getattr(user, "referrer", None) if user is not None else None
    if title is None and provider is not None:
        title = provider.get_profession_display()
    if title is None and referrer is not None:
        title = referrer.get_kind_display()
    registration = ""
    if provider is not None:
        # Every registration the provider holds: INAMI/RIZIV, the Psychologists' Commission,
        # Fedris' accreditation (botp.registration).
        registration = "; ".join(f"{label} {number}"
                                 for label, number in provider.registrations())
    elif referrer is not None and referrer.riziv_number:
        registration = _("RIZIV/INAMI number %(number)s") % {"number": referrer.riziv_number}
    return {"name": user.get_full_name() if user is not None else "Fedris",
            "title": title or "", "registration": registration}


def html_for(document):
    kind = _kinds[document.kind]
    with translation.override(document.language):
        context = {"document": document, "case": document.case,
                   "issued_on": timezone.localdate(document.created_at),
                   "letterhead": settings.LETTERHEAD}
        context.update(kind.context(document))
        return render_to_string(kind.template, context)


def render(document):
    """``document`` as PDF bytes."""
    from weasyprint import HTML

    return HTML(string=html_for(document), base_url=None).write_pdf()


def store(document, pdf):
    """Keep ``pdf`` as the document's file, encrypted, with the SHA-256 and size of the PDF
    itself (not saved: the caller saves the document)."""
    document.sha256 = hashlib.sha256(pdf).hexdigest()
    document.size = len(pdf)
    sealed = keys.fernet("document-encryption").encrypt(pdf)
    document.file.name = _files.save(f"documents/{document.pk}/{document.filename}.enc",
                                     ContentFile(sealed))


class RenderingFailed(Exception):
    outbox_problem = outbox.Problem.RENDERING


def _deliver(message, mailer):
    document = Document.objects.select_related("case").get(pk=message.payload["document"])
    if document.status == Document.Status.RENDERED:
        raise outbox.NotNeeded("rendered already")
    try:
        pdf = render(document)
    except Exception as error:  # whatever WeasyPrint or a template raises, kept as the reason
        raise RenderingFailed(f"{type(error).__name__}: {error}") from error
    store(document, pdf)
    return {"file": document.file.name, "sha256": document.sha256, "size": document.size}


def _rendered(message, stored):
    Document.objects.filter(pk=message.payload["document"]).update(
        status=Document.Status.RENDERED, rendered_at=timezone.now(), **stored)


def _failed(message):
    Document.objects.filter(pk=message.payload["document"]).update(
        status=Document.Status.FAILED)


outbox.register("document", label=_("PDF document"), deliver=_deliver, delivered=_rendered,
                failed=_failed, done_label=_("Ready"))


def read(document):
    """The document's PDF."""
    with document.file.open("rb") as stored:
        data = stored.read()
    if data.startswith(b"%PDF"):
        return data  # stored before files were encrypted
    return keys.fernet("document-encryption").decrypt(data)


def download(document: Document, *, reader: User, through_api: bool = False) -> FileResponse:
    """The PDF for ``reader``, the download written in the audit trail."""
    what = f"document {document.kind} v{document.version}" + (" (API)" if through_api else "")
    audit.record(reader, AuditEntry.Kind.DOWNLOAD, what, case=document.case)
    return response(document)


def download_name(document):
    """The name the reader saves the PDF under, in the reader's language (the active one)."""
    kind = slugify(document.get_kind_display())
    return f"{document.case.reference}-{kind}-v{document.version}.pdf"


def attachment_name(document):
    """The name of the PDF attached to an e-mail: in the language it is written in, which is
    the e-mail's too."""
    with translation.override(document.language):
        return download_name(document)


def response(document):
    """The PDF for the browser to show (or save) under its name in the reader's language."""
    return FileResponse(io.BytesIO(read(document)), content_type="application/pdf",
                        filename=download_name(document))
