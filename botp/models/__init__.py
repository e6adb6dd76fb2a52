from .case import (
    FINAL_STATES,
    OPEN_STATES,
    REFERRER_STAGES,
    AuditEntry,
    Case,
    CaseEvent,
    CaseState,
    ReferrerStage,
)
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
    "FINAL_STATES", "OPEN_STATES", "REFERRER_STAGES", "ReferrerStage", "AuditEntry", "Case",
    "CaseEvent", "CaseState",
    "PROFESSIONAL_ROLES", "Language", "Participant", "Profession", "Province", "Provider",
    "Referrer", "ReferrerKind", "Role", "User",
    "GivenBy", "Programme", "Sector", "SessionType", "SurveyWaveSchedule", "Wave",
]
