"""Stage 1's administrative eligibility checks, computed from the rules of the programme version
the request runs under (botp.programme_rules), each saying which rule of which version it
applied."""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from botp import programme_rules, states
from botp.duration import add_months
from botp.models import Case, Participant, Sector


class Reason(models.TextChoices):
    """Why Fedris finds a request not eligible: the programme's conditions (DESIGN.md section 1,
    seeds 000 and 001), one category each. The category is administrative: the referrer sees
    it, and the worker's letter explains it in plain words (``explanation``)."""

    SECTOR = "sector", _("Sector not covered by the programme")
    SICK_LEAVE = "sick_leave", _("On sick leave for longer than the programme allows")
    NOT_EARLY_STAGE = "not_early_stage", _(
        "Not an early-stage, work-related burnout according to the referral")
    # The code predates the wording: kept so that earlier decisions read the same.
    DUPLICATE = "duplicate", _("Already following or followed the programme")
    INCOMPLETE = "incomplete", _("Request incomplete or not verifiable")
    OTHER = "other", _("Other reason (explained to the worker)")


def limit_words(rules):
    """The sick-leave limit of ``rules`` in words, e.g. "less than 2 months"."""
    if rules.sick_leave_months:
        return _("less than %(months)s months") % {"months": rules.sick_leave_months}
    return _("at most %(days)s days") % {"days": rules.max_sick_leave_days}


def explanation(code, rules):
    """The reason ``code`` as the worker's letter says it, in plain words; "" for a code that
    is not one (a decision recorded before the categories). ``rules``: the case's (or a
    case)."""
    rules = programme_rules.of(rules)
    texts = {
        Reason.SECTOR: _(
            "The programme is open only to workers of the sectors it covers. According to the "
            "request, you work in a sector the programme does not cover."),
        Reason.SICK_LEAVE: _(
            "The programme is meant for workers who are still at work or who have been on "
            "sick leave for %(limit)s on the day the request is signed. According to the "
            "request, your sick leave had lasted longer.")
        % {"limit": limit_words(rules)},
        Reason.NOT_EARLY_STAGE: _(
            "The programme is meant for workers at an early stage of a work-related burnout. "
            "The request does not describe such a situation."),
        Reason.DUPLICATE: _(
            "According to Fedris' records, you are already taking part in the programme or "
            "have already followed it."),
        Reason.INCOMPLETE: _(
            "The request lacks information Fedris needs to decide, or that information could "
            "not be verified. The person who sent the request can send a new, complete one."),
        Reason.OTHER: _("The request does not meet the programme's conditions, for the reason "
                        "below."),
    }
    return texts.get(code, "")


@dataclass(frozen=True)
class Check:
    code: str
    passed: bool
    explanation: str


def rules_of(request):
    """The rules ``request`` is judged under: its case's version once sent, else the version
    of its programme in force today."""
    if request.case_id:
        return request.case.rules
    return programme_rules.in_force(request.programme) if request.programme_id else None


def rule_source(request):
    """Which version of which programme the checks applied, in words."""
    rules = rules_of(request)
    return str(rules.version) if rules else ""


def sector_check(request, rules, sectors=None):
    """``sectors``: every sector by code, when the caller checks many requests at once."""
    covered_codes = rules.sector_codes
    if request.sector_id and request.sector.code in covered_codes:
        return Check("sector", True, _("Sector “%(sector)s” is covered by the programme.")
                     % {"sector": request.sector.name})
    named = request.sector.name if request.sector_id else (request.sector_other or _("other"))
    covered = ", ".join(sector.name for sector in _sectors(covered_codes, sectors))
    return Check("sector", False,
                 _("Sector “%(sector)s” is not covered by the programme (covered: %(covered)s).")
                 % {"sector": named, "covered": covered})


def _sectors(codes, sectors=None):
    if sectors is None:
        return Sector.objects.filter(code__in=codes).order_by("code")
    return [sectors[code] for code in sorted(codes) if code in sectors]


def over_sick_leave_limit(rules, since, day):
    """Whether a sick leave from ``since`` is longer on ``day`` than ``rules`` take: less than
    N calendar months when the version counts in months (since 2024), else at most N days."""
    if since is None:
        return False
    if rules.sick_leave_months:
        return day >= add_months(since, rules.sick_leave_months)
    return (day - since).days > rules.max_sick_leave_days


