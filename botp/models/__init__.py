from .api_token import ApiToken
from .case import (
    AuditEntry,
    Case,
    CaseEvent,
    CaseState,
    DurationAlert,
    FrozenOnceSubmitted,
    Referral,
    ReferrerStage,
    RequestChannel,
)
from .consent import TRANSMISSION_RECIPIENTS, Consent, WorkplaceRole
from .document import Document, DocumentKind
from .invitation import Invitation
from .outbox import OutboxMessage
from .people import (
    BTP_PROFESSIONS,
    ISP_PROFESSIONS,
    PROFESSIONAL_ROLES,
    FederalOrganisation,
    Language,
    Participant,
    Profession,
    Provider,
    Province,
    Referrer,
    ReferrerKind,
    Role,
    SpokenLanguage,
    User,
    WellbeingOfficer,
)
from .plan import (
    PlanAmendment,
    PlanLine,
    TreatmentPlan,
    TreatmentRequest,
    TreatmentRequestLine,
)
from .programme import (
    Approach,
    EmployerKind,
    GivenBy,
    Programme,
    ProgrammeVersion,
    Sector,
    SessionPhase,
    SessionType,
    SurveyWaveSchedule,
    Wave,
)
from .session import Session, SessionFormat, SessionStatus

__all__ = [
    "ApiToken",
    "ReferrerStage", "AuditEntry", "Case",
    "CaseEvent", "CaseState", "DurationAlert", "FrozenOnceSubmitted", "Referral",
    "BTP_PROFESSIONS", "ISP_PROFESSIONS", "PROFESSIONAL_ROLES", "Language", "Participant",
    "Profession", "Province", "Provider", "Referrer", "ReferrerKind", "Role", "SpokenLanguage",
    "User", "FederalOrganisation", "WellbeingOfficer",
    "Approach", "EmployerKind", "GivenBy", "Programme", "ProgrammeVersion", "Sector",
    "SessionPhase", "SessionType",
    "SurveyWaveSchedule", "Wave",
    "Session", "SessionFormat", "SessionStatus",
    "TRANSMISSION_RECIPIENTS", "Consent", "WorkplaceRole", "Document", "DocumentKind",
    "OutboxMessage", "Invitation", "RequestChannel",
    "PlanAmendment", "PlanLine", "TreatmentPlan", "TreatmentRequest", "TreatmentRequestLine",
]

# Paying the programme keeps its models in its sub-package (botp/payments/models.py).
from botp.payments.models import (  # noqa: E402
    ClaimStatus,
    LineKind,
    PayeeAccount,
    PaymentDocument,
    PaymentRun,
    Statement,
    StatementLine,
    StatementStatus,
    TravelClaim,
    TravelMode,
)

__all__ += [
    "ClaimStatus", "LineKind", "PayeeAccount", "PaymentDocument", "PaymentRun", "Statement",
    "StatementLine", "StatementStatus", "TravelClaim", "TravelMode",
]
