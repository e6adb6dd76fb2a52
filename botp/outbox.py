"""Every side effect of a change goes through here: an e-mail, a letter, a PDF, a survey
invitation or reminder.

``enqueue`` writes an outbox row in the transaction of the change that causes it, under an
idempotency key (what, for whom, which version): the change and its side effects commit
together or not at all, and enqueuing the same key twice is one message. After the commit a
worker is kicked; if the broker cannot be reached the kick is dropped, and the periodic sweep
(beat, every minute) delivers what is due. Delivering:

1. claim the row (one conditional UPDATE: whoever else tries gets nothing), with a lease;
2. do the effect (send the e-mail, render the PDF) outside any transaction;
3. record the outcome and the kind's own bookkeeping in one transaction, retrying that write
   across a dropped database connection, since the effect already happened.

A worker killed between 2 and 3 leaves the row "sending" until its lease runs out; it is then
taken again. An e-mail carries a Message-ID made from its key, the same at every attempt, so
the one rare repeat reads as the same message. A failed attempt is retried with back-off and
the row says why; after the last attempt it is "failed", where Fedris administrators see it
and can retry it. Nothing is sent from inside a request.
"""

import datetime
import logging
import random
import secrets
import smtplib
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.mail import get_connection
from django.db import IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.db.models import F
from django.utils import timezone

from botp import audit
from botp.models import AuditEntry, OutboxMessage, User

log = logging.getLogger(__name__)

Status = OutboxMessage.Status
Problem = OutboxMessage.Problem


class Undeliverable(Exception):
    """A failure that another attempt will not mend (no address, a refused recipient)."""

    def __init__(self, problem, detail=""):
        super().__init__(detail or problem)
        self.problem = problem
        self.detail = detail


class NotNeeded(Exception):
    """The message has lost its purpose by the time it is due (the survey was answered)."""


@dataclass(frozen=True)
class Handler:
    label: object
    # (message, mailer) -> a result passed to ``delivered``; raises on failure.
    deliver: object
    # (message, result) -> database changes recorded in the same commit as "sent".
    delivered: object = None
    # (message) -> database changes recorded in the same commit as "failed".
    failed: object = None
    # What "sent" is called for this kind (a PDF is not sent: it is ready).
    done_label: object = None
    # A long job (a research export, a month's statements): run as its own task, never in a
    # drain or the sweep's batch, so the e-mails due beside it do not wait for it.
    heavy: bool = False


_handlers = {}


def register(kind, *, label, deliver, delivered=None, failed=None, done_label=None,
             heavy=False):
    _handlers[kind] = Handler(label, deliver, delivered, failed, done_label, heavy)


def _is_heavy(kind):
    handler = _handlers.get(kind)
    return bool(handler and handler.heavy)


def _heavy_kinds():
    return sorted(kind for kind, handler in _handlers.items() if handler.heavy)


def label(kind):
    handler = _handlers.get(kind)
    return handler.label if handler else kind


def status_label(message):
    handler = _handlers.get(message.kind)
    if message.status == Status.SENT and handler and handler.done_label:
        return handler.done_label
    return message.get_status_display()


def enqueue(kind, key, *, case=None, payload=None, not_before=None):
    """Record a message to deliver once the current transaction commits; return it. The same
    key again is the same message, whatever else is passed."""
    if kind not in _handlers:
        raise KeyError(f"no outbox handler for {kind!r}")
    try:
        with transaction.atomic():
            message, created = OutboxMessage.objects.get_or_create(
                key=key,
                defaults={"kind": kind, "case": case, "payload": payload or {},
                          "next_attempt_at": not_before or timezone.now()},
            )
    except IntegrityError:  # a concurrent transaction recorded the same key first
        return OutboxMessage.objects.get(key=key)
    if created and message.next_attempt_at <= timezone.now():
        transaction.on_commit(lambda: kick([message.pk], heavy=_is_heavy(kind)), robust=True)
    return message


# Messages a worker takes at once: one claim and one SMTP connection for them (a task and a
# connection per e-mail held 10,000 invitations to 15 a second).
BATCH = 100


