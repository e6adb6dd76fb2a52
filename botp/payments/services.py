"""Paying the programme, each change in one transaction, audited, its PDFs through the outbox.

Statements: ``build_statements`` (the monthly beat task, or on demand) puts every session,
meeting preparation and report held by the end of the month and not paid yet on its provider's
statement of that month; the provider ``confirm``s; an administrator ``approve``s, or
``dispute``s a line with a reason, which the provider ``answer``s before approval. Approval
locks the amounts; a late ``correct``ion is a new line on the provider's next statement.

Travel: the participant ``declare_trip``s within the programme's rules; an administrator
``decide_claim``s. ``make_payment_run`` pays every approved statement and claim in one SEPA file.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from botp import audit, outbox, policy
from botp.models import (
    Case,
    ClaimStatus,
    Document,
    LineKind,
    OutboxMessage,
    PayeeAccount,
    PaymentDocument,
    PaymentRun,
    Session,
    SessionStatus,
    Statement,
    StatementLine,
    StatementStatus,
    TravelClaim,
    TravelMode,
)
from botp.payments import AUDIT_PREFIX, notices, sepa, tariffs
from botp.workflow import TransitionError, TransitionForbidden

LANGUAGES = ("nl", "fr", "de", "en")


def month_of(day):
    return day.replace(day=1)


def month_end(month):
    following = (month.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    return following - datetime.timedelta(days=1)


def previous_month(today=None):
    today = today or timezone.localdate()
    return month_of(month_of(today) - datetime.timedelta(days=1))


def _record(user, subject, what, changes=None):
    with audit.acting_as(user):
        audit.record_change(AUDIT_PREFIX + subject, what, changes or {})


def _require(allowed):
    if not allowed:
        raise TransitionForbidden(_("This is not yours to do."))


# --- Building the statements -------------------------------------------------------------------


def report_key(document):
    """What a report is paid as: one diagnosis report and one final report per case (their
    later versions are the same report), each data transmission report on its own."""
    if document.kind == "transmission_report":
        return f"{document.kind}:{document.source_id}"
    return f"{document.kind}:case:{document.case_id}"


def _statement_for(provider_id, month, cache):
    """The provider's statement of ``month`` that still takes lines, locked, or None."""
    if provider_id not in cache:
        statement, _created = Statement.objects.get_or_create(provider_id=provider_id,
                                                              month=month)
        statement = Statement.objects.select_for_update().get(pk=statement.pk)
        cache[provider_id] = statement if statement.status == StatementStatus.TO_CONFIRM \
            else None
    return cache[provider_id]


def _add_line(statement, **fields):
    """A new line, or None when the item is on a line already (the database's unique
    constraints decide, also against a concurrent builder)."""
    try:
        with transaction.atomic():
            return StatementLine.objects.create(statement=statement, **fields)
    except IntegrityError:
        return None


BUILD_KIND = "payment_statements"


def request_statements(by, month):
    """An administrator asks for the statements of ``month``: a worker builds them (the build
    walks every unpaid item held up to the month's end, at national scale millions), never the
    request. Asked again while that build waits, it is the same build. Returns its message."""
    month = month_of(month)
    waiting = _pending_builds().filter(payload__month=month.isoformat()).first()
    if waiting is not None:
        return waiting
    _record(by, "statements", f"build requested for {month:%Y-%m}")
    return outbox.enqueue(BUILD_KIND, f"{BUILD_KIND}:{month:%Y-%m}:{timezone.now():%Y%m%d%H%M%S%f}",
                          payload={"month": month.isoformat()})


def _pending_builds():
    return OutboxMessage.objects.filter(kind=BUILD_KIND, status__in=[
        OutboxMessage.Status.QUEUED, OutboxMessage.Status.SENDING,
        OutboxMessage.Status.RETRYING]).order_by("created_at")


