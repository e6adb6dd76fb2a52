"""The outbox: a side effect is recorded with the change that causes it, delivered once, retried
with back-off, and a failure is kept where Fedris sees it."""

import datetime
import smtplib
from unittest import mock

import pytest
from django.core import mail
from django.db import OperationalError, transaction
from django.utils import timezone

from botp import outbox, workflow
from botp.models import CaseState, Document, OutboxMessage, Participant

pytestmark = pytest.mark.django_db


def proposed(world):
    return world.case(CaseState.BTP_PROPOSED, btp=world.btp)


def accept(world, case):
    """A change whose one side effect is the participant's notification."""
    workflow.perform(case, "accept_case", world.btp.user)
    return OutboxMessage.objects.get(kind="case_event", case=case)


def test_the_message_is_recorded_with_the_change_or_not_at_all(world):
    case = proposed(world)
    with pytest.raises(RuntimeError), transaction.atomic():
        workflow.perform(case, "accept_case", world.btp.user)
        assert OutboxMessage.objects.filter(case=case).count() == 1
        raise RuntimeError("the rest of the change failed")
    assert not OutboxMessage.objects.filter(case=case).exists()
    case.refresh_from_db()
    assert case.state == CaseState.BTP_PROPOSED


def test_nothing_leaves_before_the_commit_and_it_leaves_once(
        world, django_capture_on_commit_callbacks):
    case = proposed(world)
    with django_capture_on_commit_callbacks(execute=True):
        message = accept(world, case)
        assert mail.outbox == [] and message.status == "queued"
    message.refresh_from_db()
    assert message.status == "sent" and message.recipient == world.participant.email
    assert [m.to for m in mail.outbox] == [[world.participant.email]]
    outbox.deliver([message.pk])  # a second kick, or the sweep: nothing more
    outbox.deliver_due()
    assert len(mail.outbox) == 1


def test_the_same_key_is_one_message(world):
    case = proposed(world)
    first = outbox.enqueue("case_event", "case_event:1:user:1", case=case, payload={"a": 1})
    again = outbox.enqueue("case_event", "case_event:1:user:1", case=case, payload={"a": 2})
    assert first.pk == again.pk and again.payload == {"a": 1}
    assert OutboxMessage.objects.filter(key="case_event:1:user:1").count() == 1


def test_an_unknown_kind_is_refused(world):
    with pytest.raises(KeyError):
        outbox.enqueue("fax", "fax:1")
    assert not OutboxMessage.objects.exists()


