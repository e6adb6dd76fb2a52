"""Stage 1's administrative eligibility checks, computed from the programme's rules."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from botp import states
from botp.models import Case, Participant


@dataclass(frozen=True)
class Check:
    code: str
    passed: bool
    explanation: str


def sector_check(request):
    programme = request.programme
    if request.sector_id and programme.eligible_sectors.filter(pk=request.sector_id).exists():
        return Check("sector", True, _("Sector “%(sector)s” is covered by the programme.")
                     % {"sector": request.sector.name})
    named = request.sector.name if request.sector_id else (request.sector_other or _("other"))
    covered = ", ".join(str(s) for s in programme.eligible_sectors.all())
    return Check("sector", False,
                 _("Sector “%(sector)s” is not covered by the programme (covered: %(covered)s).")
                 % {"sector": named, "covered": covered})


def sick_leave_check(request):
    maximum = request.programme.max_sick_leave_days
    days = request.sick_leave_days
    if request.work_status == "at_work":
        return Check("sick_leave", True, _("The worker is still at work."))
    if days <= maximum:
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
