"""The research export as a background job: asked for on the dashboard, built by a worker
through the outbox into an encrypted file, downloaded by the researcher once it is ready.

Built in a request, the export of a national cohort outlived the server's timeout and the
researcher got a cut-off file. Here the request only records the job (and its outbox message,
in one transaction); the worker writes the CSV chunk by chunk (evaluation.export), each chunk
sealed on its own with a key derived from PERSONAL_DATA_KEY, so neither building nor
downloading ever holds the whole file in memory, and a copy of the media folder reads as
nothing without the key. The rows are those of the disclosure rules at the time the file is
built (evaluation.disclosure); the request and every download are in the audit trail.
"""

import dataclasses
import os
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from botp import audit, keys, outbox
from botp.models import AuditEntry, User
from evaluation import disclosure, export
from evaluation.models import ResearchExport

# About this much CSV is sealed at a time: memory stays flat whatever the cohort.
SEAL_BYTES = 1 << 20
SHOWN = 20


def _fernet():
    return keys.fernet("research-export")


def _folder():
    folder = Path(settings.MEDIA_ROOT) / "exports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def request_export(user: User, selection: disclosure.Selection, size: int) -> ResearchExport:
    """Record ``user``'s export of ``selection`` (``size`` published cases) for a worker to
    build; refused for a group below the minimum."""
    if size < disclosure.min_group():
        raise ValidationError(_(
            "This selection has fewer than %(min)s participants: it is not exported, so that "
            "no one can be recognised in it.") % {"min": disclosure.min_group()})
    with transaction.atomic():
        job = ResearchExport.objects.create(requested_by=user, cases=size,
                                            selection=dataclasses.asdict(selection))
        outbox.enqueue("research_export", job.delivery_key, payload={"export": job.pk})
        audit.record(user, AuditEntry.Kind.CHANGE, "pseudonymised export requested")
    return job


def exports_of(user: User):
    """The user's latest exports, newest first."""
    return ResearchExport.objects.filter(requested_by=user)[:SHOWN]


def ready_export(user: User, pk: int) -> ResearchExport:
    """The user's own export ``pk``, once ready; anything else is not found."""
    job = ResearchExport.objects.filter(pk=pk, requested_by=user,
                                        status=ResearchExport.Status.READY).first()
    if job is None:
        raise Http404
    return job


def build(job: ResearchExport):
    """Write ``job``'s file; return what to record of it."""
    selection = disclosure.Selection(**job.selection)
    cases = disclosure.published_cases(selection)
    if len(cases) < disclosure.min_group():
        raise outbox.Undeliverable(outbox.Problem.ERROR, "fewer cases than the minimum group")
    sealer = _fernet()
    name = f"export-{job.pk}.csv.enc"
    final = _folder() / name
    partial = final.with_suffix(".part")
    rows, pending, pending_size = -1, [], 0  # the header is no row
    with open(partial, "wb") as out:
        for line in export.csv_lines(cases):
            rows += 1
            pending.append(line)
            pending_size += len(line)
            if pending_size >= SEAL_BYTES:
                out.write(sealer.encrypt("".join(pending).encode()) + b"\n")
                pending, pending_size = [], 0
        if pending:
            out.write(sealer.encrypt("".join(pending).encode()) + b"\n")
    os.replace(partial, final)
    return {"file": name, "size": final.stat().st_size, "rows": rows, "cases": len(cases)}


def _deliver(message, mailer):
    job = ResearchExport.objects.get(pk=message.payload["export"])
    if job.status == ResearchExport.Status.READY:
        raise outbox.NotNeeded("prepared already")
    return build(job)


def _built(message, built):
    ResearchExport.objects.filter(pk=message.payload["export"]).update(
        status=ResearchExport.Status.READY, finished_at=timezone.now(), **built)


def _failed(message):
    ResearchExport.objects.filter(pk=message.payload["export"]).update(
        status=ResearchExport.Status.FAILED, finished_at=timezone.now())


outbox.register("research_export", label=gettext_lazy("Research export"), deliver=_deliver,
                delivered=_built, failed=_failed, done_label=gettext_lazy("Ready"), heavy=True)


def _chunks(job):
    sealer = _fernet()
    with open(_folder() / job.file, "rb") as sealed:
        for line in sealed:
            yield sealer.decrypt(line.strip())


def download(job: ResearchExport, *, reader: User) -> StreamingHttpResponse:
    """``job``'s CSV for ``reader``, unsealed chunk by chunk; the download audited."""
    audit.record(reader, AuditEntry.Kind.DOWNLOAD, "pseudonymised export")
    response = StreamingHttpResponse(_chunks(job), content_type="text/csv")
    stamp = timezone.localtime(job.finished_at or job.requested_at).date().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="botp-evaluation-{stamp}-{job.pk}.csv"')
    return response
