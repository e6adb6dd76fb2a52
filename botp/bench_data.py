"""A data set at national scale for the load benchmark (bench/), built in minutes.

The demo seed takes every case through the services (about a second a case, PDFs included):
fine for thirty cases, 29 hours for 100,000. Here the demo's cases are the *templates*: real
cases in every state, made by the services, with their events, reports, plans, sessions,
documents, survey waves, answers and scores. Each template is copied many times by bulk
inserts (COPY on PostgreSQL), every row of the case with it, under new keys:

- every foreign key between copied rows points to the copy, keys to the shared rows
  (programme, session types, instruments, Fedris staff) are kept, and the care providers and
  referrers are spread over pools of 200 providers and 5,000 referrers;
- each copy moves in time as a whole (its dates shift together), so a copy of a finished case
  is up to four years old and one still open a few weeks at most;
- unique values (references, tokens, keys) are made anew; each participant gets their own
  national number.

Which rows belong to a case is found from the models, not listed: a model with a foreign key to
a case (or to a row of a case, such as an answer to its invitation) is copied with it. The
numbers of copies of each template give the mix of states and the number of answered waves.
Nothing here is used by the portal itself.
"""

import datetime
import hashlib
import json
import random
import time
import uuid
from collections import defaultdict, deque

from allauth.account.models import EmailAddress
from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.utils import timezone

from botp import demo, nationalnumber, signals
from botp.models import (
    Case,
    CaseState,
    OutboxMessage,
    Participant,
    Profession,
    Programme,
    Provider,
    Referrer,
    ReferrerKind,
    Role,
    Session,
    SessionStatus,
    User,
)

BENCH_DOMAIN = "bench.botp.be"
PROVIDERS = 200
REFERRERS = 5000

# Share of the cases in each state other than completed (the rest are completed): a programme
# running for years, most of whose cases are finished, a few hundred waiting at each step.
STATE_SHARES = {
    CaseState.REQUESTED: 0.010,
    CaseState.INELIGIBLE: 0.020,
    CaseState.AWAITING_BTP_CHOICE: 0.005,
    CaseState.BTP_PROPOSED: 0.003,
    CaseState.IN_DIAGNOSIS: 0.010,
    CaseState.DIAGNOSIS_REVIEW: 0.003,
    CaseState.NOT_CONFIRMED: 0.003,
    CaseState.IN_TREATMENT: 0.020,
    CaseState.CLOSED: 0.010,
    CaseState.WITHDRAWN: 0.010,
}
FINAL = {CaseState.COMPLETED, CaseState.CLOSED, CaseState.INELIGIBLE, CaseState.WITHDRAWN,
         CaseState.NOT_CONFIRMED}
# How far back in time a copy may move: a finished case over the programme's years, an open
# one by a few weeks (so it stays within the programme's duration).
FINAL_SHIFT_DAYS = 4 * 365
OPEN_SHIFT_DAYS = 21

FLUSH_ROWS = 50_000


def bench_email(kind, number):
    return f"{kind}-{number:05d}@{BENCH_DOMAIN}"


def is_built():
    return User.objects.filter(email=bench_email("referrer", 1)).exists()


# --- Pools of people ------------------------------------------------------------------------