def test_a_failure_is_retried_with_back_off_and_then_marked_failed(world, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    message = accept(world, proposed(world))
    waits = []
    with mock.patch.object(outbox.Mailer, "send",
                           side_effect=smtplib.SMTPServerDisconnected("relay down")):
        for _ in range(3):
            before = timezone.now()
            outbox.deliver([message.pk])
            message.refresh_from_db()
            if message.status == "retrying":
                waits.append((message.next_attempt_at - before).total_seconds())
                # Not before its time...
                outbox.deliver_due()
                assert OutboxMessage.objects.get(pk=message.pk).attempts == len(waits)
                OutboxMessage.objects.filter(pk=message.pk).update(
                    next_attempt_at=timezone.now())
    assert message.status == "failed" and message.attempts == 3
    assert message.problem == "mail_server" and "relay down" in message.last_error
    # ...and the wait doubles (with a little jitter).
    assert 45 <= waits[0] <= 75 and 95 <= waits[1] <= 145
    assert mail.outbox == []


def test_a_failed_message_can_be_tried_again(world, settings):
    settings.OUTBOX_MAX_ATTEMPTS = 1
    message = accept(world, proposed(world))
    with mock.patch.object(outbox.Mailer, "send", side_effect=OSError("no route")):
        outbox.deliver([message.pk])
    message.refresh_from_db()
    assert message.status == "failed"
    outbox.deliver_due()
    assert mail.outbox == []  # a failed message waits for a person

    assert outbox.retry(message)
    outbox.deliver_due()
    message.refresh_from_db()
    assert message.status == "sent" and len(mail.outbox) == 1


def test_no_address_fails_at_once_with_its_reason(world):
    case = world.case(CaseState.AWAITING_BTP_CHOICE)
    participant = Participant.objects.get(pk=case.participant_id)
    participant.user = None
    participant.email = ""
    participant.save()
    case.refresh_from_db()
    workflow.perform(case, "choose_btp", world.admin,
                     payload={"btp": world.btp.pk, "asked_via": "phone"})
    declined = workflow.perform(case, "decline_case", world.btp.user, payload={"reason": "Full"})
    message = OutboxMessage.objects.get(
        key=f"case_event:{declined.pk}:participant:{participant.pk}")
    outbox.deliver([message.pk])
    message.refresh_from_db()
    assert (message.status, message.problem, message.attempts) == ("failed", "no_address", 1)


def test_a_refused_recipient_is_not_retried(world):
    message = accept(world, proposed(world))
    refused = smtplib.SMTPRecipientsRefused({world.participant.email: (550, b"no such user")})
    with mock.patch.object(outbox.Mailer, "send", side_effect=refused):
        outbox.deliver([message.pk])
    message.refresh_from_db()
    assert (message.status, message.problem) == ("failed", "refused")
    assert message.recipient == world.participant.email


def test_a_message_left_by_a_dead_worker_is_taken_again_after_its_lease(world):
    message = accept(world, proposed(world))
    # A worker took it and died before it could send or record anything.
    OutboxMessage.objects.filter(pk=message.pk).update(
        status="sending", claim="dead", lease_until=timezone.now() + datetime.timedelta(minutes=5),
        attempts=1)
    outbox.deliver_due()
    assert mail.outbox == []  # its lease still runs: maybe it is only slow
    OutboxMessage.objects.filter(pk=message.pk).update(
        lease_until=timezone.now() - datetime.timedelta(seconds=1))
    outbox.deliver_due()
    message.refresh_from_db()
    assert message.status == "sent" and message.attempts == 2 and len(mail.outbox) == 1


def test_every_attempt_carries_the_same_message_id(world):
    message = accept(world, proposed(world))
    with mock.patch.object(outbox.Mailer, "send", side_effect=OSError("down")) as failing:
        outbox.deliver([message.pk])
    first_id = failing.call_args.args[0].extra_headers["Message-ID"]
    OutboxMessage.objects.update(next_attempt_at=timezone.now())
    outbox.deliver([message.pk])
    assert mail.outbox[0].extra_headers["Message-ID"] == first_id
    assert "Auto-Submitted" in mail.outbox[0].extra_headers


@pytest.mark.django_db(transaction=True)
def test_the_outcome_is_recorded_across_a_dropped_database_connection(world, monkeypatch):
    """The e-mail went out; the database dropped the worker's connection as it recorded it.
    The worker reconnects and records it: the message is not sent again."""
    with mock.patch.object(outbox, "kick"):  # this test's commit would deliver it at once
        message = accept(world, proposed(world))
    real_atomic = transaction.atomic
    failures = []

    def drops_once(*args, **kwargs):
        if not failures and mail.outbox:
            failures.append(1)
            raise OperationalError("terminating connection due to administrator command")
        return real_atomic(*args, **kwargs)

    monkeypatch.setattr(outbox.transaction, "atomic", drops_once)
    monkeypatch.setattr(outbox.connection, "close", lambda: None)  # the test's own connection
    monkeypatch.setattr(outbox.time, "sleep", lambda seconds: None)
    outbox.deliver([message.pk])
    monkeypatch.undo()
    message.refresh_from_db()
    assert failures and message.status == "sent" and len(mail.outbox) == 1
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    outbox.deliver_due()
    assert len(mail.outbox) == 1


def test_a_document_is_rendered_once_into_one_file(world, treated_case_with_document, settings,
                                                   tmp_path):
    document, message = treated_case_with_document
    outbox.deliver([message.pk])
    document.refresh_from_db()
    assert document.status == Document.Status.RENDERED and document.sha256
    first_name = document.file.name
    files = list((tmp_path / "media").rglob("*.enc"))
    assert len(files) == 1
    # A worker that rendered it and died before recording it: rendered again, same one file.
    Document.objects.filter(pk=document.pk).update(status="pending")
    OutboxMessage.objects.filter(pk=message.pk).update(status="queued")
    outbox.deliver([message.pk])
    document.refresh_from_db()
    assert document.file.name == first_name
    assert list((tmp_path / "media").rglob("*.enc")) == files


@pytest.fixture
def treated_case_with_document(world, settings, tmp_path, monkeypatch):
    from botp import documents

    settings.MEDIA_ROOT = tmp_path / "media"
    monkeypatch.setitem(documents._kinds, "test_letter", documents.Kind(
        "documents/base.html", lambda document: {}, lambda case, source_id: "en"))
    case = world.case(CaseState.IN_TREATMENT, btp=world.btp)
    with transaction.atomic():
        document = documents.issue(case, "test_letter", 1)
    return document, OutboxMessage.objects.get(key=f"document:{document.pk}")


def test_a_failed_render_keeps_its_reason_and_the_document_waits(world, monkeypatch,
                                                                 treated_case_with_document):
    from botp import documents

    document, message = treated_case_with_document
    monkeypatch.setattr(documents, "render", mock.Mock(side_effect=OSError("disk full")))
    outbox.deliver([message.pk])
    message.refresh_from_db()
    document.refresh_from_db()
    assert (message.status, message.problem) == ("retrying", "rendering")
    assert "disk full" in message.last_error and document.status == "pending"


def test_a_message_whose_subject_was_removed_is_cancelled_not_retried(
        world, treated_case_with_document):
    document, message = treated_case_with_document
    Document.objects.filter(pk=document.pk).delete()
    outbox.deliver([message.pk])
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("cancelled", 1)
