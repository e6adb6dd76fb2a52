"""The two programmes of DESIGN.md section 1, as data. Loaded by `manage.py load_programmes` and
the demo seed."""

from botp.models import (
    Approach,
    GivenBy,
    Programme,
    Sector,
    SessionPhase,
    SessionType,
    SurveyWaveSchedule,
)

SECTORS = [
    ("hospital", "Ziekenhuissector", "Secteur hospitalier", "Hospital sector"),
    ("banking", "Banksector", "Secteur bancaire", "Banking sector"),
    ("federal_administration", "Federale administratie", "Administration fédérale",
     "Federal administration"),
]

PSYCHOLOGISTS_AND_PHYSIOS = ["clinical_psychologist", "physiotherapist"]
# A physiotherapist gives psycho-corporal sessions (and starter kits), never cognitive-emotional.
INDIVIDUAL_APPROACHES = {
    Approach.COGNITIVE_EMOTIONAL: ["clinical_psychologist"],
    Approach.PSYCHO_CORPORAL: PSYCHOLOGISTS_AND_PHYSIOS,
}
D, T, DEBRIEF = SessionPhase.DIAGNOSIS, SessionPhase.TREATMENT, SessionPhase.DEBRIEF

# code, nl, fr, en, cap, recommended, given_by, phase, counts_toward_total, professions
BOTP_SESSION_TYPES = [
    ("diagnosis", "Diagnosesessie", "Séance de diagnostic", "Diagnosis session",
     2, None, GivenBy.BTP, D, True, []),
    ("work_related", "Werkgerelateerde sessie", "Clinique du travail", "Work-related session",
     4, None, GivenBy.BTP, T, True, []),
    ("starter_kit", "Starterskit", "Kit de démarrage", "Starter kit",
     3, 3, GivenBy.BTP_OR_ISP, T, True, []),
    ("individual", "Individuele sessie", "Séance individuelle", "Individual session",
     7, None, GivenBy.ISP, T, True, PSYCHOLOGISTS_AND_PHYSIOS),
    ("follow_up", "Opvolgingssessie", "Séance de suivi", "Follow-up session",
     2, None, GivenBy.BTP, T, True, []),
    ("career_change", "Loopbaanbegeleiding", "Réorientation professionnelle",
     "Career change counselling", 2, None, GivenBy.BTP, T, True, []),
    ("multidisciplinary_meeting", "Multidisciplinair overleg op de werkplek",
     "Réunion multidisciplinaire sur le lieu de travail",
     "Multidisciplinary meeting at the workplace", 1, None, GivenBy.WORKPLACE, T, False, []),
    ("debrief", "Nabespreking na niet-bevestigde diagnose",
     "Séance de débriefing après un diagnostic non confirmé",
     "Debrief after a not-confirmed diagnosis", 1, None, GivenBy.BTP, DEBRIEF, False, []),
]

# The FA-BOTP keeps the BOTP's session types within a treatment of at most 10 sessions; its
# evaluation and reorientation session takes the place of the follow-up sessions.
FA_BOTP_SESSION_TYPES = [
    row if row[0] != "follow_up" else
    ("follow_up", "Evaluatie- en heroriëntatiesessie", "Séance d'évaluation et de réorientation",
     "Evaluation and reorientation session", 2, None, GivenBy.BTP, T, True, [])
    for row in BOTP_SESSION_TYPES if row[0] != "career_change"
]

# The programme's own questions frame the scales.
SURVEY_ORDER = ["employment", "absence", "bat", "obi", "dass21", "healthcare", "satisfaction"]
REMINDER_DAYS = [7, 14]
WAVES = [
    # wave, trigger, offset days, open days
    ("pre", SurveyWaveSchedule.Trigger.APPROVED, 0, 30),
    ("post1", SurveyWaveSchedule.Trigger.COMPLETED, 0, 30),
    ("post2", SurveyWaveSchedule.Trigger.COMPLETED, 91, 92),  # 3 to 6 months after the end
]