def _pools(password):
    """200 care providers and 5,000 referrers, the demo's among them (so the demo accounts see
    a caseload of the usual size). Returns the BTP pool, the ISP pool and the referrer pool."""
    programmes = list(Programme.objects.all())
    demo_providers = list(Provider.objects.filter(user__isnull=False).select_related("user"))
    plan = []  # (is_btp, is_isp, profession)
    for number in range(PROVIDERS - len(demo_providers)):
        kind = number % 10
        if kind < 6:
            plan.append((True, False, [Profession.PHYSICIAN, Profession.OCCUPATIONAL_PSYCHOLOGIST,
                                       Profession.CLINICAL_PSYCHOLOGIST][number % 3]))
        elif kind < 9:
            plan.append((False, True, Profession.CLINICAL_PSYCHOLOGIST))
        else:
            plan.append((True, True, Profession.CLINICAL_PSYCHOLOGIST))
    provinces = ["VAN", "VLI", "VOV", "VBR", "VWV", "BRU", "WBR", "WHT", "WLG", "WLX", "WNA"]
    users = User.objects.bulk_create([
        User(email=bench_email("provider", number + 1), first_name="Bench",
             last_name=f"Provider {number + 1}", role=Role.PROVIDER,
             language="nl" if number % 2 else "fr", password=password)
        for number in range(len(plan))
    ])
    users = list(User.objects.filter(email__in=[u.email for u in users]).order_by("email"))
    providers = Provider.objects.bulk_create([
        Provider(user=user, is_btp=is_btp, is_isp=is_isp, profession=profession,
                 languages=["nl"] if number % 2 else ["fr"],
                 province=provinces[number % len(provinces)], postcode=f"{1000 + number:04d}",
                 city="Bench", address=f"Benchstraat {number + 1}",
                 accredited_on=datetime.date(2024, 1, 15), training_completed=True)
        for number, (user, (is_btp, is_isp, profession)) in enumerate(zip(users, plan, strict=True))
    ])
    providers = list(Provider.objects.filter(user__in=users))
    through = Provider.programmes.through
    through.objects.bulk_create([through(provider_id=p.pk, programme_id=g.pk)
                                 for p in providers for g in programmes])
    everyone = demo_providers + providers
    # Disjoint pools: a copy's BTP is never also its ISP.
    btps = sorted((p.pk for p in everyone if p.is_btp), key=int)
    isps = sorted((p.pk for p in everyone if p.is_isp and not p.is_btp
                   and p.profession == Profession.CLINICAL_PSYCHOLOGIST), key=int)

    demo_referrer = User.objects.get(email=demo.email("referrer"))
    referrer_users = User.objects.bulk_create([
        User(email=bench_email("referrer", number), first_name="Bench",
             last_name=f"Referrer {number}", role=Role.REFERRER, language="nl",
             password=password)
        for number in range(1, REFERRERS)
    ], batch_size=1000)
    referrer_users = list(User.objects.filter(email__endswith=f"@{BENCH_DOMAIN}",
                                              role=Role.REFERRER))
    Referrer.objects.bulk_create([
        Referrer(user=user, kind=[ReferrerKind.GP, ReferrerKind.OCCUPATIONAL_PHYSICIAN]
                 [user.pk % 2], organisation="Bench practice")
        for user in referrer_users
    ], batch_size=1000)
    EmailAddress.objects.bulk_create([
        EmailAddress(user=user, email=user.email, verified=True, primary=True)
        for user in users + referrer_users
    ], batch_size=1000)
    referrers = [demo_referrer.pk] + sorted(u.pk for u in referrer_users)
    providers_users = {p.pk: p.user_id for p in everyone}
    return btps, isps, referrers, providers_users


# --- Templates ------------------------------------------------------------------------------


def _top_up_sessions(templates):
    """Give the templates the sessions of a whole plan: a finished treatment holds every
    planned session (within the caps, since the plan is), plus a few cancelled and missed
    ones, which do not count; one in treatment is halfway, with its next one planned."""
    made = []
    for case in templates:
        if case.state not in (CaseState.COMPLETED, CaseState.IN_TREATMENT):
            continue
        plan = getattr(case, "treatment_plan", None)
        if plan is None:
            continue
        held = defaultdict(int)
        for session in case.sessions.filter(status=SessionStatus.HELD):
            held[(session.session_type_id, session.approach)] += 1
        last = case.sessions.order_by("-date").first()
        day = last.date if last else timezone.localdate()
        btp = case.btp
        for line in plan.lines.select_related("session_type"):
            provider = line.provider or btp
            missing = line.planned_sessions - held[(line.session_type_id, line.approach)]
            if case.state == CaseState.IN_TREATMENT:
                missing //= 2
            for number in range(max(0, missing)):
                made.append(Session(
                    case=case, session_type=line.session_type, provider=provider,
                    approach=line.approach, date=day - datetime.timedelta(days=number),
                    duration_minutes=60, status=SessionStatus.HELD,
                    recorded_by_id=provider.user_id))
            for status in ([SessionStatus.CANCELLED, SessionStatus.NO_SHOW]
                           if line.planned_sessions >= 3 else []):
                made.append(Session(
                    case=case, session_type=line.session_type, provider=provider,
                    approach=line.approach, date=day - datetime.timedelta(days=30),
                    duration_minutes=60, status=status, recorded_by_id=provider.user_id))
        if case.state == CaseState.IN_TREATMENT and btp is not None:
            line = plan.lines.filter(provider__isnull=True).first()
            if line is not None:
                made.append(Session(
                    case=case, session_type=line.session_type, provider=btp,
                    date=timezone.localdate() + datetime.timedelta(days=7),
                    starts_at=datetime.time(10, 0), place=f"{btp.address}, {btp.city}",
                    duration_minutes=60, status=SessionStatus.PLANNED,
                    recorded_by_id=btp.user_id))
    Session.objects.bulk_create(made)