def pending_builds():
    """The statement builds asked for that a worker has not finished: (month, asked at)."""
    return [(datetime.date.fromisoformat(message.payload["month"]), message.created_at)
            for message in _pending_builds()[:12]]


def _build_requested(message, mailer):
    month = datetime.date.fromisoformat(message.payload["month"])
    return {"statements": len(build_statements(month))}


outbox.register(BUILD_KIND, label=gettext_lazy("Building the providers' statements"),
                deliver=_build_requested, done_label=gettext_lazy("Done"), heavy=True)


def build_statements(month):
    """Put on each provider's statement of ``month`` every item held by the month's end and not
    on a statement yet; safe to run again (what is on a line is not added twice). An item
    whose tariff is not set is left for a later run. Returns the statements that got lines."""
    month = month_of(month)
    end = month_end(month)
    touched = {}
    with transaction.atomic():
        cache = {}
        sessions = (Session.objects.filter(date__lte=end, statement_line__isnull=True,
                                           status__in=[SessionStatus.HELD,
                                                       SessionStatus.NO_SHOW])
                    .select_related("case__programme", "session_type").order_by("pk"))
        for session in sessions.iterator(chunk_size=500):
            tariff = tariffs.for_session(session)
            if tariff.amount is None:
                continue
            statement = _statement_for(session.provider_id, month, cache)
            if statement is None:
                continue
            meeting = session.session_type.given_by == "workplace"
            line = _add_line(
                statement, kind=LineKind.MEETING if meeting else LineKind.SESSION,
                case_id=session.case_id, session=session, item=session.session_type.code,
                format=session.format, no_show=session.status == SessionStatus.NO_SHOW,
                service_date=session.date, programme_version=tariff.version,
                amount=tariff.amount)
            if line is not None:
                touched[statement.pk] = statement
        paid_keys = set(StatementLine.objects.filter(report_key__isnull=False)
                        .values_list("report_key", flat=True))
        reports = (Document.objects.filter(kind__in=tariffs.PAID_REPORTS, version=1,
                                           created_at__date__lte=end,
                                           case__btp__isnull=False)
                   .select_related("case__programme").order_by("pk"))
        for document in reports.iterator(chunk_size=500):
            key = report_key(document)
            if key in paid_keys:
                continue
            day = timezone.localdate(document.created_at)
            tariff = tariffs.for_report(document.case, document.kind, day)
            if tariff.amount is None:
                continue
            statement = _statement_for(document.case.btp_id, month, cache)
            if statement is None:
                continue
            line = _add_line(statement, kind=LineKind.REPORT, case_id=document.case_id,
                             report_key=key, item=document.kind, service_date=day,
                             programme_version=tariff.version, amount=tariff.amount)
            if line is not None:
                paid_keys.add(key)
                touched[statement.pk] = statement
        # A statement made for nothing is not kept.
        Statement.objects.filter(pk__in=[s.pk for s in cache.values() if s is not None],
                                 lines__isnull=True).delete()
        for statement in touched.values():
            if statement.status == StatementStatus.TO_CONFIRM:
                notices.statement_to_confirm(statement)
    return list(touched.values())


# --- The statement's loop ----------------------------------------------------------------------


def _locked(statement):
    return Statement.objects.select_for_update().get(pk=statement.pk)


def confirm(user, statement):
    """The provider confirms their statement as it stands."""
    _require(policy.may_confirm_statement(user, statement))
    with transaction.atomic():
        statement = _locked(statement)
        if statement.status != StatementStatus.TO_CONFIRM:
            raise TransitionError(_("This statement is not waiting for your confirmation."))
        statement.status = StatementStatus.CONFIRMED
        statement.confirmed_at = timezone.now()
        statement.save(update_fields=["status", "confirmed_at"])
        _record(user, f"statement:{statement.pk}", "statement confirmed")
    return statement


