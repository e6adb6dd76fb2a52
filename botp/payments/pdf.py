"""The statement and payment run PDFs, rendered by the outbox worker (WeasyPrint) in each of
the portal's languages, stored encrypted with their SHA-256 (botp.documents does the same for
a case's documents)."""

import hashlib
import secrets

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from botp import keys, outbox
from botp.models import PaymentDocument, PaymentRun, Statement
from botp.payments import selectors

PURPOSE = "payment-pdf"
_files = FileSystemStorage(allow_overwrite=True)


def html_for(document):
    with translation.override(document.language):
        context = {"language": document.language, "letterhead": settings.LETTERHEAD,
                   "issued_on": timezone.localdate()}
        if document.subject == PaymentDocument.Subject.STATEMENT:
            statement = Statement.objects.select_related("provider__user").get(
                pk=document.subject_id)
            lines = selectors.lines_of(statement)
            context.update(statement=statement, lines=lines,
                           demonstration=selectors.is_demonstration(lines))
            return render_to_string("botp/payments/statement_pdf.html", context)
        run = PaymentRun.objects.select_related("created_by").get(pk=document.subject_id)
        context.update(run=run,
                       statements=run.statements.select_related("provider__user")
                       .order_by("pk"),
                       claims=run.travel_claims.select_related("case").order_by("pk"))
        return render_to_string("botp/payments/run_pdf.html", context)


def _deliver(message, mailer):
    from weasyprint import HTML

    document = PaymentDocument.objects.get(pk=message.payload["document"])
    if document.file:
        raise outbox.NotNeeded("rendered already")
    pdf = HTML(string=html_for(document), base_url=None).write_pdf()
    sealed = keys.fernet(PURPOSE).encrypt(pdf)
    name = _files.save(f"payments/{secrets.token_hex(16)}.pdf.enc", ContentFile(sealed))
    return {"file": name, "sha256": hashlib.sha256(pdf).hexdigest()}


def _rendered(message, stored):
    PaymentDocument.objects.filter(pk=message.payload["document"]).update(
        rendered_at=timezone.now(), **stored)


def read(document):
    with _files.open(document.file, "rb") as stored:
        return keys.fernet(PURPOSE).decrypt(stored.read())


outbox.register("payment_pdf", label=_("Payment PDF"), deliver=_deliver, delivered=_rendered,
                done_label=_("Ready"))
