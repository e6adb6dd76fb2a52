"""What each state of a case means, in one table.

Per state: the programme's stage, whether the case is still open, whether the programme's clock
runs, which phase's sessions may be recorded, who must act next, who else is told when a case
enters it, which survey waves it can start, and what a referrer may know of it. The workflow
(transitions), notifications, the duration check, the survey waves, session recording and the
worklists read it here; nothing else defines these.
"""

from dataclasses import dataclass

from botp.models import CaseState, ReferrerStage, SessionPhase, SurveyWaveSchedule
from botp.policy import Relation as R

S = CaseState
Trigger = SurveyWaveSchedule.Trigger


@dataclass(frozen=True)
class State:
    # The programme's stage (1 request, 2 diagnosis, 3 treatment, 4 end); None: left early.
    stage: int | None
    # A final state ends the case: nothing moves it again.
    final: bool
    referrer_stage: str
    # The programme's maximum duration counts from the approval while this holds.
    clock_runs: bool = False
    # Sessions of this phase may be recorded in this state.
    phase: str | None = None
    # Who must act next: their worklists show the case.
    next_actors: frozenset = frozenset()
    # Who else is told when the case enters this state (the next actors always are).
    also_told: frozenset = frozenset()
    # The survey waves entering this state can start (each wave once per case).
    starts_waves: frozenset = frozenset()


def _state(stage, referrer_stage, *, final=False, clock_runs=False, phase=None, next_actors=(),
           also_told=(), starts_waves=()):
    return State(stage, final, referrer_stage, clock_runs, phase, frozenset(next_actors),
                 frozenset(also_told), frozenset(starts_waves))


RS = ReferrerStage
STATES = {
    S.REQUESTED: _state(1, RS.RECEIVED, next_actors=[R.FEDRIS_ADMIN]),
    S.INELIGIBLE: _state(1, RS.NOT_ELIGIBLE, final=True,
                         also_told=[R.PARTICIPANT, R.REFERRER]),
    # The participant chooses; an administrator may choose on their behalf.
    S.AWAITING_BTP_CHOICE: _state(2, RS.APPROVED, clock_runs=True,
                                  next_actors=[R.PARTICIPANT], starts_waves=[Trigger.APPROVED]),
    # The participant is told when Fedris chose on their behalf (when they chose, they acted).
    S.BTP_PROPOSED: _state(2, RS.APPROVED, clock_runs=True, next_actors=[R.BTP],
                           also_told=[R.PARTICIPANT]),
    # A not-confirmed diagnosis reads as "in programme" to the referrer until the debrief
    # closes the case, so the referrer never learns the psychologist's decision.
    S.IN_DIAGNOSIS: _state(2, RS.IN_PROGRAMME, clock_runs=True, phase=SessionPhase.DIAGNOSIS,
                           next_actors=[R.BTP], also_told=[R.PARTICIPANT]),
    S.DIAGNOSIS_REVIEW: _state(2, RS.IN_PROGRAMME, clock_runs=True,
                               next_actors=[R.FEDRIS_PSYCHOLOGIST]),
    S.NOT_CONFIRMED: _state(2, RS.IN_PROGRAMME, clock_runs=True, phase=SessionPhase.DEBRIEF,
                            next_actors=[R.BTP], also_told=[R.PARTICIPANT]),
    S.IN_TREATMENT: _state(3, RS.IN_PROGRAMME, clock_runs=True, phase=SessionPhase.TREATMENT,
                           next_actors=[R.BTP, R.ISP], also_told=[R.PARTICIPANT]),
    S.COMPLETED: _state(4, RS.CLOSED, final=True, also_told=[R.PARTICIPANT],
                        starts_waves=[Trigger.COMPLETED]),
    S.CLOSED: _state(2, RS.CLOSED, final=True, also_told=[R.PARTICIPANT],
                     starts_waves=[Trigger.COMPLETED]),
    S.WITHDRAWN: _state(None, RS.CLOSED, final=True, also_told=[R.BTP, R.ISP, R.FEDRIS_ADMIN],
                        starts_waves=[Trigger.COMPLETED]),
}

FINAL = frozenset(state for state, meaning in STATES.items() if meaning.final)
OPEN = [state for state in CaseState if state not in FINAL]
CLOCK_RUNS = [state for state, meaning in STATES.items() if meaning.clock_runs]


def of(state):
    return STATES[state]


def told_on_entering(state):
    """The relations told when a case enters ``state`` (a transition may say otherwise)."""
    meaning = STATES[state]
    return meaning.next_actors | meaning.also_told


def waiting_for(relation):
    """The states in which ``relation`` must act next (a worklist's states)."""
    return [state for state, meaning in STATES.items() if relation in meaning.next_actors]