def kick(ids, *, heavy=False):
    """Ask a worker to deliver ``ids`` now. Best effort: the sweep delivers them otherwise, so
    a broker that is down costs a delay, never the user's request.

    ``heavy`` ids (of heavy kinds) each get a task of their own, one waiting at most.

    With a broker, the kick is a drain (every due message, not only ``ids``) and at most
    OUTBOX_DRAINS of them wait to start: a commit that finds them all waiting sends nothing,
    since they will find its messages. Each releases its place before it looks, so a message
    recorded while one runs kicks another. Ten thousand invitations are then a few tasks, not
    ten thousand going through the worker pool to find their batch taken."""
    from botp.tasks import deliver_outbox, drain_outbox

    try:
        if deliver_outbox.app.conf.task_always_eager:
            deliver_outbox.apply_async(args=[list(ids)], retry=False)
            return
        if heavy:
            for pk in ids:
                _start_heavy(pk)
            return
        place = _take_drain_place()
        if place is None:
            return
        try:
            drain_outbox.apply_async(args=[place], retry=False)
        except Exception:
            _release_drain_place(place)  # or kicks would stop until its expiry
            raise
    except Exception as error:  # any broker trouble: the sweep takes over
        log.warning("outbox: worker not reached (%s); the sweep will deliver %d message(s)",
                    type(error).__name__, len(ids))


# A place stays taken this long at most when its drain is lost (a worker killed before
# starting it); the sweep delivers meanwhile.
DRAIN_PLACE_SECONDS = 60
# A heavy job's task may wait this long behind others before the sweep queues another (which
# finds the job taken, or takes it).
HEAVY_PLACE_SECONDS = 600
_broker = {}


def _drain_place_key(place):
    return f"botp:outbox:drain:{place}"


def _heavy_place_key(pk):
    return f"botp:outbox:heavy:{pk}"


def _broker_client():
    """A Redis client on the broker's database (the places must be where the tasks are)."""
    from botp.celery import app

    url = app.conf.broker_url
    if url not in _broker:
        import redis

        _broker[url] = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)
    return _broker[url]


def _take_drain_place():
    client = _broker_client()
    for place in range(settings.OUTBOX_DRAINS):
        if client.set(_drain_place_key(place), 1, nx=True, ex=DRAIN_PLACE_SECONDS):
            return place
    return None


def _release_drain_place(place):
    _broker_client().delete(_drain_place_key(place))


def _start_heavy(pk):
    from botp.tasks import deliver_heavy

    key = _heavy_place_key(pk)
    if not _broker_client().set(key, 1, nx=True, ex=HEAVY_PLACE_SECONDS):
        return  # its task is waiting already
    try:
        deliver_heavy.apply_async(args=[pk], retry=False)
    except Exception:
        _broker_client().delete(key)
        raise


def run_heavy(pk):
    """A worker's task for one heavy message: release its place, then deliver it under the
    longer lease a long job needs (a lease running out mid-job would let the sweep start it
    twice)."""
    try:
        _broker_client().delete(_heavy_place_key(pk))
    except Exception as error:  # the place expires by itself
        log.warning("outbox: heavy place %s not released (%s)", pk, type(error).__name__)
    with Mailer() as mailer:
        for message in _claim_many([pk], lease_seconds=settings.OUTBOX_HEAVY_LEASE_SECONDS):
            _attempt(message, mailer)


def drain(place, *, seconds=50):
    """A worker's drain: release ``place``, then deliver every due message, a batch at a time,
    until none is left. After ``seconds`` it hands what remains to a new kick, so one drain
    never holds a worker process for long while other tasks wait."""
    try:
        _release_drain_place(place)
    except Exception as error:  # the place expires by itself; the work is here now
        log.warning("outbox: drain place %s not released (%s)", place, type(error).__name__)
    done = deliver_due(limit=None, seconds=seconds)
    rest = _due_ids(BATCH)
    if rest:
        kick(rest)
    return done


