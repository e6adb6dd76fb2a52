"""The three programmes of DESIGN.md section 1, as data: the Fedris pilot BOTP (2019-2022), the
FA-BOTP (seed 001) and the burnout prevention programme Fedris runs since 24 April 2024 (Royal
Decree of 6 March 2024). Loaded by `manage.py load_programmes` and the demo seed; each is
published as its version 1 the first time, and the back office publishes the next ones.
"""

import datetime

from botp.models import (
    Approach,
    GivenBy,
    Programme,
    Sector,
    SessionPhase,
    SessionType,
    SurveyWaveSchedule,
)

# code, nl, fr, en, de, NACE-BEL codes (or their beginnings), employer kinds (empty: any)
SECTORS = [
    ("hospital", "Ziekenhuissector", "Secteur hospitalier", "Hospital sector",
     "Krankenhaussektor", ["Q86.1", "Q87.1"], []),
    ("banking", "Banksector", "Secteur bancaire", "Banking sector", "Bankensektor",
     ["K64"], []),
    ("federal_administration", "Federale administratie", "Administration fédérale",
     "Federal administration", "Föderalverwaltung", ["O84"], ["federal"]),
    ("local_administration", "Provinciale en lokale besturen",
     "Administrations provinciales et locales", "Provincial and local administrations",
     "Provinzial- und Lokalverwaltungen", [], ["provincial_local"]),
    ("private_sector", "Andere privésector", "Autre secteur privé", "Other private sector",
     "Sonstiger Privatsektor", [], ["private"]),
]

PSYCHOLOGISTS_AND_PHYSIOS = ["clinical_psychologist", "physiotherapist"]
# A physiotherapist gives psycho-corporal sessions (and starter kits), never cognitive-emotional.
INDIVIDUAL_APPROACHES = {
    Approach.COGNITIVE_EMOTIONAL: ["clinical_psychologist"],
    Approach.PSYCHO_CORPORAL: PSYCHOLOGISTS_AND_PHYSIOS,
}
D, T, DEBRIEF = SessionPhase.DIAGNOSIS, SessionPhase.TREATMENT, SessionPhase.DEBRIEF

# code, nl, fr, en, de, cap, recommended, given_by, phase, counts_toward_total, professions,
# provider function
BOTP_SESSION_TYPES = [
    ("diagnosis", "Diagnosesessie", "Séance de diagnostic", "Diagnosis session",
     "Diagnosesitzung", 2, None, GivenBy.BTP, D, True, [], "btp"),
    ("work_related", "Werkgerelateerde sessie", "Clinique du travail", "Work-related session",
     "Arbeitsbezogene Sitzung", 4, None, GivenBy.BTP, T, True, [], "btp"),
    ("starter_kit", "Starterskit", "Kit de démarrage", "Starter kit", "Starterkit",
     3, 3, GivenBy.BTP_OR_ISP, T, True, [], ""),
    ("individual", "Individuele sessie", "Séance individuelle", "Individual session",
     "Einzelsitzung", 7, None, GivenBy.ISP, T, True, PSYCHOLOGISTS_AND_PHYSIOS, "isp"),
    ("follow_up", "Opvolgingssessie", "Séance de suivi", "Follow-up session",
     "Nachsorgesitzung", 2, None, GivenBy.BTP, T, True, [], "btp"),
    ("career_change", "Loopbaanbegeleiding", "Réorientation professionnelle",
     "Career change counselling", "Berufliche Neuorientierung", 2, None, GivenBy.BTP, T, True,
     [], "btp"),
    ("multidisciplinary_meeting", "Multidisciplinair overleg op de werkplek",
     "Réunion multidisciplinaire sur le lieu de travail",
     "Multidisciplinary meeting at the workplace",
     "Multidisziplinäre Besprechung am Arbeitsplatz", 1, None, GivenBy.WORKPLACE, T, False, [],
     ""),
    ("debrief", "Nabespreking na niet-bevestigde diagnose",
     "Séance de débriefing après un diagnostic non confirmé",
     "Debrief after a not-confirmed diagnosis",
     "Nachbesprechung nach nicht bestätigter Diagnose", 1, None, GivenBy.BTP, DEBRIEF, False,
     [], "btp"),
]

