"""The payment run: one SEPA credit transfer file (pain.001.001.03) for every approved
statement and travel claim, valid against the ISO 20022 schema, kept with its SHA-256 and
never changed."""

import datetime
import hashlib
import pathlib
from decimal import Decimal

import pytest
import xmlschema
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from botp.models import (
    AuditEntry,
    ClaimStatus,
    PaymentRun,
    Statement,
    StatementStatus,
    TravelMode,
)
from botp.payments import services
from botp.workflow import TransitionForbidden
from tests.payments.conftest import held

pytestmark = pytest.mark.django_db

SCHEMA = pathlib.Path(__file__).with_name("pain.001.001.03.xsd")
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"}


def validate(data):
    """The file against the schema shipped beside this test (a copy of ISO 20022's); returns
    the parsed document."""
    schema = xmlschema.XMLSchema(str(SCHEMA))
    schema.validate(data.decode())
    return schema.to_dict(data.decode())


@pytest.fixture
def approved(world, treated):
    held(treated, "work_related", world.btp, days_ago=2)
    day = held(treated, "individual", world.isp, days_ago=1).date
    services.build_statements(timezone.localdate())
    for statement in Statement.objects.all():
        services.confirm(statement.provider.user, statement)
        services.approve(world.admin, statement)
    claim = services.declare_trip(world.participant, treated, trip_date=day,
                                  origin="Leuven", mode=TravelMode.PUBLIC_TRANSPORT,
                                  ticket_amount=Decimal("9.40"))
    services.decide_claim(world.admin, claim, approve=True)
    services.set_bank_account(world.btp.user, holder="Praktijk Janssens",
                              iban="BE48001123456727")
    services.set_bank_account(world.participant, holder="Tom Willems",
                              iban="BE38 7344 5678 9072")
    return claim


def test_the_file_validates_against_the_pain_001_schema(world, approved):
    run = services.make_payment_run(world.admin, execution_date=timezone.localdate())
    data = bytes(run.sepa_xml)
    document = validate(data)
    header = document["CstmrCdtTrfInitn"]["GrpHdr"]
    assert header["NbOfTxs"] == "2" and Decimal(str(header["CtrlSum"])) == Decimal("79.40")
    assert header["MsgId"] == run.message_id
    transfers = [tx for batch in document["CstmrCdtTrfInitn"]["PmtInf"]
                 for tx in batch["CdtTrfTxInf"]]
    ibans = sorted(tx["CdtrAcct"]["Id"]["IBAN"] for tx in transfers)
    assert ibans == ["BE38734456789072", "BE48001123456727"]
    assert run.sha256 == hashlib.sha256(data).hexdigest()
    assert run.total == Decimal("79.40") and run.transfers == 2


def test_what_is_paid_is_marked_and_not_paid_again(world, approved):
    run = services.make_payment_run(world.admin, execution_date=timezone.localdate())
    btp = Statement.objects.get(provider=world.btp)
    assert btp.status == StatementStatus.PAID and btp.payment_run == run
    approved.refresh_from_db()
    assert approved.status == ClaimStatus.PAID and approved.payment_run == run
    # The ISP gave no bank account: their statement waits for the next run.
    isp = Statement.objects.get(provider=world.isp)
    assert isp.status == StatementStatus.APPROVED and isp.payment_run is None
    with pytest.raises(ValidationError):
        services.make_payment_run(world.admin, execution_date=timezone.localdate())
    services.set_bank_account(world.isp.user, holder="Els Maes", iban="BE02363345678940")
    second = services.make_payment_run(world.admin, execution_date=timezone.localdate())
    assert second.transfers == 1 and second.total == Decimal("60.00")
    assert AuditEntry.objects.filter(subject=f"payment:payment-run:{second.pk}",
                                     what="payment run made", actor=world.admin).exists()


def test_a_payment_run_is_never_changed(world, approved):
    run = services.make_payment_run(world.admin, execution_date=timezone.localdate())
    run.sepa_xml = b"<tampered/>"
    with pytest.raises(PermissionError):
        run.save()
    with pytest.raises(PermissionError):
        run.delete()


def test_postgresql_refuses_to_change_a_payment_run(world, approved, postgres_only):
    run = services.make_payment_run(world.admin, execution_date=timezone.localdate())
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("UPDATE botp_paymentrun SET sha256 = 'x' WHERE id = %s", [run.pk])
    assert PaymentRun.objects.get(pk=run.pk).sha256 == run.sha256


def test_only_an_administrator_makes_a_run_and_not_in_the_past(world, approved):
    with pytest.raises(TransitionForbidden):
        services.make_payment_run(world.btp.user, execution_date=timezone.localdate())
    with pytest.raises(ValidationError):
        services.make_payment_run(world.admin, execution_date=timezone.localdate()
                                  - datetime.timedelta(days=1))