PROGRAMMES = [
    {
        "code": "botp", "reference_prefix": "BOTP", "is_default": True,
        "name_nl": "Burn-out behandelprogramma (Fedris)",
        "name_fr": "Programme de traitement du burnout (Fedris)",
        "name_en": "Burnout Treatment Programme (Fedris)",
        "sectors": ["hospital", "banking"],
        "max_sick_leave_days": 60, "max_duration_months": 9, "duration_warning_days": 30,
        "max_total_sessions": 20, "max_treatment_sessions": None,
        "session_types": BOTP_SESSION_TYPES,
        "referral": ("", "", ""),
    },
    {
        "code": "fa-botp", "reference_prefix": "FABOTP", "is_default": False,
        "name_nl": "Burn-out behandelprogramma voor federale ambtenaren (FA-BOTP)",
        "name_fr": "Programme de traitement du burnout pour les fonctionnaires fédéraux (FA-BOTP)",
        "name_en": "Federal Administration Burnout Treatment Programme (FA-BOTP)",
        "sectors": ["federal_administration"],
        "max_sick_leave_days": 60, "max_duration_months": 9, "duration_warning_days": 30,
        "max_total_sessions": 12, "max_treatment_sessions": 10,
        "session_types": FA_BOTP_SESSION_TYPES,
        # Where the programme refers the workers it cannot admit (seed 001), one option a
        # line: the worker's letter lists them.
        "referral": (
            "Empreva, interne dienst van de federale overheid\n"
            "Lumen, interne dienst van de federale overheid\n"
            "Talent+, interne dienst van de federale overheid\n"
            "Een externe psycholoog naar keuze",
            "Empreva, service interne de l'administration fédérale\n"
            "Lumen, service interne de l'administration fédérale\n"
            "Talent+, service interne de l'administration fédérale\n"
            "Un psychologue externe de votre choix",
            "Empreva, an internal service of the federal administration\n"
            "Lumen, an internal service of the federal administration\n"
            "Talent+, an internal service of the federal administration\n"
            "An external psychologist of your choice",
        ),
    },
]


def load_programmes():
    """Create or update both programmes; safe to run any number of times."""
    sectors = {}
    for code, nl, fr, en in SECTORS:
        sectors[code], _ = Sector.objects.update_or_create(
            code=code, defaults={"name_nl": nl, "name_fr": fr, "name_en": en}
        )
    programmes = {}
    for spec in PROGRAMMES:
        referral_nl, referral_fr, referral_en = spec["referral"]
        if spec["is_default"]:  # one programme is preselected: clear a choice made since
            Programme.objects.exclude(code=spec["code"]).update(is_default=False)
        programme, _ = Programme.objects.update_or_create(
            code=spec["code"],
            defaults={
                "reference_prefix": spec["reference_prefix"], "is_default": spec["is_default"],
                "name_nl": spec["name_nl"], "name_fr": spec["name_fr"],
                "name_en": spec["name_en"],
                "max_sick_leave_days": spec["max_sick_leave_days"],
                "max_duration_months": spec["max_duration_months"],
                "duration_warning_days": spec["duration_warning_days"],
                "survey_order": SURVEY_ORDER,
                "max_total_sessions": spec["max_total_sessions"],
                "max_treatment_sessions": spec["max_treatment_sessions"],
                "non_eligible_referral_nl": referral_nl,
                "non_eligible_referral_fr": referral_fr,
                "non_eligible_referral_en": referral_en,
            },
        )
        programme.eligible_sectors.set([sectors[code] for code in spec["sectors"]])
        for order, row in enumerate(spec["session_types"]):
            (code, nl, fr, en, cap, recommended, given_by, phase, counts, professions) = row
            SessionType.objects.update_or_create(
                programme=programme, code=code,
                defaults={
                    "name_nl": nl, "name_fr": fr, "name_en": en, "cap": cap,
                    "recommended": recommended, "given_by": given_by,
                    "phase": phase, "counts_toward_total": counts,
                    "professions": professions, "order": order,
                    "approaches": INDIVIDUAL_APPROACHES if code == "individual" else {},
                },
            )
        for wave, trigger, offset, open_days in WAVES:
            SurveyWaveSchedule.objects.update_or_create(
                programme=programme, wave=wave,
                defaults={"trigger": trigger, "offset_days": offset, "open_days": open_days,
                          "reminder_days": REMINDER_DAYS},
            )
        programmes[spec["code"]] = programme
    return programmes