def _answered_waves(case_ids):
    """Answered waves per template case, read without naming the evaluation app's models:
    a related model with a ``completed_at`` and a ``wave`` field."""
    found = defaultdict(int)
    for model in apps.get_models():
        names = {f.name for f in model._meta.get_fields()}
        if {"case", "wave", "completed_at"} <= names:
            rows = (model.objects.filter(case_id__in=case_ids, completed_at__isnull=False)
                    .values_list("case_id", flat=True))
            for case_id in rows:
                found[case_id] += 1
    return found


def copies_per_template(templates, cases, waves):
    """How many copies of each template make ``cases`` cases in all (the templates included)
    with about ``waves`` answered survey waves: the states in STATE_SHARES, the rest completed,
    among which the templates answering more waves are taken as often as the target needs."""
    answered = _answered_waves([t.pk for t in templates])
    by_state = defaultdict(list)
    for template in templates:
        by_state[template.state].append(template)
    copies = {t.pk: 0 for t in templates}
    to_make = max(0, cases - len(templates))
    for state, share in STATE_SHARES.items():
        group = by_state.get(state, [])
        for index in range(round(to_make * share) if group else 0):
            copies[group[index % len(group)].pk] += 1
    left = to_make - sum(copies.values())
    completed = by_state.get(CaseState.COMPLETED, [])
    if not completed:
        return copies, answered
    waves_left = waves - sum(answered[pk] * (1 + copies[pk]) for pk in copies)
    # Fill with the most-answering templates first until the target is met, then with the
    # others (who answered fewer waves, as people drop out).
    ranked = sorted(completed, key=lambda t: -answered[t.pk])
    groups = defaultdict(list)
    for template in ranked:
        groups[answered[template.pk]].append(template)
    levels = sorted(groups, reverse=True)
    for number in range(left):
        still = left - number
        # The highest level that does not overshoot what is left to reach, on average.
        need = waves_left / still if still else 0
        level = next((lv for lv in levels if lv <= need + 0.5), levels[-1])
        if need >= levels[0]:
            level = levels[0]
        group = groups[level]
        template = group[number % len(group)]
        copies[template.pk] += 1
        waves_left -= level
    return copies, answered


# --- What a case is made of -----------------------------------------------------------------


def _case_models():
    """The models whose rows belong to a case, parents before children, each with the foreign
    key leading to its owner (None for the case itself; the participant comes before)."""
    owner = {Case: None}
    order = [Case]
    queue = deque([Case])
    every = apps.get_models(include_auto_created=True)
    while queue:
        parent = queue.popleft()
        for model in every:
            if model in owner or model in (Participant, User, Provider):
                continue
            for field in model._meta.concrete_fields:
                if field.is_relation and field.related_model is parent:
                    owner[model] = field
                    order.append(model)
                    queue.append(model)
                    break
    # A model is written after every copied model it points to.
    ranked = []
    placed = set()
    pending = list(order)
    while pending:
        for model in pending:
            targets = {f.related_model for f in model._meta.concrete_fields
                       if f.is_relation and f.related_model in owner
                       and f.related_model is not model}
            if targets <= placed:
                ranked.append(model)
                placed.add(model)
                pending.remove(model)
                break
        else:  # a cycle: keep the discovery order for what is left
            ranked.extend(pending)
            break
    return ranked, owner


def _path_to_case(model, owner):
    names = []
    while model is not Case:
        field = owner[model]
        names.append(field.name)
        model = field.related_model
    return "__".join(names)