def dispute(user, line, reason):
    """An administrator disputes one line of a confirmed statement, saying why."""
    _require(policy.has_capability(user, policy.Capability.MANAGE_PAYMENTS))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ValidationError(
            _("Say why the line is disputed: the provider answers it."), code="required")})
    with transaction.atomic():
        statement = _locked(line.statement)
        if statement.status not in (StatementStatus.CONFIRMED, StatementStatus.ANSWERED,
                                    StatementStatus.DISPUTED):
            raise TransitionError(_("Only a confirmed statement not approved yet can be "
                                    "disputed."))
        line = StatementLine.objects.get(pk=line.pk, statement=statement)
        line.dispute_reason, line.disputed_at = reason, timezone.now()
        line.answer, line.answered_at = "", None
        line.save(update_fields=["dispute_reason", "disputed_at", "answer", "answered_at"])
        statement.status = StatementStatus.DISPUTED
        statement.save(update_fields=["status"])
        _record(user, f"statement:{statement.pk}", "statement line disputed",
                {"line": [None, line.pk]})
        notices.line_disputed(line)
    return line


def answer(user, line, text):
    """The provider answers a disputed line; once every disputed line is answered the
    statement goes back to Fedris."""
    _require(policy.may_confirm_statement(user, line.statement))
    text = (text or "").strip()
    if not text:
        raise ValidationError({"answer": ValidationError(
            _("Write your answer to Fedris' question."), code="required")})
    with transaction.atomic():
        statement = _locked(line.statement)
        line = StatementLine.objects.get(pk=line.pk, statement=statement)
        if statement.status != StatementStatus.DISPUTED or not line.disputed or line.answer:
            raise TransitionError(_("This line is not waiting for your answer."))
        line.answer, line.answered_at = text, timezone.now()
        line.save(update_fields=["answer", "answered_at"])
        if not statement.lines.exclude(dispute_reason="").filter(answer="").exists():
            statement.status = StatementStatus.ANSWERED
            statement.save(update_fields=["status"])
        _record(user, f"statement:{statement.pk}", "statement line answered",
                {"line": [None, line.pk]})
    return line


def approve(user, statement):
    """An administrator approves a confirmed (or answered) statement: its total is fixed and
    its lines never change again. Its PDF is made in every language."""
    _require(policy.has_capability(user, policy.Capability.MANAGE_PAYMENTS))
    with transaction.atomic():
        statement = _locked(statement)
        if statement.status not in (StatementStatus.CONFIRMED, StatementStatus.ANSWERED):
            raise TransitionError(_("Only a statement its provider confirmed, with every "
                                    "dispute answered, can be approved."))
        total = statement.lines.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")
        statement.status = StatementStatus.APPROVED
        statement.total = total
        statement.approved_at, statement.approved_by = timezone.now(), user
        statement.save(update_fields=["status", "total", "approved_at", "approved_by"])
        _record(user, f"statement:{statement.pk}", "statement approved",
                {"total": [None, str(total)]})
        issue_pdfs(PaymentDocument.Subject.STATEMENT, statement.pk)
    return statement