# The FA-BOTP keeps the BOTP's session types within a treatment of at most 10 sessions; its
# evaluation and reorientation session takes the place of the follow-up sessions.
FA_BOTP_SESSION_TYPES = [
    row if row[0] != "follow_up" else
    ("follow_up", "Evaluatie- en heroriëntatiesessie", "Séance d'évaluation et de réorientation",
     "Evaluation and reorientation session", "Evaluierungs- und Neuorientierungssitzung",
     2, None, GivenBy.BTP, T, True, [], "btp")
    for row in BOTP_SESSION_TYPES if row[0] != "career_change"
]

# Since 2024: a coordinating path guide (8 work-oriented and 2 follow-up sessions), and at
# most 10 individual sessions between the psychological and the bodily provider.
PREVENTION_2024_APPROACHES = {
    Approach.COGNITIVE_EMOTIONAL: ["clinical_psychologist"],
    Approach.PSYCHO_CORPORAL: ["physiotherapist"],
}
PREVENTION_2024_SESSION_TYPES = [
    ("diagnosis", "Intakegesprek", "Entretien d'accueil", "Intake session",
     "Aufnahmegespräch", 2, None, GivenBy.BTP, D, True, [], "path_guide"),
    ("work_related", "Werkgerichte sessie", "Séance axée sur le travail",
     "Work-oriented session", "Arbeitsorientierte Sitzung", 8, None, GivenBy.BTP, T, True, [],
     "path_guide"),
    ("individual", "Individuele sessie (psychologisch of lichamelijk luik)",
     "Séance individuelle (volet psychologique ou corporel)",
     "Individual session (psychological or bodily part)",
     "Einzelsitzung (psychologischer oder körperlicher Teil)", 10, None, GivenBy.ISP, T, True,
     ["clinical_psychologist", "physiotherapist"], ""),
    ("follow_up", "Opvolgingssessie", "Séance de suivi", "Follow-up session",
     "Nachsorgesitzung", 2, None, GivenBy.BTP, T, True, [], "path_guide"),
    ("multidisciplinary_meeting", "Overleg op de werkplek", "Concertation sur le lieu de travail",
     "Meeting at the workplace", "Besprechung am Arbeitsplatz", 1, None, GivenBy.WORKPLACE, T,
     False, [], ""),
    ("debrief", "Nabespreking wanneer het traject niet past",
     "Séance de clôture lorsque le parcours ne convient pas",
     "Debrief when the path does not fit",
     "Nachbesprechung, wenn der Begleitweg nicht passt", 1, None, GivenBy.BTP, DEBRIEF, False,
     [], "path_guide"),
]

PILOT_FUNCTIONS = {
    "btp": {"role": "btp", "name_nl": "Burn-outbehandelaar (BTP)",
            "name_fr": "Prestataire de traitement du burnout (BTP)",
            "name_en": "Burnout treatment provider (BTP)", "name_de": "Burnout-Begleiter (BTP)",
            "professions": ["physician", "occupational_psychologist", "clinical_psychologist"]},
    "isp": {"role": "isp", "name_nl": "Individuele sessieverstrekker (ISP)",
            "name_fr": "Prestataire de séances individuelles (ISP)",
            "name_en": "Individual session provider (ISP)",
            "name_de": "Anbieter von Einzelsitzungen (ISP)",
            "professions": PSYCHOLOGISTS_AND_PHYSIOS},
}
PREVENTION_2024_FUNCTIONS = {
    "path_guide": {
        "role": "btp", "name_nl": "Trajectbegeleider", "name_fr": "Accompagnateur de parcours",
        "name_en": "Path guide", "name_de": "Wegbegleiter",
        # A master in psychology or in medicine.
        "professions": ["physician", "occupational_psychologist", "clinical_psychologist"]},
    "psychological_guide": {
        "role": "isp", "name_nl": "Begeleider psychologisch luik",
        "name_fr": "Accompagnateur du volet psychologique",
        "name_en": "Psychological guide", "name_de": "Begleiter für den psychologischen Teil",
        "professions": ["clinical_psychologist"], "approach": "cognitive_emotional"},
    "bodily_guide": {
        "role": "isp", "name_nl": "Begeleider lichamelijk luik",
        "name_fr": "Accompagnateur du volet corporel",
        "name_en": "Bodily guide", "name_de": "Begleiter für den körperlichen Teil",
        "professions": ["physiotherapist"], "approach": "psycho_corporal"},
}


