"""Demo stage 2: the diagnosis sessions, report and treatment request behind every demo case that
went past diagnosis, made with the stage's own services."""

from decimal import Decimal

from django.utils import timezone

from botp import plan
from botp.models import Approach, Provider, SessionPhase, SessionStatus
from botp.steps import Step
from diagnosis import services

REPORT_TEXT = {
    "nl": {
        "anamnesis": "Verpleegkundige, 12 jaar op dezelfde afdeling. Sinds een reorganisatie "
                     "een half jaar geleden toenemende vermoeidheid en slaapproblemen (demo).",
        "work_factors": "Hoge werkdruk, onderbezetting, weinig inspraak in de planning.",
        "buffering_factors": "Steunende partner, goede band met twee collega's.",
        "aggravating_factors": "Mantelzorg voor een ouder.",
        "physical_symptoms": "Vermoeidheid, spierpijn, hoofdpijn.",
        "cognitive_symptoms": "Concentratieproblemen, vergeetachtigheid.",
        "affective_symptoms": "Prikkelbaarheid, somberheid zonder anhedonie.",
        "behavioural_symptoms": "Sociale terugtrekking, stopt met sporten.",
        "conclusion": "Beeld van een beginnende werkgerelateerde burn-out; geen aanwijzingen "
                      "voor een depressieve episode.",
        "treatment_goals": "Herstel van energie en slaap, werkhervatting met aangepaste "
                           "planning.",
    },
    "fr": {
        "anamnesis": "Conseillère clientèle depuis 8 ans. Fatigue croissante et troubles du "
                     "sommeil depuis une réorganisation il y a six mois (démo).",
        "work_factors": "Charge de travail élevée, objectifs commerciaux changeants.",
        "buffering_factors": "Bon soutien familial.",
        "aggravating_factors": "Longs trajets quotidiens.",
        "physical_symptoms": "Fatigue, céphalées.",
        "cognitive_symptoms": "Difficultés de concentration.",
        "affective_symptoms": "Irritabilité.",
        "behavioural_symptoms": "Retrait social.",
        "conclusion": "Tableau de burnout professionnel à un stade précoce.",
        "treatment_goals": "Récupération de l'énergie, reprise du travail progressive.",
    },
}


def _values(language):
    text = REPORT_TEXT.get(language, REPORT_TEXT["nl"])
    return {
        **text,
        "bat_total": Decimal("3.42"), "bat_exhaustion": Decimal("4.13"),
        "bat_mental_distance": Decimal("3.20"), "bat_cognitive_impairment": Decimal("3.00"),
        "bat_emotional_impairment": Decimal("2.80"),
        "dass_depression": 12, "dass_anxiety": 8, "dass_stress": 24,
        "burnout_present": True, "burnout_stage": "early",
        "differential_diagnoses": ["depression", "adjustment_disorder", "somatic"],
    }


def _lines(case):
    types = {t.code: t for t in case.programme.session_types.all()}
    isp = Provider.objects.isps().filter(user__email="isp@demo.botp.be").first()
    wanted = [("work_related", "", None, 3), ("starter_kit", "", isp, 3),
              ("individual", Approach.COGNITIVE_EMOTIONAL, isp, 5), ("follow_up", "", None, 2)]
    if case.rules.max_treatment_sessions:  # the FA-BOTP's 10 treatment sessions
        wanted = [("work_related", "", None, 2), ("starter_kit", "", isp, 3),
                  ("individual", Approach.COGNITIVE_EMOTIONAL, isp, 4), ("follow_up", "", None, 1)]
    # A programme without one of these types (the programme since 2024 has no starter kit).
    return [plan.Line(types[code], approach, provider, number)
            for code, approach, provider, number in wanted if code in types]


def submit_diagnosis(case, btp_user, payload):
    for _ in range(2):
        services.record_session(case, btp_user, phase=SessionPhase.DIAGNOSIS,
                                date=timezone.localdate(), duration_minutes=60,
                                status=SessionStatus.HELD)
    services.save_report(case, btp_user, values=_values(btp_user.language), lines=_lines(case),
                         submit=True)


def confirm_diagnosis(case, psychologist, payload):
    services.decide(case, psychologist, decision=services.Decision.CONFIRM)


def not_confirm_diagnosis(case, psychologist, payload):
    services.decide(case, psychologist, decision=services.Decision.NOT_CONFIRM,
                    comment=payload.get("reason", ""))


def close_after_debrief(case, btp_user, payload):
    services.record_session(case, btp_user, phase=SessionPhase.DEBRIEF,
                            date=timezone.localdate(), duration_minutes=45,
                            status=SessionStatus.HELD)
    services.close_after_debrief(case, btp_user, referral="psychiatrist",
                                 note="Verwezen naar een psychiater voor verdere behandeling "
                                      "(demo).")


STEPS = {
    Step.SUBMIT_DIAGNOSIS: submit_diagnosis,
    Step.CONFIRM_DIAGNOSIS: confirm_diagnosis,
    Step.NOT_CONFIRM_DIAGNOSIS: not_confirm_diagnosis,
    Step.CLOSE_AFTER_DEBRIEF: close_after_debrief,
}