def correct(user, line, amount, reason):
    """A late correction of a line of an approved statement: a new line (``amount`` may be
    negative) on the provider's next statement that still takes lines."""
    _require(policy.has_capability(user, policy.Capability.MANAGE_PAYMENTS))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": ValidationError(_("Say why the line is corrected."),
                                                         code="required")})
    amount = Decimal(amount).quantize(tariffs.CENT)
    if amount == 0:
        raise ValidationError({"amount": ValidationError(_("A correction is not zero."),
                                                         code="zero")})
    line = StatementLine.objects.select_related("statement").get(pk=line.pk)
    if not line.statement.locked:
        raise TransitionError(_("A statement not approved yet is disputed, not corrected."))
    with transaction.atomic():
        following = month_of(month_end(line.statement.month) + datetime.timedelta(days=1))
        month = max(following, month_of(timezone.localdate()))
        target = (Statement.objects.select_for_update()
                  .filter(provider_id=line.statement.provider_id,
                          status=StatementStatus.TO_CONFIRM, month__gte=following)
                  .order_by("month").first())
        if target is None:
            target = Statement.objects.filter(provider_id=line.statement.provider_id,
                                              month=month).first()
            if target is not None and target.status != StatementStatus.TO_CONFIRM:
                raise TransitionError(_("The provider's statement of this month is already "
                                        "confirmed: correct the line next month."))
            target = target or Statement.objects.create(
                provider_id=line.statement.provider_id, month=month)
        correction = StatementLine.objects.create(
            statement=target, kind=LineKind.CORRECTION, case_id=line.case_id, corrects=line,
            item=line.item, format=line.format, service_date=line.service_date,
            programme_version=line.programme_version, amount=amount, note=reason[:300])
        _record(user, f"statement:{target.pk}", "statement correction added",
                {"corrects": [None, line.pk], "amount": [None, str(amount)]})
        notices.statement_to_confirm(target)  # once a statement: a new one is told of
    return correction


# --- Travel claims -----------------------------------------------------------------------------


def _case_days(case):
    start = timezone.localdate(case.approved_at or case.requested_at)
    end = timezone.localdate(case.ended_at) if case.ended_at else timezone.localdate()
    return start, min(end, timezone.localdate())


def trip_problems(case, trip_date, mode, km, ticket_amount, *, exclude=None):
    """What is wrong with a trip as declared, as a ValidationError by field (raised)."""
    errors = {}
    rules = tariffs.travel(case.programme, trip_date or timezone.localdate())
    if not rules.paid:
        raise ValidationError(_("Your programme does not pay travel costs."), code="not_paid")
    start, end = _case_days(case)
    if trip_date is not None and not start <= trip_date <= end:
        errors["trip_date"] = _("The trip must be between %(start)s and %(end)s: the days "
                                "of your programme so far.") % {
            "start": start.strftime("%d/%m/%Y"), "end": end.strftime("%d/%m/%Y")}
    elif trip_date is not None and not case.sessions.filter(
            date=trip_date, status=SessionStatus.HELD).exists():
        errors["trip_date"] = _("No session of yours was held that day: declare the trips "
                                "to your sessions.")
    amount = None
    if mode == TravelMode.CAR:
        if km is None:
            errors["km"] = _("Give the kilometres driven, there and back.")
        elif km <= 0:
            errors["km"] = _("The kilometres are more than 0.")
        elif rules.per_km is None:
            errors["km"] = _("Fedris has not set the amount per km yet: declare the trip "
                             "later.")
        else:
            amount = (km * rules.per_km).quantize(tariffs.CENT)
    elif mode == TravelMode.PUBLIC_TRANSPORT:
        if not rules.public_transport:
            errors["mode"] = _("Your programme pays trips by car only.")
        elif ticket_amount is None:
            errors["ticket_amount"] = _("Give the ticket's amount.")
        elif ticket_amount <= 0:
            errors["ticket_amount"] = _("The ticket's amount is more than 0.")
        else:
            amount = ticket_amount.quantize(tariffs.CENT)
    field = "km" if mode == TravelMode.CAR else "ticket_amount"
    if amount is not None and rules.cap_per_trip is not None and amount > rules.cap_per_trip:
        errors[field] = _("%(amount)s euro is more than the %(cap)s euro a trip the programme "
                          "pays.") % {"amount": amount, "cap": rules.cap_per_trip}
        amount = None
    if amount is not None and rules.cap_per_case is not None:
        claims = case.travel_claims.exclude(status=ClaimStatus.REFUSED)
        if exclude is not None:
            claims = claims.exclude(pk=exclude)
        so_far = claims.aggregate(total=Sum("amount"))["total"] or Decimal("0.00")
        if so_far + amount > rules.cap_per_case:
            errors[field] = _("With this trip your travel costs would be %(total)s euro: the "
                              "programme pays at most %(cap)s euro for your whole path "
                              "(%(left)s euro left).") % {
                "total": so_far + amount, "cap": rules.cap_per_case,
                "left": max(rules.cap_per_case - so_far, Decimal("0.00"))}
            amount = None
    if errors:
        raise ValidationError(errors)
    return amount, rules


