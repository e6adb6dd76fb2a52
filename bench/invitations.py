"""Run by bench/measure.py inside the portal (``manage.py shell``), by BENCH_STEP:
"queue": BENCH_INVITATIONS cases approved today (bulk copies), each given its pre-test
invitation in its own transaction as the daily reconciliation does, the outbox kicks going to
the broker; "state": how many of those messages wait or went, and how often each was tried;
"export": the researcher's latest export. JSON on the last line."""

import json
import os
import time

from django.conf import settings
from django.db import transaction

from botp import bench_data, demo
from botp.models import Case, CaseState, OutboxMessage, User


def mails():
    folder = settings.EMAIL_FILE_PATH
    return sum(1 for _ in os.scandir(folder)) if os.path.isdir(folder) else 0


def queue(count):
    from evaluation import waves

    first_message = (OutboxMessage.objects.order_by("-pk").values_list("pk", flat=True)
                     .first() or 0) + 1
    ids = bench_data.add_fresh(CaseState.AWAITING_BTP_CHOICE, count)
    before = mails()
    started = time.monotonic()
    made = 0
    for case in Case.objects.filter(pk__in=ids).select_related("programme", "participant"):
        with transaction.atomic():
            made += len(waves.ensure_invitations(case))
    return {"cases": len(ids), "invitations": made, "seconds": time.monotonic() - started,
            "first_message": first_message, "mails": before}


def state(first):
    messages = OutboxMessage.objects.filter(pk__gte=first, kind="survey_invitation")
    waiting = messages.exclude(status__in=[OutboxMessage.Status.SENT,
                                           OutboxMessage.Status.FAILED,
                                           OutboxMessage.Status.CANCELLED]).count()
    sent = messages.filter(status=OutboxMessage.Status.SENT).count()
    top = messages.order_by("-attempts").values_list("attempts", flat=True).first() or 0
    return {"waiting": waiting, "sent": sent, "max_attempts": top, "mails": mails()}


def export():
    from evaluation.models import ResearchExport

    job = (ResearchExport.objects.filter(requested_by=User.objects.get(
        email=demo.email("researcher"))).order_by("-pk").first())
    if job is None:
        return {"id": None, "status": "none"}
    return {"id": job.pk, "status": job.status, "rows": job.rows, "cases": job.cases,
            "size": job.size}


step = os.environ["BENCH_STEP"]
if step == "queue":
    print(json.dumps(queue(int(os.environ["BENCH_INVITATIONS"]))))
elif step == "state":
    print(json.dumps(state(int(os.environ["BENCH_FIRST"]))))
else:
    print(json.dumps(export()))