class Template:
    """A case and every row of it, as values per column."""

    def __init__(self, case, rows):
        self.case = case
        self.rows = rows  # model -> list of value lists (concrete fields' attnames order)


def _load_templates(template_cases, models_in_order, owner):
    ids = [case.pk for case in template_cases]
    rows = {case.pk: defaultdict(list) for case in template_cases}
    for model in models_in_order:
        fields = model._meta.concrete_fields
        if model is Case:
            queryset = model.objects.filter(pk__in=ids)
            case_of = "id"
        else:
            path = _path_to_case(model, owner)
            queryset = model._base_manager.filter(**{f"{path}__in": ids})
            case_of = path
        for values in queryset.values_list(case_of, *[f.attname for f in fields]):
            rows[values[0]][model].append(list(values[1:]))
    return [Template(case, rows[case.pk]) for case in template_cases]


# --- Writing --------------------------------------------------------------------------------


class Writer:
    """Buffers rows per table and writes them by COPY (PostgreSQL) or in batches (SQLite)."""

    def __init__(self):
        self.buffers = defaultdict(list)
        self.written = defaultdict(int)
        self.postgres = connection.vendor == "postgresql"

    def add(self, model, row):
        buffer = self.buffers[model]
        buffer.append(row)
        if len(buffer) >= FLUSH_ROWS:
            self.flush(model)

    def flush(self, model=None):
        for target in [model] if model else list(self.buffers):
            rows = self.buffers.pop(target, [])
            if rows:
                self._write(target, rows)
                self.written[target] += len(rows)

    def _write(self, model, rows):
        fields = model._meta.concrete_fields
        if self.postgres:
            from psycopg.types.json import Jsonb

            jsons = [i for i, f in enumerate(fields) if isinstance(f, models.JSONField)]
            columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
            with connection.cursor() as cursor, cursor.cursor.copy(
                    f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) "
                    f"FROM STDIN") as copy:
                for row in rows:
                    for i in jsons:
                        row[i] = Jsonb(row[i])
                    copy.write_row(row)
        else:
            names = [f.attname for f in fields]
            model._base_manager.bulk_create(
                [model(**dict(zip(names, row, strict=True))) for row in rows], batch_size=500)


def _next_ids(model_list):
    """The first free primary key of each table."""
    start = {}
    for model in model_list:
        top = model._base_manager.aggregate(top=models.Max("pk"))["top"] or 0
        start[model] = top + 1
    return start


def _shift(value, delta):
    return value + delta if value is not None else None


def _compile(model, owner_models, participant_model):
    """For each column of ``model``, what a copy does with it."""
    plan = []
    for index, field in enumerate(model._meta.concrete_fields):
        if field.primary_key:
            plan.append((index, "pk", None))
        elif field.is_relation and field.related_model in owner_models:
            plan.append((index, "map", field.related_model))
        elif field.is_relation and field.related_model is participant_model:
            plan.append((index, "participant", None))
        elif field.is_relation and field.related_model is User:
            plan.append((index, "user", field.null))
        elif field.is_relation and field.related_model is Provider:
            plan.append((index, "provider", None))
        elif isinstance(field, models.DateTimeField):
            plan.append((index, "datetime", None))
        elif isinstance(field, models.DateField):
            plan.append((index, "date", None))
        elif field.name == "source_id":
            plan.append((index, "source", None))
        elif field.name == "niss_encrypted":
            plan.append((index, "niss_encrypted", None))
        elif field.name == "niss_hash":
            plan.append((index, "niss_hash", None))
        elif model is OutboxMessage and field.name == "status":
            plan.append((index, "outbox_status", None))
        elif model is Case and field.name == "reference":
            plan.append((index, "reference", None))
        elif field.unique and isinstance(field, models.UUIDField):
            plan.append((index, "uuid", None))
        elif field.unique and isinstance(field, models.CharField):
            plan.append((index, "unique", field.max_length))
    return plan