def exception_applies(rules, request):
    """Whether the version's exception for a longer incapacity holds for ``request``: it is
    not for burnout, and adapted work is agreed by the mutuality's advisory physician."""
    return bool(rules.sick_leave_exception and request.incapacity_not_burnout
                and request.adapted_work_agreed)


def sick_leave_check(request, rules):
    if request.work_status == "at_work":
        return Check("sick_leave", True, _("The worker is still at work."))
    day, days = request.signed_on, request.sick_leave_days
    over = over_sick_leave_limit(rules, request.sick_leave_since, day)
    if not rules.sick_leave_months and not rules.worker_signs_request:
        # Judged in days at the sending of the request (the pilot and the FA-BOTP).
        maximum = rules.max_sick_leave_days
        if not over:
            return Check("sick_leave", True,
                         _("%(days)s days of sick leave at submission: within the maximum of "
                           "%(maximum)s.") % {"days": days, "maximum": maximum})
        if not exception_applies(rules, request):
            return Check("sick_leave", False,
                         _("%(days)s days of sick leave at submission: more than the maximum "
                           "of %(maximum)s.") % {"days": days, "maximum": maximum})
    facts = {"days": days, "date": day.strftime("%d/%m/%Y"), "limit": limit_words(rules)}
    if not over:
        return Check("sick_leave", True,
                     _("%(days)s days of sick leave on %(date)s, the day the request counts as "
                       "signed: within the limit (%(limit)s).") % facts)
    if exception_applies(rules, request):
        return Check("sick_leave", True,
                     _("%(days)s days of sick leave on %(date)s: over the limit (%(limit)s), "
                       "but accepted: according to the request, the incapacity is not for burnout "
                       "and the worker does adapted work with the agreement of the mutuality's "
                       "advisory physician.") % facts)
    text = _("%(days)s days of sick leave on %(date)s, the day the request counts as signed: "
             "over the limit (%(limit)s).") % facts
    if rules.sick_leave_exception:
        text = "{} {}".format(text, _(
            "The exception (incapacity not for burnout, and adapted work agreed by the "
            "mutuality's advisory physician) does not apply according to the request."))
    return Check("sick_leave", False, text)


def signature_check(request, rules):
    """Where the version asks the worker's own signature: whether they gave it."""
    if not rules.worker_signs_request:
        return None
    if request.worker_signed_at:
        return Check("worker_signature", True,
                     _("Signed by the worker on %(date)s (confirmation text %(version)s).")
                     % {"date": request.signed_on.strftime("%d/%m/%Y"),
                        "version": request.worker_consent_version})
    return Check("worker_signature", False,
                 _("The worker has not signed the request yet. Eligibility is judged at the "
                   "date of the worker's signature; the request can be approved once they "
                   "have signed."))


def duplicate_check(request):
    if request.possible_duplicate:
        return Check("duplicate", False,
                     _("The same national register number has another open case."))
    return Check("duplicate", True, _("No other open case with this national register number."))


def checks(request, sectors=None):
    """The checks of ``request``; ``sectors`` as for sector_check."""
    rules = rules_of(request)
    found = [sector_check(request, rules, sectors), sick_leave_check(request, rules),
             duplicate_check(request)]
    signature = signature_check(request, rules)
    return found + ([signature] if signature else [])


def has_other_open_case(niss_hash):
    """Whether a worker with this NISS has an open case (checked before theirs is opened)."""
    return Case.objects.filter(
        participant__in=Participant.objects.filter(niss_hash=niss_hash), state__in=states.OPEN
    ).exists()


def referral_options(programme, language):
    """Where the programme sends the workers it cannot admit (the FA-BOTP: the federal
    administration's internal services and external psychologists), in ``language``, one a
    line of the programme's text; [] when it names none (the worker is pointed to their own
    doctors)."""
    text = (getattr(programme, f"non_eligible_referral_{language}", "")
            or programme.non_eligible_referral_en or programme.non_eligible_referral_nl)
    return [line.strip(" -•\t") for line in text.splitlines() if line.strip(" -•\t")]