def _note(nl, fr, en, de):
    return {"nl": nl, "fr": fr, "en": en, "de": de}


PREVENTION_2024_NOTES = {
    "caps.diagnosis": _note(
        "De publieke bronnen noemen geen aantal intakegesprekken: 2 tot Fedris het vastlegt.",
        "Les sources publiques ne précisent pas le nombre d'entretiens d'accueil : 2 jusqu'à "
        "ce que Fedris le fixe.",
        "The public sources give no number of intake sessions: 2 until Fedris sets it.",
        "Die öffentlichen Quellen nennen keine Zahl von Aufnahmegesprächen: 2, bis Fedris sie "
        "festlegt."),
    "max_total_sessions": _note(
        "Geen totaal in de publieke bronnen: de som van de maxima per type (2 + 8 + 10 + 2).",
        "Pas de total dans les sources publiques : la somme des maxima par type "
        "(2 + 8 + 10 + 2).",
        "No total in the public sources: the sum of the caps per type (2 + 8 + 10 + 2).",
        "Keine Gesamtzahl in den öffentlichen Quellen: die Summe der Höchstzahlen je Art "
        "(2 + 8 + 10 + 2)."),
    "travel_cost_per_km": _note(
        "Fedris betaalt de reiskosten van de werknemer; het bedrag staat niet in de publieke "
        "bronnen: Fedris vult het in.",
        "Fedris paie les frais de déplacement du travailleur ; le montant ne figure pas dans "
        "les sources publiques : Fedris le complète.",
        "Fedris pays the worker's travel costs; the amount is not in the public sources: "
        "Fedris fills it in.",
        "Fedris übernimmt die Fahrtkosten des Arbeitnehmers; der Betrag steht nicht in den "
        "öffentlichen Quellen: Fedris trägt ihn ein."),
    "tariffs": _note(
        "De tarieven van de zorgverleners staan niet in de publieke bronnen: Fedris vult ze in.",
        "Les tarifs des prestataires ne figurent pas dans les sources publiques : Fedris les "
        "complète.",
        "The providers' tariffs are not in the public sources: Fedris fills them in.",
        "Die Tarife der Leistungserbringer stehen nicht in den öffentlichen Quellen: Fedris "
        "trägt sie ein."),
    "caps.multidisciplinary_meeting": _note(
        "Een overleg op de werkplek wordt niet vermeld in de publieke bronnen; zet op 0 als het "
        "niet aangeboden wordt.",
        "Une concertation sur le lieu de travail n'est pas mentionnée dans les sources "
        "publiques ; mettez 0 si elle n'est pas proposée.",
        "A meeting at the workplace is not mentioned in the public sources; set 0 if it is not "
        "offered.",
        "Eine Besprechung am Arbeitsplatz wird in den öffentlichen Quellen nicht erwähnt; "
        "setzen Sie 0, wenn sie nicht angeboten wird."),
    "providers": _note(
        "Gespecialiseerde burn-outcentra kunnen ook zorgverleners zijn: registreer ze als "
        "zorgverlener met hun functies.",
        "Des centres spécialisés dans le burn-out peuvent aussi être prestataires : "
        "enregistrez-les comme prestataires avec leurs fonctions.",
        "Specialised burnout centres may also be providers: register them as providers with "
        "their functions.",
        "Spezialisierte Burnout-Zentren können ebenfalls Leistungserbringer sein: Erfassen Sie "
        "sie als Leistungserbringer mit ihren Funktionen."),
}

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
        "valid_from": datetime.date(2019, 1, 1),
        "name_nl": "Burn-out behandelprogramma (Fedris)",
        "name_fr": "Programme de traitement du burnout (Fedris)",
        "name_en": "Burnout Treatment Programme (Fedris)",
        "name_de": "Burnout-Behandlungsprogramm (Fedris)",
        "sectors": ["hospital", "banking"],
        "max_sick_leave_days": 60, "max_duration_months": 9, "duration_warning_days": 30,
        "max_total_sessions": 20, "max_treatment_sessions": None,
        # Seed 000: "participants' travel expenses were covered by Fedris".
        "travel_costs_paid": True,
        "session_types": BOTP_SESSION_TYPES, "functions": PILOT_FUNCTIONS,
        "referral": ("", "", "", ""),
    },
    {
        "code": "fa-botp", "reference_prefix": "FABOTP", "is_default": False,
        "valid_from": datetime.date(2019, 1, 1),
        "name_nl": "Burn-out behandelprogramma voor federale ambtenaren (FA-BOTP)",
        "name_fr": "Programme de traitement du burnout pour les fonctionnaires fédéraux (FA-BOTP)",
        "name_en": "Federal Administration Burnout Treatment Programme (FA-BOTP)",
        "name_de": "Burnout-Behandlungsprogramm für föderale Beamte (FA-BOTP)",
        "sectors": ["federal_administration"],
        "max_sick_leave_days": 60, "max_duration_months": 9, "duration_warning_days": 30,
        "max_total_sessions": 12, "max_treatment_sessions": 10,
        "session_types": FA_BOTP_SESSION_TYPES, "functions": PILOT_FUNCTIONS,
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
            "Empreva, interner Dienst der Föderalverwaltung\n"
            "Lumen, interner Dienst der Föderalverwaltung\n"
            "Talent+, interner Dienst der Föderalverwaltung\n"
            "Ein externer Psychologe Ihrer Wahl",
        ),
    },
    {
        "code": "prevention-2024", "reference_prefix": "BPP", "is_default": False,
        "valid_from": datetime.date(2024, 4, 24),
        "name_nl": "Burn-outpreventieprogramma (Fedris, sinds 2024)",
        "name_fr": "Programme de prévention du burn-out (Fedris, depuis 2024)",
        "name_en": "Burnout Prevention Programme (Fedris, since 2024)",
        "name_de": "Burnout-Präventionsprogramm (Fedris, seit 2024)",
        "sectors": ["hospital", "banking", "private_sector", "local_administration"],
        # Less than 2 months of incapacity at the date the request is signed, unless it is
        # not for burnout and adapted work is agreed by the mutuality's advisory physician.
        "max_sick_leave_days": 60, "sick_leave_months": 2, "sick_leave_exception": True,
        "worker_signs_request": True,
        "max_duration_months": 24, "duration_warning_days": 60,
        "max_total_sessions": 22, "max_treatment_sessions": None,
        "travel_costs_paid": True,
        "session_types": PREVENTION_2024_SESSION_TYPES, "functions": PREVENTION_2024_FUNCTIONS,
        "notes": PREVENTION_2024_NOTES,
        "referral": ("", "", "", ""),
    },
]