def build(cases=100_000, waves=300_000, *, log=print, seed=2026):
    """Build the set: the demo (the templates), the pools, the copies. Returns counts."""
    started = time.monotonic()
    rng = random.Random(seed)

    def say(message):
        log(f"[{time.monotonic() - started:7.1f}s] {message}")

    say("demo seed (the templates)")
    demo.seed(cohort=True)
    template_cases = list(Case.objects.select_related("treatment_plan", "btp")
                          .order_by("pk"))
    _top_up_sessions(template_cases)
    password = make_password(demo.DEMO_PASSWORD)
    with transaction.atomic():
        btps, isps, referrers, provider_user = _pools(password)
    say(f"pools: {len(btps)} BTPs, {len(isps)} ISPs, {len(referrers)} referrers")

    copies, answered = copies_per_template(template_cases, cases, waves)
    case_models, owner = _case_models()
    templates = _load_templates(template_cases, case_models, owner)
    owner_models = set(case_models)
    plans = {model: _compile(model, owner_models, Participant) for model in case_models}
    # A row naming its source by key (a document) is copied after the rows it may name.
    case_models.sort(key=lambda model: any(a == "source" for _i, a, _e in plans[model]))
    participant_fields = Participant._meta.concrete_fields
    participant_rows = {
        case.pk: list(Participant.objects.filter(pk=case.participant_id)
                      .values_list(*[f.attname for f in participant_fields])[0])
        for case in template_cases
    }
    participant_plan = _compile(Participant, set(), None)
    prefixes = dict(Programme.objects.values_list("pk", "reference_prefix"))
    template_btps = {case.btp_id for case in template_cases if case.btp_id}
    template_isps = set(Case.isps.through.objects.filter(case__in=template_cases)
                        .values_list("provider_id", flat=True))
    source_model = _source_models(templates, plans, case_models)
    writer = Writer()
    next_id = _next_ids(case_models + [Participant])
    if writer.postgres:
        with connection.cursor() as cursor:
            cursor.execute("SET synchronous_commit = off")
            try:
                # Copied rows point to rows written in the same run: foreign keys are checked
                # once at the end (check()), not by a trigger per row.
                cursor.execute("SET session_replication_role = replica")
            except Exception:  # noqa: BLE001 - not a superuser: the triggers run, slower
                pass

    total = sum(copies.values())
    say(f"copying {total} cases from {len(templates)} templates")
    order = [t for t in templates for _ in range(copies[t.case.pk])]
    rng.shuffle(order)
    # Committed every few thousand cases, so the server holds no huge transaction.
    for start in range(0, len(order), 5000):
        with transaction.atomic():
            for made, template in enumerate(order[start:start + 5000], start=start + 1):
                _copy(template, rng, writer, next_id, case_models, plans, participant_rows,
                      participant_plan, prefixes, btps, isps, referrers, template_btps,
                      template_isps, provider_user, source_model, made)
            writer.flush()
        say(f"{made} cases")
    if writer.postgres:
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = DEFAULT")
            from django.core.management.color import no_style

            for statement in connection.ops.sequence_reset_sql(
                    no_style(), case_models + [Participant]):
                cursor.execute(statement)
            say("analyze")
            cursor.execute("ANALYZE")
    say("derived data (the apps' own, from what was copied)")
    signals.bulk_loaded.send(sender=build, log=say)
    say("done")
    counts = {model._meta.label: count for model, count in writer.written.items()}
    counts["answered waves (copies)"] = sum(answered[t.case.pk] for t in order)
    return counts


def _source_models(templates, plans, case_models):
    """Which copied model a ``source_id`` points to, per model and ``kind``: the one model whose
    rows of the same case have that key for every template row of that kind."""
    candidates = {}
    for template in templates:
        keys = {model: {row[0] for row in rows} for model, rows in template.rows.items()}
        for model, rows in template.rows.items():
            for index, action, _extra in plans[model]:
                if action != "source":
                    continue
                for row in rows:
                    found = {m for m in case_models if m is not model
                             and row[index] in keys.get(m, ())}
                    key = (model, row[kind_index[model]])
                    candidates[key] = candidates.get(key, found) & found
    # Where several match by chance, the one named like the kind (a "diagnosis_report"'s
    # source is a DiagnosisReport).
    return {key: sorted(found, key=lambda m: (m._meta.model_name != str(key[1]).replace("_", ""),
                                              m._meta.label))[0]
            for key, found in candidates.items() if found}


class _KindIndex(dict):
    def __missing__(self, model):
        names = [f.name for f in model._meta.concrete_fields]
        self[model] = names.index("kind") if "kind" in names else 0
        return self[model]


