"""The monitor's changes: starting without an account, answering, sending a measurement (its
scores and feedback fixed, its PDF recorded in the outbox), the follow-up address left and
deleted, and the follow-up invitations the days make due."""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from botp import links, outbox
from botp.models import OutboxMessage
from evaluation.monitor import instrument
from evaluation.monitor.models import (
    FOLLOW_UP_DAYS,
    Measurement,
    MonitorAnswer,
    MonitorContact,
    MonitorPerson,
    MonitorResponse,
    MonitorScore,
)

LINK_PURPOSE = "monitor-link"


def token_for(person):
    return links.token_for(LINK_PURPOSE, person.nonce)


def person_for(token):
    """The person behind a private link; LinkProblem("invalid") for any other token."""
    person = MonitorPerson.objects.filter(token_hash=links.hash_of(token)).first()
    if person is None:
        raise links.LinkProblem("invalid")
    return person


@transaction.atomic
def start(*, organisation, language, email=""):
    """A new person with their first measurement open; returns (person, private token)."""
    nonce = links.new_nonce()
    person = MonitorPerson.objects.create(
        organisation=organisation, language=language, nonce=nonce,
        token_hash=links.hash_of(links.token_for(LINK_PURPOSE, nonce)))
    MonitorResponse.objects.create(person=person, measurement=Measurement.BASELINE,
                                   instrument=instrument.current(), organisation=organisation)
    if email:
        set_contact(person, email)
    return person, token_for(person)


@dataclass(frozen=True)
class FollowUp:
    measurement: str
    opens_on: datetime.date

    @property
    def label(self):
        return Measurement(self.measurement).label


def _baseline_sent(person):
    return (person.responses.filter(measurement=Measurement.BASELINE,
                                    completed_at__isnull=False)
            .values_list("completed_at", flat=True).first())


def follow_ups(person):
    """The follow-ups not answered yet, with the day each opens (none before the first
    measurement is sent)."""
    sent = _baseline_sent(person)
    if sent is None:
        return []
    done = set(person.responses.filter(completed_at__isnull=False)
               .values_list("measurement", flat=True))
    return [FollowUp(m, timezone.localdate(sent + datetime.timedelta(days=days)))
            for m, days in FOLLOW_UP_DAYS.items() if m not in done]


def open_response(person, *, create=True):
    """The measurement to answer now: one started and not sent, else a follow-up whose day has
    come (made now, or with ``create=False`` not saved, for a page that only shows it), else
    None. A follow-up missed stays open until the next one's day."""
    started = person.responses.select_related("instrument").filter(
        completed_at__isnull=True).first()
    if started is not None:
        return started
    today = timezone.localdate()
    due = [f for f in follow_ups(person) if f.opens_on <= today]
    if not due:
        return None
    defaults = {"instrument": instrument.current(), "organisation": person.organisation}
    if not create:
        return MonitorResponse(person=person, measurement=due[-1].measurement, **defaults)
    with transaction.atomic():
        response, _created = MonitorResponse.objects.get_or_create(
            person=person, measurement=due[-1].measurement, defaults=defaults)
    return response


def save_page(response, answers, items):
    """Save the answers posted for ``items``; return {item: message} for what needs answering."""
    definition = response.instrument.definition
    scales = {scale["id"]: scale for scale in definition["scales"]}
    problems = {}
    with transaction.atomic():
        locked = MonitorResponse.objects.select_for_update().get(pk=response.pk)
        if locked.completed_at is not None:
            raise links.LinkProblem("completed")
        for item in items:
            value = (answers.get(item["id"]) or "").strip()
            allowed = {str(option["value"]) for option in scales[item["scale"]]["options"]}
            if value and value not in allowed:
                problems[item["id"]] = _("Choose one of the answers.")
            elif not value:
                MonitorAnswer.objects.filter(response=locked, item=item["id"]).delete()
                if item.get("required"):
                    problems[item["id"]] = _("Please answer this question.")
            else:
                MonitorAnswer.objects.update_or_create(response=locked, item=item["id"],
                                                       defaults={"value": value})
    return problems


def saved_answers(response):
    if response.pk is None:
        return {}
    return dict(response.answers.values_list("item", "value"))


def unanswered(response):
    answers = saved_answers(response)
    return [item for item in response.instrument.definition["items"]
            if item.get("required") and item["id"] not in answers]


def submit(response):
    """Make the measurement final: its scores and feedback fixed, its PDF recorded in the
    outbox. Returns the items still unanswered instead (and changes nothing)."""
    with transaction.atomic():
        locked = MonitorResponse.objects.select_for_update().get(pk=response.pk)
        if locked.completed_at is not None:
            raise links.LinkProblem("completed")
        missing = unanswered(locked)
        if missing:
            return missing
        found = instrument.scores(locked.instrument.definition, saved_answers(locked))
        MonitorScore.objects.bulk_create([
            MonitorScore(response=locked, subscale=subscale, value=value, verdict=verdict)
            for subscale, (value, verdict) in found.items()])
        locked.completed_at = timezone.now()
        locked.save(update_fields=["completed_at"])
        outbox.enqueue("monitor_feedback_pdf", locked.pdf_key, payload={"response": locked.pk})
    return []


def set_contact(person, email):
    """Keep ``email`` (encrypted) for the follow-up invitations, replacing an earlier one."""
    with transaction.atomic():
        contact = MonitorContact.objects.filter(person=person).first() or \
            MonitorContact(person=person)
        contact.email = email.strip()
        contact.created_at = timezone.now()
        contact.save()


def delete_contact(person):
    """Forget the address at once; follow-up invitations waiting to go are cancelled (the
    worker would find no address anyway). The private link keeps working."""
    with transaction.atomic():
        deleted, _rows = MonitorContact.objects.filter(person=person).delete()
        OutboxMessage.objects.filter(
            kind="monitor_follow_up", key__startswith=f"monitor_follow_up:{person.pk}:",
            status__in=[OutboxMessage.Status.QUEUED, OutboxMessage.Status.RETRYING],
        ).update(status=OutboxMessage.Status.CANCELLED, last_error="the address was deleted")
    return bool(deleted)


def invite_follow_ups(now=None):
    """Record the follow-up invitations that are due for the people who left an address;
    the outbox sends them. Safe to run any number of times (one key per person and
    measurement)."""
    now = now or timezone.now()
    recorded = 0
    people = MonitorPerson.objects.filter(contact__isnull=False,
                                          responses__measurement=Measurement.BASELINE,
                                          responses__completed_at__isnull=False)
    for person in people.iterator(chunk_size=500):
        # Only the latest follow-up due: an address left late brings one invitation, not two.
        due = [f for f in follow_ups(person) if f.opens_on <= timezone.localdate(now)]
        for follow_up in due[-1:]:
            key = f"monitor_follow_up:{person.pk}:{follow_up.measurement}"
            with transaction.atomic():
                if OutboxMessage.objects.filter(key=key).exists():
                    continue
                outbox.enqueue("monitor_follow_up", key, payload={
                    "person": person.pk, "measurement": follow_up.measurement})
                recorded += 1
    return recorded