def load_programmes(payments=None):
    """Create the programmes, with their version 1, and keep their names and texts up to date;
    safe to run any number of times. The numbers (limits, caps, sectors, survey waves) are the
    back office's once version 1 is published: a change to them is a new version
    (botp.programme_rules.publish), never a silent update here.

    The public sources give no tariffs: version 1 has none, unless ``payments`` ({field:
    value} for the programme's ``tariffs``, ``payment_rules``, ``travel_cost_per_km``) gives
    some, as the demo does with its demonstration values."""
    from botp import programme_rules  # it reads the models through botp.models

    sectors = {}
    for code, nl, fr, en, de, nace, kinds in SECTORS:
        sectors[code], _ = Sector.objects.update_or_create(
            code=code, defaults={"name_nl": nl, "name_fr": fr, "name_en": en, "name_de": de},
            create_defaults={"name_nl": nl, "name_fr": fr, "name_en": en, "name_de": de,
                             "nace_codes": nace, "employer_kinds": kinds},
        )
    programmes = {}
    for spec in PROGRAMMES:
        referral_nl, referral_fr, referral_en, referral_de = spec["referral"]
        texts = {
            "reference_prefix": spec["reference_prefix"],
            "name_nl": spec["name_nl"], "name_fr": spec["name_fr"],
            "name_en": spec["name_en"], "name_de": spec["name_de"],
            "non_eligible_referral_nl": referral_nl,
            "non_eligible_referral_fr": referral_fr,
            "non_eligible_referral_en": referral_en,
            "non_eligible_referral_de": referral_de,
            "functions": spec["functions"],
        }
        numbers = {
            "max_sick_leave_days": spec["max_sick_leave_days"],
            "sick_leave_months": spec.get("sick_leave_months"),
            "sick_leave_exception": spec.get("sick_leave_exception", False),
            "worker_signs_request": spec.get("worker_signs_request", False),
            "travel_costs_paid": spec.get("travel_costs_paid", False),
            "max_duration_months": spec["max_duration_months"],
            "duration_warning_days": spec["duration_warning_days"],
            "survey_order": SURVEY_ORDER,
            "max_total_sessions": spec["max_total_sessions"],
            "max_treatment_sessions": spec["max_treatment_sessions"],
            "notes": spec.get("notes", {}),
            "is_default": spec["is_default"],
        }
        existing = Programme.objects.filter(code=spec["code"]).first()
        if existing is None and spec["is_default"]:  # one programme is preselected
            Programme.objects.update(is_default=False)
        programme, created = Programme.objects.update_or_create(
            code=spec["code"], defaults=texts, create_defaults={**texts, **numbers})
        published = programme.versions.exists()
        if not published:
            # Before version 1 the shipped numbers are the programme's (an installation from
            # before the programme versions keeps its own: the migration published them).
            for name, value in numbers.items():
                if name != "is_default":
                    setattr(programme, name, value)
            for name, value in (payments or {}).items():
                setattr(programme, name, value)
            programme.save()
            programme.eligible_sectors.set([sectors[code] for code in spec["sectors"]])
        for order, row in enumerate(spec["session_types"]):
            (code, nl, fr, en, de, cap, recommended, given_by, phase, counts, professions,
             function) = row
            approaches = {}
            if code == "individual":
                approaches = (PREVENTION_2024_APPROACHES if spec["code"] == "prevention-2024"
                              else INDIVIDUAL_APPROACHES)
            names = {"name_nl": nl, "name_fr": fr, "name_en": en, "name_de": de,
                     "function": function}
            rest = {"cap": cap, "recommended": recommended, "given_by": given_by,
                    "phase": phase, "counts_toward_total": counts,
                    "professions": professions, "order": order, "approaches": approaches}
            SessionType.objects.update_or_create(
                programme=programme, code=code,
                defaults=names if published else {**names, **rest},
                create_defaults={**names, **rest},
            )
        for wave, trigger, offset, open_days in WAVES:
            SurveyWaveSchedule.objects.get_or_create(
                programme=programme, wave=wave,
                defaults={"trigger": trigger, "offset_days": offset, "open_days": open_days,
                          "reminder_days": REMINDER_DAYS},
            )
        programme_rules.publish_first(programme, spec["valid_from"])
        programmes[spec["code"]] = programme
    return programmes