def declare_trip(user, case, *, trip_date, origin, mode, km=None, ticket_amount=None):
    """The participant declares a trip to one of their sessions."""
    _require(policy.travel_cases_for(user).filter(pk=case.pk).exists())
    origin = (origin or "").strip()
    if not origin:
        raise ValidationError({"origin": ValidationError(_("Say where you left from."),
                                                         code="required")})
    with transaction.atomic():
        case = Case.objects.select_for_update().select_related("programme").get(pk=case.pk)
        amount, rules = trip_problems(case, trip_date, mode, km, ticket_amount)
        try:
            with transaction.atomic():
                claim = TravelClaim.objects.create(
                    case=case, participant_id=case.participant_id, trip_date=trip_date,
                    origin=origin[:200], mode=mode,
                    km=km if mode == TravelMode.CAR else None,
                    ticket_amount=ticket_amount if mode == TravelMode.PUBLIC_TRANSPORT
                    else None, amount=amount, programme_version=rules.version)
        except IntegrityError:
            raise ValidationError({"trip_date": ValidationError(
                _("You declared a trip on that day already."), code="duplicate")}) from None
        _record(user, f"travel-claim:{claim.pk}", "travel claim submitted",
                {"amount": [None, str(amount)]})
    return claim


def decide_claim(user, claim, *, approve, reason=""):
    """An administrator approves a claim (paid with the next payment run) or refuses it with a
    reason."""
    _require(policy.has_capability(user, policy.Capability.MANAGE_PAYMENTS))
    reason = (reason or "").strip()
    if not approve and not reason:
        raise ValidationError({"reason": ValidationError(
            _("Say why the claim is refused: the participant reads it."), code="required")})
    with transaction.atomic():
        claim = TravelClaim.objects.select_for_update().get(pk=claim.pk)
        if claim.status != ClaimStatus.SUBMITTED:
            raise TransitionError(_("This claim was decided already."))
        claim.status = ClaimStatus.APPROVED if approve else ClaimStatus.REFUSED
        claim.refusal_reason = "" if approve else reason
        claim.decided_by, claim.decided_at = user, timezone.now()
        claim.save(update_fields=["status", "refusal_reason", "decided_by", "decided_at"])
        _record(user, f"travel-claim:{claim.pk}",
                "travel claim approved" if approve else "travel claim refused")
        notices.claim_decided(claim)
    return claim


# --- Bank accounts -----------------------------------------------------------------------------


def set_bank_account(user, *, holder, iban, bic=""):
    """The user's own account to be paid on (a provider's or a participant's)."""
    payee = policy.payee_of(user)
    _require(payee is not None)
    holder = (holder or "").strip()
    errors = {}
    if not holder:
        errors["holder"] = _("Give the account holder's name.")
    try:
        iban = sepa.clean_iban(iban)
    except ValidationError as error:
        errors["iban"] = error.messages[0]
    try:
        bic = sepa.clean_bic(bic)
    except ValidationError as error:
        errors["bic"] = error.messages[0]
    if errors:
        raise ValidationError(errors)
    field = "provider" if payee.__class__.__name__ == "Provider" else "participant"
    with transaction.atomic():
        account, _created = PayeeAccount.objects.update_or_create(
            **{field: payee}, defaults={"holder": holder[:70], "iban": iban, "bic": bic})
        _record(user, f"bank-account:{account.pk}", "bank account set",
                {"iban": [None, account.masked_iban]})
    return account


# --- Payment runs ------------------------------------------------------------------------------


