"""What Fedris pays for each item, as programme data: read from the version of the case's
programme in force on the day the item was held (a tariff applies from its version's date).

A version says, in its rules (botp.programme_rules.snapshot): ``tariffs`` {session type code:
euro} for individual sessions; and ``payments``: ``group`` {session type code: euro} where the
programme pays a group session otherwise, ``meeting_preparation``, ``reports`` {document kind:
euro}, ``no_show_paid``, ``public_transport``, ``travel_cap_per_trip``, ``travel_cap_per_case``,
and ``demonstration`` when the amounts are the demo's, not Fedris'. ``travel_cost_per_km`` is
one of its limits. An amount not set is None: that item is not paid until a version sets it.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from botp import programme_rules
from botp.models import DocumentKind, GivenBy, SessionFormat, SessionStatus

CENT = Decimal("0.01")
PAID_REPORTS = (DocumentKind.DIAGNOSIS_REPORT, DocumentKind.TRANSMISSION_REPORT,
                DocumentKind.FINAL_REPORT)


def money(value):
    """``value`` (a string, number or None) as euro and cents, or None."""
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value)).quantize(CENT)
    except (InvalidOperation, ValueError):
        return None
    return amount if amount >= 0 else None


def rate(value):
    """A rate per km (four decimals, as the programme's rule holds it), or None."""
    if value in (None, ""):
        return None
    try:
        found = Decimal(str(value)).quantize(Decimal("0.0001"))
    except (InvalidOperation, ValueError):
        return None
    return found if found >= 0 else None


@dataclass(frozen=True)
class Tariff:
    amount: Decimal | None
    version: object
    demonstration: bool


def rules_on(programme, day):
    """The rules of ``programme`` in force on ``day``."""
    return programme_rules.in_force(programme, day)


def _tariff(rules, amount):
    if rules is None:
        return Tariff(None, None, False)
    return Tariff(money(amount), rules.version, bool(rules.payments.get("demonstration")))


def for_session(session):
    """The tariff of a held session (a no-show where the version pays it), or of the workplace
    meeting's preparation; None as amount when it is not paid."""
    rules = rules_on(session.case.programme, session.date)
    if rules is None:
        return Tariff(None, None, False)
    payments = rules.payments
    if session.status == SessionStatus.NO_SHOW and not payments.get("no_show_paid"):
        return _tariff(rules, None)
    if session.status not in (SessionStatus.HELD, SessionStatus.NO_SHOW):
        return _tariff(rules, None)
    if session.session_type.given_by == GivenBy.WORKPLACE:
        return _tariff(rules, payments.get("meeting_preparation"))
    code = session.session_type.code
    if session.format == SessionFormat.GROUP and code in (payments.get("group") or {}):
        return _tariff(rules, payments["group"][code])
    return _tariff(rules, rules.tariff(code))


def for_report(case, kind, day):
    rules = rules_on(case.programme, day)
    if rules is None:
        return Tariff(None, None, False)
    return _tariff(rules, (rules.payments.get("reports") or {}).get(kind))


@dataclass(frozen=True)
class TravelRules:
    paid: bool
    per_km: Decimal | None
    public_transport: bool
    cap_per_trip: Decimal | None
    cap_per_case: Decimal | None
    version: object
    demonstration: bool


def travel(programme, day):
    """The travel rules of ``programme`` on ``day``."""
    rules = rules_on(programme, day)
    if rules is None:
        return TravelRules(False, None, False, None, None, None, False)
    payments = rules.payments
    return TravelRules(
        paid=bool(rules.travel_costs_paid), per_km=rate(rules.travel_cost_per_km),
        public_transport=bool(payments.get("public_transport")),
        cap_per_trip=money(payments.get("travel_cap_per_trip")),
        cap_per_case=money(payments.get("travel_cap_per_case")),
        version=rules.version, demonstration=bool(payments.get("demonstration")))


# The demo's amounts: not Fedris' (the public sources give none), marked as demonstration
# values wherever they are shown. botp.demo publishes them; Fedris publishes its own.
DEMO_TARIFFS = {"diagnosis": "75.00", "work_related": "70.00", "starter_kit": "60.00",
                "individual": "60.00", "follow_up": "70.00", "career_change": "70.00",
                "multidisciplinary_meeting": None, "debrief": "60.00"}
DEMO_PAYMENT_RULES = {
    "demonstration": True,
    "group": {"starter_kit": "25.00"},
    "meeting_preparation": "90.00",
    "reports": {DocumentKind.DIAGNOSIS_REPORT.value: "50.00",
                DocumentKind.TRANSMISSION_REPORT.value: "25.00",
                DocumentKind.FINAL_REPORT.value: "50.00"},
    "no_show_paid": False,
    "public_transport": True,
    "travel_cap_per_trip": "40.00",
    "travel_cap_per_case": "400.00",
}
DEMO_PER_KM = Decimal("0.4269")