def deliver(ids):
    """Deliver each of ``ids`` that is due and not taken by another worker, and with them
    other messages of the same kinds due already, up to BATCH: when thousands are recorded at
    once (a day's survey waves), each worker sends them in batches over one SMTP connection,
    and the kicks of those it took find nothing left to do (one UPDATE each)."""
    ids = list(ids)
    with Mailer() as mailer:
        for start in range(0, len(ids), BATCH):
            chunk = ids[start:start + BATCH]
            held = _claim_many(chunk)
            kinds = {message.kind for message in held if not _is_heavy(message.kind)}
            if kinds and len(chunk) < BATCH:
                held += _claim_many(_due_ids(BATCH - len(chunk), exclude=chunk, kinds=kinds))
            for message in held:
                _attempt(message, mailer)


def _due_ids(limit, exclude=(), kinds=None):
    """Due messages, oldest first: of ``kinds``, or of every kind that is not heavy."""
    due = OutboxMessage.objects.due().exclude(pk__in=list(exclude))
    if kinds is not None:
        due = due.filter(kind__in=sorted(kinds))
    else:
        due = due.exclude(kind__in=_heavy_kinds())
    return list(due.order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:limit])


def _due_heavy_ids():
    return list(OutboxMessage.objects.due().filter(kind__in=_heavy_kinds())
                .order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:BATCH])


def deliver_due(*, limit=500, seconds=50):
    """Deliver what is due, oldest first, up to ``limit`` (None: all) for at most ``seconds``,
    and hand each heavy job due to a task of its own (run at once when tasks are eager);
    return how many were tried or handed over. The sweep runs this every minute, a drain
    until none is left."""
    started = time.monotonic()
    done = 0
    with Mailer() as mailer:
        while ((limit is None or done < limit)
               and time.monotonic() - started < seconds):
            batch = _due_ids(BATCH)
            if not batch:
                break
            for message in _claim_many(batch):
                _attempt(message, mailer)
            done += len(batch)
    heavy = _due_heavy_ids()
    if heavy:
        kick(heavy, heavy=True)
    return done + len(heavy)


def retry(message: OutboxMessage, *, by: User | None = None) -> bool:
    """Try a failed (or retrying) message again now, as a Fedris administrator (``by``) asked;
    False when it was not waiting for a retry."""
    updated = OutboxMessage.objects.filter(
        pk=message.pk, status__in=[Status.FAILED, Status.RETRYING, Status.CANCELLED]
    ).update(status=Status.QUEUED, next_attempt_at=timezone.now(), attempts=0)
    if updated:
        if by is not None:
            audit.record(by, AuditEntry.Kind.CHANGE, f"delivery retried: {message.kind}",
                         case=message.case)
        transaction.on_commit(lambda: kick([message.pk], heavy=_is_heavy(message.kind)),
                              robust=True)
    return bool(updated)


def _claim_many(pks, *, lease_seconds=None):
    """The messages of ``pks`` this worker now holds, in order: one conditional UPDATE takes
    those still due (whoever else tries gets none of them), one SELECT reads them."""
    if not pks:
        return []
    now = timezone.now()
    claim = secrets.token_hex(16)
    lease = datetime.timedelta(seconds=lease_seconds or settings.OUTBOX_LEASE_SECONDS)
    taken = OutboxMessage.objects.due(now).filter(pk__in=list(pks)).update(
        status=Status.SENDING, claim=claim, lease_until=now + lease, attempts=F("attempts") + 1,
    )
    if not taken:
        return []
    held = OutboxMessage.objects.select_related("case").filter(claim=claim, pk__in=list(pks))
    order = {pk: index for index, pk in enumerate(pks)}
    return sorted(held, key=lambda message: order.get(message.pk, 0))