def payable():
    """What the next payment run pays: approved statements and claims not paid yet."""
    statements = (Statement.objects.filter(status=StatementStatus.APPROVED,
                                           payment_run__isnull=True, total__gt=0)
                  .select_related("provider__user", "provider__bank_account"))
    claims = (TravelClaim.objects.filter(status=ClaimStatus.APPROVED, payment_run__isnull=True)
              .select_related("participant__bank_account", "case"))
    return statements, claims


def _account(owner):
    return getattr(owner, "bank_account", None)


def make_payment_run(user, *, execution_date):
    """One SEPA file for every approved statement and claim whose payee has a bank account;
    recorded with its SHA-256, never changed afterwards. Those without an account wait."""
    _require(policy.has_capability(user, policy.Capability.MANAGE_PAYMENTS))
    if execution_date is None or execution_date < timezone.localdate():
        raise ValidationError({"execution_date": ValidationError(
            _("The execution date is today or later."), code="past")})
    with transaction.atomic():
        statements, claims = payable()
        statements = list(statements.select_for_update(of=("self",)))
        claims = list(claims.select_for_update(of=("self",)))
        # (item, payee, amount, remittance text) for each statement and claim.
        due = [(statement, statement.provider, statement.total,
                f"BOTP {statement.reference} {statement.month:%m/%Y}")
               for statement in statements]
        due += [(claim, claim.participant, claim.amount,
                 f"BOTP {claim.reference} {claim.trip_date:%d/%m/%Y}") for claim in claims]
        transfers, paid = [], {Statement: [], TravelClaim: []}
        for item, payee, amount, text in due:
            account = _account(payee)
            if account is None:
                continue  # waits for its payee's IBAN
            transfers.append(sepa.Transfer(
                account.holder, account.iban, sepa.bic_for(account.iban, account.bic),
                amount, text, item.reference))
            paid[type(item)].append(item.pk)
        if not transfers:
            raise ValidationError(_("Nothing to pay: no approved statement or travel claim "
                                    "whose payee gave a bank account."), code="nothing")
        xml, message_id = sepa.build(execution_date, transfers)
        run = PaymentRun.objects.create(
            created_by=user, execution_date=execution_date, message_id=message_id[:35],
            sepa_xml=xml, sha256=sepa.sha256(xml),
            total=sum((t.amount for t in transfers), Decimal("0.00")), transfers=len(transfers))
        Statement.objects.filter(pk__in=paid[Statement]).update(
            payment_run=run, status=StatementStatus.PAID)
        TravelClaim.objects.filter(pk__in=paid[TravelClaim]).update(payment_run=run,
                                                                    status=ClaimStatus.PAID)
        _record(user, f"payment-run:{run.pk}", "payment run made",
                {"sha256": [None, run.sha256], "total": [None, str(run.total)],
                 "transfers": [None, run.transfers]})
        issue_pdfs(PaymentDocument.Subject.PAYMENT_RUN, run.pk)
    return run


def download_file(user, run):
    """The run's SEPA file as recorded; the download audited."""
    _require(policy.has_capability(user, policy.Capability.MANAGE_PAYMENTS))
    _record(user, f"payment-run:{run.pk}", "payment file downloaded")
    return bytes(run.sepa_xml)


# --- PDFs ------------------------------------------------------------------------------------


def issue_pdfs(subject, subject_id):
    """The subject's PDF in each of the portal's languages, made by the worker once the
    current transaction commits (the reader gets theirs)."""
    for language in LANGUAGES:
        document, created = PaymentDocument.objects.get_or_create(
            subject=subject, subject_id=subject_id, language=language)
        if created:
            outbox.enqueue("payment_pdf", document.delivery_key,
                           payload={"document": document.pk})


def pdf_for(subject, subject_id, language):
    documents = PaymentDocument.objects.filter(subject=subject, subject_id=subject_id)
    return (documents.filter(language=language).first()
            or documents.filter(~Q(file="")).first())
