from .case import FINAL_STATES, OPEN_STATES, AuditEntry, Case, CaseEvent, CaseState
from .people import (
    PROFESSIONAL_ROLES,
    Language,
    Participant,
    Profession,
    Provider,
    Province,
    Referrer,
    ReferrerKind,
    Role,
    User,
)
from .programme import GivenBy, Programme, Sector, SessionType, SurveyWaveSchedule, Wave

__all__ = [
    "FINAL_STATES", "OPEN_STATES", "AuditEntry", "Case", "CaseEvent", "CaseState",
    "PROFESSIONAL_ROLES", "Language", "Participant", "Profession", "Province", "Provider",
    "Referrer", "ReferrerKind", "Role", "User",
    "GivenBy", "Programme", "Sector", "SessionType", "SurveyWaveSchedule", "Wave",
]
