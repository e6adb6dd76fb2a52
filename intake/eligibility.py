"""Stage 1's administrative eligibility checks, computed from the programme's rules."""

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from botp import states
from botp.models import Case, Participant


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


def explanation(code, programme):
    """The reason ``code`` as the worker's letter says it, in plain words; "" for a code that
    is not one (a decision recorded before the categories)."""
    texts = {
        Reason.SECTOR: _(
            "The programme is open only to workers of the sectors it covers. According to the "
            "request, you work in a sector the programme does not cover."),
        Reason.SICK_LEAVE: _(
            "The programme is meant for workers who are still at work or who have been on "
            "sick leave for at most %(days)s days on the day the request is sent. According "
            "to the request, your sick leave had lasted longer.")
        % {"days": programme.max_sick_leave_days},
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


def sector_check(request):
    programme = request.programme
    # .all(), not .filter(): the review queue prefetches the sectors, one query for all rows.
    covered_ids = {sector.pk for sector in programme.eligible_sectors.all()}
    if request.sector_id and request.sector_id in covered_ids:
        return Check("sector", True, _("Sector “%(sector)s” is covered by the programme.")
                     % {"sector": request.sector.name})
    named = request.sector.name if request.sector_id else (request.sector_other or _("other"))
    covered = ", ".join(str(s) for s in programme.eligible_sectors.all())
    return Check("sector", False,
                 _("Sector “%(sector)s” is not covered by the programme (covered: %(covered)s).")
                 % {"sector": named, "covered": covered})


def over_sick_leave_limit(programme, days):
    """Whether ``days`` of sick leave at the request are more than ``programme`` takes."""
    return days > programme.max_sick_leave_days


def sick_leave_check(request):
    maximum = request.programme.max_sick_leave_days
    days = request.sick_leave_days
    if request.work_status == "at_work":
        return Check("sick_leave", True, _("The worker is still at work."))
    if not over_sick_leave_limit(request.programme, days):
        return Check("sick_leave", True,
                     _("%(days)s days of sick leave at submission: within the maximum of "
                       "%(maximum)s.") % {"days": days, "maximum": maximum})
    return Check("sick_leave", False,
                 _("%(days)s days of sick leave at submission: more than the maximum of "
                   "%(maximum)s.") % {"days": days, "maximum": maximum})


def duplicate_check(request):
    if request.possible_duplicate:
        return Check("duplicate", False,
                     _("The same national register number has another open case."))
    return Check("duplicate", True, _("No other open case with this national register number."))


def checks(request):
    return [sector_check(request), sick_leave_check(request), duplicate_check(request)]


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
