"""Run by bench/measure.py inside the portal (``manage.py shell``): what the measurements need
from the database, as JSON on the last line of stdout. With BENCH_QUERIES=<file of pages>, it
counts each page's queries instead (Django's test client, same database)."""

import base64
import json
import os
from urllib.parse import urlencode

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from botp import demo, keyset
from botp.models import Case, CaseState, Role, User

DEPTH = 50_000


def drf_cursor(position):
    """The API's cursor of a page starting after ``position`` (DRF CursorPagination)."""
    query = urlencode({"p": position}, doseq=True)
    return base64.b64encode(query.encode("ascii")).decode("ascii")


def deep_row(queryset, ordering, depth):
    count = min(depth, max(0, queryset.count() - 30))
    return queryset.order_by(*ordering)[count] if count else None


def _middle_session():
    from botp.models import Session

    return (Session.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) // 2


EMAILS = {"superuser": "bench-superuser@bench.botp.be", "floor": "bench-floor@bench.botp.be"}


def email_of(role):
    return EMAILS.get(role) or demo.email(role)


def account(name, **fields):
    """The bench's own accounts: a superuser for the Django admin's changelist, and the floor's
    referrer, who has filed nothing (a logged-in page with no data: their dashboard)."""
    user = User.objects.filter(email=EMAILS[name]).first()
    if user is None:
        from allauth.account.models import EmailAddress

        from botp.models import Referrer

        user = User(email=EMAILS[name], first_name="Bench", last_name=name, **fields)
        user.set_password(demo.DEMO_PASSWORD)
        user.save()
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        if user.role == Role.REFERRER:
            Referrer.objects.create(user=user, kind="gp", organisation="Bench")
    return user


def survey_link():
    """A survey link that can be answered now, and its longest page with answers to post."""
    from evaluation import links, survey
    from evaluation.models import SurveyInvitation

    invitation = (SurveyInvitation.objects.filter(completed_at__isnull=True, wave="pre",
                                                  case__state=CaseState.AWAITING_BTP_CHOICE)
                  .order_by("-pk").first())
    # A copied invitation's nonce and token hash are made unique, not a working pair, and the
    # bench set has no worker to send it: give this one a link that opens, as if sent.
    nonce = links.new_nonce()
    SurveyInvitation.objects.filter(pk=invitation.pk).update(
        nonce=nonce, token_hash=links.hash_of(links.token_for(nonce)),
        sent_at=invitation.sent_at or timezone.now(),
        closes_at=timezone.now() + timezone.timedelta(days=30))
    invitation.refresh_from_db()
    pages = survey.pages(invitation)
    page = max(pages, key=lambda p: len(p.items))
    definition = page.instrument.definition
    answers = {}
    for item in page.items:
        if item["type"] == "choice":
            scale = next(s for s in definition["scales"] if s["id"] == item["scale"])
            answers[item["id"]] = str(scale["options"][-1]["value"])
        elif item["type"] == "number":
            answers[item["id"]] = str(item["min"])
    return {"path": links.url_for(invitation).split("://", 1)[-1].split("/", 1)[-1],
            "page": page.number, "items": len(page.items), "answers": answers}


def prepare():
    demo_btp = User.objects.get(email=demo.email("btp")).provider
    participant = User.objects.get(email=demo.email("participant"))
    referrer = User.objects.get(email=demo.email("referrer"))
    everyone = Case.objects.all()
    ordering = ("-requested_at", "-pk")
    deep = deep_row(everyone, ordering, DEPTH)
    found = {
        "cases": everyone.count(),
        "case_any": everyone.filter(state=CaseState.IN_TREATMENT).order_by("-pk")
        .values_list("reference", flat=True)[0],
        "case_btp": Case.objects.filter(btp=demo_btp, state=CaseState.IN_TREATMENT)
        .order_by("-pk").values_list("reference", flat=True)[0],
        "case_referrer": Case.objects.filter(referrer=referrer).order_by("-pk")
        .values_list("reference", flat=True)[0],
        "case_participant": Case.objects.filter(participant__user=participant)
        .values_list("reference", flat=True)[0],
        "dashboard_deep": "?" + urlencode({"after": keyset._encode(
            [deep.requested_at, deep.pk])}) if deep else "",
        "api_deep": "?" + urlencode({"cursor": drf_cursor(str(deep.requested_at))})
        if deep else "",
        "survey": survey_link(),
        "api_deep_pk": "?" + urlencode({"cursor": drf_cursor(str(_middle_session()))}),
    }
    account("superuser", role=Role.FEDRIS_ADMIN, is_staff=True, is_superuser=True)
    account("floor", role=Role.REFERRER)
    return found


def count_queries(pages):
    counts = {}
    clients = {}
    for role, path in pages:
        if role not in clients:
            client = Client(HTTP_HOST="127.0.0.1")
            client.force_login(User.objects.get(email=email_of(role)))
            clients[role] = client
        client = clients[role]
        client.get(path)
        with CaptureQueriesContext(connection) as captured:
            client.get(path)
        counts[f"{role} {path}"] = len(captured)
    return counts


pages_file = os.environ.get("BENCH_QUERIES")
if pages_file:
    with open(pages_file) as given:
        print(json.dumps(count_queries(json.load(given))))
else:
    print(json.dumps(prepare()))