def _attempt(message, mailer):
    handler = _handlers[message.kind]
    try:
        result = handler.deliver(message, mailer)
    except NotNeeded as reason:
        _record(message, status=Status.CANCELLED, last_error=str(reason)[:300])
    except ObjectDoesNotExist:
        # What it was for was removed since (a draft deleted, an invitation replaced).
        _record(message, status=Status.CANCELLED, last_error="its subject no longer exists")
    except Undeliverable as error:
        _record(message, status=Status.FAILED, problem=error.problem,
                last_error=error.detail[:300], hook=handler.failed)
    except Exception as error:  # every other failure is worth another attempt
        _drop_broken_connection()
        mailer.reset()
        _retry_later(message, handler, error)
    else:
        hook = (lambda m: handler.delivered(m, result)) if handler.delivered else None
        _record(message, status=Status.SENT, sent_at=timezone.now(), problem="",
                last_error="", hook=hook)


def _retry_later(message, handler, error):
    problem = _problem_of(error)
    # A kind's own failure names its cause already; others are named by their type.
    detail = (str(error) if hasattr(error, "outbox_problem")
              else f"{type(error).__name__}: {error}")[:300]
    if problem == Problem.REFUSED:
        _record(message, status=Status.FAILED, problem=problem, last_error=detail,
                hook=handler.failed)
    elif message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        _record(message, status=Status.FAILED, problem=problem, last_error=detail,
                hook=handler.failed)
    else:
        _record(message, status=Status.RETRYING, problem=problem, last_error=detail,
                next_attempt_at=timezone.now() + backoff(message.attempts))
    log.warning("outbox: %s attempt %d failed: %s", message.kind, message.attempts,
                type(error).__name__)


def backoff(attempts):
    """Wait after the ``attempts``-th failure: doubling from OUTBOX_RETRY_SECONDS, capped at six
    hours, with jitter so a batch that failed together does not retry together."""
    seconds = min(6 * 3600, settings.OUTBOX_RETRY_SECONDS * 2 ** max(0, attempts - 1))
    return datetime.timedelta(seconds=seconds * random.uniform(0.8, 1.2))


def _problem_of(error):
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return Problem.REFUSED
    if isinstance(error, smtplib.SMTPResponseException) and 500 <= error.smtp_code < 600:
        return Problem.REFUSED
    if isinstance(error, (smtplib.SMTPException, OSError)):
        return Problem.MAIL_SERVER
    return getattr(error, "outbox_problem", Problem.ERROR)


def _record(message, *, hook=None, **fields):
    """Write the attempt's outcome, with the kind's own bookkeeping, in one transaction, only
    while this worker still holds the claim. The effect has happened: a dropped database
    connection is reconnected and the write tried again rather than the message resent."""
    fields.setdefault("lease_until", None)
    # Where the message went, or failed to go, as the handler found the address.
    fields["recipient"] = message.recipient[:254]
    for attempt in range(settings.OUTBOX_RECORD_TRIES):
        try:
            with transaction.atomic():
                held = OutboxMessage.objects.filter(pk=message.pk, claim=message.claim,
                                                    status=Status.SENDING).update(**fields)
                if held and hook is not None:
                    hook(message)
            if not held:
                log.warning("outbox: %s lost its claim before its outcome was recorded",
                            message.key)
            return
        except (OperationalError, InterfaceError):
            if connection.in_atomic_block:
                raise  # the caller's transaction is lost anyway: it must decide
            log.warning("outbox: database connection lost while recording %s; reconnecting",
                        message.key)
            connection.close()
            time.sleep(min(5, 0.2 * 2 ** attempt))
    raise OperationalError(f"outbox: could not record the outcome of {message.key}")


def _drop_broken_connection():
    """After a failed attempt, a database connection the failure broke is replaced on next use
    (never one inside a caller's transaction)."""
    if (not connection.in_atomic_block and connection.errors_occurred
            and not connection.is_usable()):
        connection.close()


class Mailer:
    """One SMTP connection for a batch, opened on first use and replaced after an error."""

    def __init__(self):
        self._connection = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.reset()

    def send(self, email):
        if self._connection is None:
            self._connection = get_connection()
            self._connection.open()
        email.connection = self._connection
        email.send()

    def reset(self):
        if self._connection is not None:
            try:
                self._connection.close()
            except Exception:  # closing a broken connection may fail too; it is gone anyway
                pass
            self._connection = None
