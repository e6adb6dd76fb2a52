"""Demo stages 3 and 4: sessions under the plan of the case in treatment, and a completed case
with its final report, made with the stage's own services."""

import datetime

from django.utils import timezone

from botp.models import Approach, Case, CaseState, Provider, SessionStatus
from botp.steps import Step
from treatment import services


def _give(case, user, code, *, status=SessionStatus.HELD, days=0, approach=""):
    planned = status == SessionStatus.PLANNED
    return services.record_session(
        case, user, type_code=code, approach=approach, status=status, duration_minutes=60,
        date=timezone.localdate() + datetime.timedelta(days=days),
        starts_at=datetime.time(10, 0) if planned else None,
        place=f"{user.provider.address}, {user.provider.city}" if planned else "",
    )


def complete(case, btp_user, payload):
    isp = Provider.objects.get(user__email="isp@demo.botp.be")
    for _ in range(3):
        _give(case, isp.user, "starter_kit")
    for _ in range(4):
        _give(case, isp.user, "individual", approach=Approach.COGNITIVE_EMOTIONAL)
    for _ in range(2):
        _give(case, btp_user, "work_related")
    services.save_final_report(case, btp_user, values={
        "work_status": "working_partly", "outcome": "improved", "further_care": False,
        "adaptations": "Part-time return over eight weeks (demo).",
        "conclusion": "Energy and sleep restored; progressive return to work (demo).",
    }, submit=True)


STEPS = {Step.COMPLETE: complete}


def seed(users):
    """A few sessions in the plan of participant@'s case, once."""
    case = Case.objects.filter(participant__user=users["participant"],
                               state=CaseState.IN_TREATMENT).first()
    if case is None or case.sessions.filter(session_type__phase="treatment").exists():
        return
    isp = users["isp"]
    _give(case, isp, "starter_kit")
    _give(case, isp, "starter_kit", status=SessionStatus.PLANNED, days=7)
    _give(case, case.btp.user, "work_related")
