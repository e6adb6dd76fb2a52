"""The names of what can happen to a case (steps, as its CaseEvents record them) and of the work
done on a case without moving it (activities). botp.workflow says who may take each, and when;
everything else names them from here, never as a bare string."""

from enum import StrEnum


class Step(StrEnum):
    """What can happen to a case, as its CaseEvents name it: the transitions, opening it and
    the steps that change it without moving it to another state."""

    SUBMIT_REQUEST = "submit_request"
    APPROVE = "approve"
    DECLARE_INELIGIBLE = "declare_ineligible"
    CHOOSE_BTP = "choose_btp"
    UNDO_BTP_CHOICE = "undo_btp_choice"
    ACCEPT_CASE = "accept_case"
    DECLINE_CASE = "decline_case"
    SUBMIT_DIAGNOSIS = "submit_diagnosis"
    REQUEST_INFORMATION = "request_information"
    CONFIRM_DIAGNOSIS = "confirm_diagnosis"
    NOT_CONFIRM_DIAGNOSIS = "not_confirm_diagnosis"
    CLOSE_AFTER_DEBRIEF = "close_after_debrief"
    COMPLETE = "complete"
    WITHDRAW = "withdraw"
    AMEND_PLAN = "amend_plan"


class Activity(StrEnum):
    """Work on a case that does not move it to another state (see ACTIVITIES)."""

    RECORD_DIAGNOSIS_SESSION = "record_diagnosis_session"
    WRITE_DIAGNOSIS_REPORT = "write_diagnosis_report"
    RECORD_DEBRIEF_SESSION = "record_debrief_session"
    RECORD_TREATMENT_SESSION = "record_treatment_session"
    AMEND_PLAN = "amend_plan"
    MANAGE_MEETING = "manage_meeting"
    WRITE_TRANSMISSION_REPORT = "write_transmission_report"
    WRITE_FINAL_REPORT = "write_final_report"
    GIVE_CONSENT = "give_consent"
    WITHDRAW_CONSENT = "withdraw_consent"
