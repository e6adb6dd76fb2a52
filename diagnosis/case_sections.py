from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from botp import policy, sections, workflow
from botp.models import CaseState
from botp.policy import Action
from botp.steps import Activity, Step
from diagnosis import selectors

# States in which the case has a diagnosis page: from the BTP's acceptance on (a case withdrawn
# before a BTP was chosen has none).
DIAGNOSIS_STATES = {
    CaseState.IN_DIAGNOSIS, CaseState.DIAGNOSIS_REVIEW, CaseState.NOT_CONFIRMED,
    CaseState.IN_TREATMENT, CaseState.COMPLETED, CaseState.CLOSED, CaseState.WITHDRAWN,
}


@sections.register
def btp_choice(case, user):
    if not workflow.TRANSITIONS[Step.CHOOSE_BTP].allowed_from(case.state):
        return None
    if not any(t.action == Step.CHOOSE_BTP for t in workflow.available(case, user)):
        return None
    if case.participant.user_id == user.pk:
        title = _("Choose your burnout treatment provider (BTP)")
    else:
        title = _("Choose a BTP on the participant's behalf")
    return sections.Link(title, reverse("diagnosis:choose_btp", args=[case.reference]))


@sections.register
def diagnosis(case, user):
    if case.state not in DIAGNOSIS_STATES or case.btp_id is None:
        return None
    if not policy.allowed_actions(user, case) & {Action.VIEW_SESSIONS, Action.VIEW_CLINICAL}:
        return None
    if policy.has_capability(user, policy.Capability.REVIEW_DIAGNOSES) and \
            case.state == CaseState.DIAGNOSIS_REVIEW:
        return sections.Link(_("Review the diagnosis report and treatment request"),
                             reverse("diagnosis:review", args=[case.reference]))
    if workflow.may(user, Activity.WRITE_DIAGNOSIS_REPORT, case):
        note = _("diagnosis sessions, report and treatment request to complete")
    else:
        note = ""
    return sections.Link(_("Diagnosis"), reverse("diagnosis:overview", args=[case.reference]),
                         note)


@sections.register
def question_to_answer(case, user):
    """The psychologist's open request for more information, as the BTP's to-do with its text
    (clinical content: the BTP is the only one who may write the report and read it here)."""
    if not workflow.may(user, Activity.WRITE_DIAGNOSIS_REPORT, case):
        return None
    question = selectors.open_question(case)
    if question is None or not policy.can(user, Action.VIEW_CLINICAL, case):
        return None
    return sections.Link(
        _("To do: Fedris asks for more information"),
        reverse("diagnosis:report", args=[case.reference]) + "#answer-to-fedris",
        question.payload.get("reason", ""), todo=True,
        action=_("Answer and revise the report"),
    )


@sections.register
def own_assignment(case, user):
    if not policy.can(user, Action.VIEW_OWN_ASSIGNMENT, case):
        return None
    return sections.Link(_("Your part of the treatment request"),
                         reverse("diagnosis:assignment", args=[case.reference]))