kind_index = _KindIndex()


def _copy(template, rng, writer, next_id, case_models, plans, participant_rows,
          participant_plan, prefixes, btps, isps, referrers, template_btps,
          template_isps, provider_user, source_model, serial, *, shift=True):
    case = template.case
    final = case.state in FINAL
    days = rng.randrange(FINAL_SHIFT_DAYS if final else OPEN_SHIFT_DAYS) if shift else 0
    delta = -datetime.timedelta(days=days, seconds=rng.randrange(3600))
    date_delta = -datetime.timedelta(days=days)
    providers = {}
    btp = btps[serial % len(btps)]
    isp = isps[(serial * 7) % len(isps)]
    for old in template_btps:
        providers[old] = btp
    for old in template_isps:
        providers[old] = isp
    users = {provider_user[old]: provider_user[new] for old, new in providers.items()}
    if case.referrer_id:
        users[case.referrer_id] = referrers[serial % len(referrers)]
    if case.participant.user_id:
        users[case.participant.user_id] = None
    born = datetime.date(1960, 1, 1) + datetime.timedelta(days=serial % 14000)
    niss = nationalnumber.build(born, 1 + (serial // 14000) % 997)
    niss_encrypted = nationalnumber.encrypt(niss)
    niss_hash = nationalnumber.keyed_hash(niss)
    maps = defaultdict(dict)

    participant = list(participant_rows[case.pk])
    participant_id = next_id[Participant]
    next_id[Participant] += 1
    for index, action, _extra in participant_plan:
        value = participant[index]
        if action == "pk":
            participant[index] = participant_id
        elif action == "user":
            participant[index] = None
        elif action == "niss_encrypted":
            participant[index] = niss_encrypted
        elif action == "niss_hash":
            participant[index] = niss_hash
        elif action == "date" and value is not None:
            participant[index] = born
    for index, field in enumerate(Participant._meta.concrete_fields):
        if field.name == "email" and participant[index]:
            participant[index] = f"participant-{participant_id}@example.org"
    writer.add(Participant, participant)

    for model in case_models:
        rows = template.rows.get(model)
        if not rows:
            continue
        plan = plans[model]
        model_map = maps[model]
        for source in rows:
            row = list(source)
            for index, action, extra in plan:
                value = row[index]
                if action == "pk":
                    new = next_id[model]
                    next_id[model] += 1
                    model_map[value] = new
                    row[index] = new
                elif value is None:
                    continue
                elif action == "map":
                    row[index] = maps[extra].get(value, value)
                elif action == "datetime":
                    row[index] = value + delta
                elif action == "date":
                    row[index] = value + date_delta
                elif action == "user":
                    if value in users:
                        mapped = users[value]
                        row[index] = mapped if mapped is not None or extra else value
                elif action == "provider":
                    row[index] = providers.get(value, value)
                elif action == "participant":
                    row[index] = participant_id
                elif action == "niss_encrypted":
                    row[index] = niss_encrypted
                elif action == "niss_hash":
                    row[index] = niss_hash
                elif action == "source":
                    target = source_model.get((model, row[kind_index[model]]))
                    if target is not None:
                        row[index] = maps[target].get(value, value)
                elif action == "outbox_status":
                    # A copy's history is over: what was still to send is not sent again.
                    if value not in (OutboxMessage.Status.SENT, OutboxMessage.Status.FAILED):
                        row[index] = OutboxMessage.Status.CANCELLED
                elif action == "reference":
                    row[index] = None  # set once the requested date is known, below
                elif action == "uuid":
                    row[index] = uuid.UUID(int=rng.getrandbits(128), version=4)
                elif action == "unique":
                    if len(value) == 64:
                        row[index] = hashlib.sha256(f"{value}:{serial}".encode()).hexdigest()
                    else:
                        suffix = f"#b{serial}"
                        row[index] = value[:extra - len(suffix)] + suffix
            if model is Case:
                fields = [f.name for f in Case._meta.concrete_fields]
                new_pk = row[fields.index("id")]
                year = timezone.localtime(row[fields.index("requested_at")]).year
                prefix = prefixes[row[fields.index("programme")]]
                row[fields.index("reference")] = f"{prefix}-{year}-{new_pk:07d}"
            writer.add(model, row)


def add_fresh(state, count, *, skip_apps=("evaluation",), seed=7):
    """``count`` more copies of the demo's case in ``state``, as of the template's own dates
    and without the rows of ``skip_apps`` (and its outbox), for what the benchmark makes
    happen to them next (the evaluation's invitations of newly approved cases). Returns the
    new cases' ids."""
    rng = random.Random(f"{seed}-{Case.objects.aggregate(top=models.Max('pk'))['top']}")
    template_case = (Case.objects.filter(state=state).select_related("participant")
                     .order_by("pk").first())
    case_models, owner = _case_models()
    case_models = [model for model in case_models
                   if model._meta.app_label not in skip_apps and model is not OutboxMessage]
    [template] = _load_templates([template_case], case_models, owner)
    plans = {model: _compile(model, set(case_models), Participant) for model in case_models}
    case_models.sort(key=lambda model: any(a == "source" for _i, a, _e in plans[model]))
    participant_fields = Participant._meta.concrete_fields
    participant_rows = {template_case.pk: list(
        Participant.objects.filter(pk=template_case.participant_id)
        .values_list(*[f.attname for f in participant_fields])[0])}
    providers = list(Provider.objects.filter(user__isnull=False))
    btps = [p.pk for p in providers if p.is_btp]
    isps = [p.pk for p in providers if p.is_isp and not p.is_btp]
    referrers = list(User.objects.filter(role=Role.REFERRER).values_list("pk", flat=True))
    writer = Writer()
    next_id = _next_ids(case_models + [Participant])
    first_case = next_id[Case]
    fixed = dict(
        participant_plan=_compile(Participant, set(), None),
        prefixes=dict(Programme.objects.values_list("pk", "reference_prefix")),
        template_btps={template_case.btp_id} - {None},
        template_isps=set(Case.isps.through.objects.filter(case=template_case)
                          .values_list("provider_id", flat=True)),
        provider_user={p.pk: p.user_id for p in providers},
        source_model=_source_models([template], plans, case_models))
    with transaction.atomic():
        for serial in range(count):
            _copy(template, rng, writer, next_id, case_models, plans, participant_rows,
                  fixed["participant_plan"], fixed["prefixes"], btps, isps, referrers,
                  fixed["template_btps"], fixed["template_isps"], fixed["provider_user"],
                  fixed["source_model"], 10_000_000 + first_case + serial, shift=False)
        writer.flush()
    if writer.postgres:
        from django.core.management.color import no_style

        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(
                    no_style(), case_models + [Participant]):
                cursor.execute(statement)
    return list(Case.objects.filter(pk__gte=first_case).values_list("pk", flat=True))


# --- Checking -------------------------------------------------------------------------------


def check():
    """What is wrong with the data set, as sentences (empty when it is consistent): every
    foreign key resolves, every state is present, no case holds more sessions than its
    programme allows."""
    problems = []
    for model in apps.get_models(include_auto_created=True):
        for field in model._meta.concrete_fields:
            if not field.is_relation:
                continue
            target = field.related_model
            dangling = (model._base_manager.filter(**{f"{field.attname}__isnull": False})
                        .exclude(**{f"{field.attname}__in":
                                    target._base_manager.values(field.target_field.attname)}))
            count = dangling.count()
            if count:
                problems.append(f"{model._meta.label}.{field.name}: {count} rows point nowhere")
    present = set(Case.objects.values_list("state", flat=True).distinct())
    for state in CaseState.values:
        if state not in present:
            problems.append(f"no case in state {state}")
    over = (Session.objects.filter(status__in=[SessionStatus.HELD, SessionStatus.PLANNED],
                                   session_type__counts_toward_total=True)
            .values("case").annotate(n=models.Count("pk"))
            .filter(n__gt=models.F("case__programme__max_total_sessions")))
    if over.exists():
        problems.append(f"{over.count()} cases hold more sessions than their programme allows")
    return problems


def summary():
    return json.dumps({
        "cases": Case.objects.count(),
        "sessions": Session.objects.count(),
        "providers": Provider.objects.count(),
        "referrers": Referrer.objects.count(),
    })
