"""Demo data: both programmes, one account per role, a directory of providers, cases in every
state. Idempotent: running it again changes nothing that is already there."""

import datetime
import uuid
from importlib import import_module

from allauth.account.models import EmailAddress
from django.apps import apps
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import module_has_submodule

from botp import nationalnumber, workflow
from botp.models import (
    CaseState,
    FederalOrganisation,
    Participant,
    Profession,
    Programme,
    Provider,
    Referrer,
    ReferrerKind,
    Role,
    User,
    WellbeingOfficer,
)
from botp.programmes import load_programmes
from botp.steps import Step

DEMO_PASSWORD = "botp-demo-2026"
DOMAIN = "demo.botp.be"

ACCOUNTS = [
    # e-mail, first, last, role, language
    ("referrer", "Griet", "Peeters", Role.REFERRER, "nl"),
    ("admin", "Anne", "Dubois", Role.FEDRIS_ADMIN, "fr"),
    ("psychologist", "Pieter", "Claes", Role.FEDRIS_PSYCHOLOGIST, "nl"),
    ("btp", "Sofie", "Janssens", Role.PROVIDER, "nl"),
    ("btp2", "Marc", "Lambert", Role.PROVIDER, "fr"),
    ("isp", "Els", "Maes", Role.PROVIDER, "nl"),
    ("participant", "Tom", "Willems", Role.PARTICIPANT, "nl"),
    ("participant2", "Julie", "Leroy", Role.PARTICIPANT, "fr"),
    ("researcher", "Lena", "Vermeulen", Role.RESEARCHER, "en"),
    ("wellbeing", "Karin", "Hermans", Role.WELLBEING_OFFICER, "nl"),
]

# The directory: e-mail local part, names, BTP, ISP, profession, languages, province, postcode,
# city. The first three are the login accounts above.
PROVIDERS = [
    ("btp", "Sofie", "Janssens", True, False, Profession.OCCUPATIONAL_PSYCHOLOGIST,
     ["nl", "en"], "VAN", "2000", "Antwerpen"),
    ("btp2", "Marc", "Lambert", True, True, Profession.CLINICAL_PSYCHOLOGIST,
     ["fr"], "WLG", "4000", "Liège"),
    ("isp", "Els", "Maes", False, True, Profession.CLINICAL_PSYCHOLOGIST,
     ["nl"], "VAN", "2018", "Antwerpen"),
    ("provider01", "Koen", "Mertens", True, False, Profession.PHYSICIAN,
     ["nl"], "VOV", "9000", "Gent"),
    ("provider02", "Nathalie", "Dupont", True, True, Profession.CLINICAL_PSYCHOLOGIST,
     ["fr", "nl"], "BRU", "1050", "Ixelles"),
    ("provider03", "Bart", "Jacobs", False, True, Profession.PHYSIOTHERAPIST,
     ["nl"], "VLI", "3500", "Hasselt"),
    ("provider04", "Camille", "Renard", True, False, Profession.OCCUPATIONAL_PSYCHOLOGIST,
     ["fr"], "WHT", "7000", "Mons"),
    ("provider05", "Hanne", "Wouters", False, True, Profession.CLINICAL_PSYCHOLOGIST,
     ["nl", "en"], "VBR", "3000", "Leuven"),
    ("provider06", "Thomas", "Simon", False, True, Profession.PHYSIOTHERAPIST,
     ["fr"], "WNA", "5000", "Namur"),
    ("provider07", "Lotte", "Goossens", True, True, Profession.CLINICAL_PSYCHOLOGIST,
     ["nl", "fr"], "VWV", "8000", "Brugge"),
    ("provider08", "Julien", "Laurent", True, False, Profession.PHYSICIAN,
     ["fr", "en"], "WBR", "1300", "Wavre"),
    ("provider09", "Eva", "Michel", False, True, Profession.CLINICAL_PSYCHOLOGIST,
     ["fr", "de"], "WLX", "6700", "Arlon"),
    ("provider10", "Jonas", "Kessler", True, True, Profession.CLINICAL_PSYCHOLOGIST,
     ["de", "fr"], "WLG", "4700", "Eupen"),
]

# Demo-only participants without an account, one case each, named after the state it reaches.
EXTRA_CASES = [
    # state, first, last, language, BTP
    (CaseState.REQUESTED, "Ruben", "De Smet", "nl", None),
    (CaseState.INELIGIBLE, "Chloé", "Martin", "fr", None),
    (CaseState.AWAITING_BTP_CHOICE, "Jens", "Hermans", "nl", None),
    (CaseState.BTP_PROPOSED, "Inge", "Aerts", "nl", "btp"),
    (CaseState.DIAGNOSIS_REVIEW, "Wout", "Van den Broeck", "nl", "btp"),
    (CaseState.NOT_CONFIRMED, "Sarah", "Declercq", "nl", "btp"),
    (CaseState.CLOSED, "Manon", "Lejeune", "fr", "btp2"),
    (CaseState.COMPLETED, "Arne", "Pauwels", "nl", "btp2"),
    (CaseState.WITHDRAWN, "Lucas", "Dumont", "fr", "btp"),
]

# Cases of the other programmes: programme, state, first, last, language, BTP. The programme
# since 2024 gets a version 2 after its first cases: they keep version 1 (OTHER_AFTER_V2 runs
# under version 2).
OTHER_PROGRAMME_CASES = [
    ("fa-botp", CaseState.IN_TREATMENT, "Pieter", "Claes", "nl", "btp"),
    ("fa-botp", CaseState.AWAITING_BTP_CHOICE, "Sophie", "Dubois", "fr", None),
    ("prevention-2024", CaseState.IN_DIAGNOSIS, "Lotte", "Vermeulen", "nl", "btp"),
    ("prevention-2024", CaseState.AWAITING_BTP_CHOICE, "Marie", "Lambert", "fr", None),
]
OTHER_AFTER_V2 = [
    ("prevention-2024", CaseState.REQUESTED, "Lukas", "Schmitz", "nl", None),
]
DEMO_VERSION_2 = {
    "duration_warning_days": 90,
    "note": "Demo: warn three months before the end of the 2-year path, not two.",
}

# A cohort of completed cases, so the evaluation's outcome dashboard has something to show.
COHORT_SIZE = 24
COHORT_NAMES = ["Peeters", "Janssens", "Maes", "Jacobs", "Mertens", "Willems", "Claes",
                "Goossens", "Wouters", "De Smedt", "Dubois", "Lambert", "Dupont", "Martin",
                "Simon", "Laurent", "Leclercq", "Hermans", "Michiels", "Lemaire", "Renard",
                "Aerts", "Smets", "Cools"]

# The mix of states the volume seed spreads its cases over, as a running programme might hold.
VOLUME_STATES = [CaseState.REQUESTED, CaseState.AWAITING_BTP_CHOICE, CaseState.IN_DIAGNOSIS,
                 CaseState.DIAGNOSIS_REVIEW, CaseState.IN_TREATMENT, CaseState.IN_TREATMENT,
                 CaseState.COMPLETED, CaseState.COMPLETED, CaseState.INELIGIBLE,
                 CaseState.WITHDRAWN]

# The transitions that lead from a new request to each state, and who takes them.
PATHS = {
    CaseState.REQUESTED: [],
    CaseState.INELIGIBLE: [(Step.DECLARE_INELIGIBLE, "admin")],
    CaseState.AWAITING_BTP_CHOICE: [(Step.APPROVE, "admin")],
    CaseState.BTP_PROPOSED: [(Step.APPROVE, "admin"), (Step.CHOOSE_BTP, "admin")],
    CaseState.IN_DIAGNOSIS: [(Step.APPROVE, "admin"), (Step.CHOOSE_BTP, "admin"),
                             (Step.ACCEPT_CASE, "btp")],
}
PATHS[CaseState.DIAGNOSIS_REVIEW] = PATHS[CaseState.IN_DIAGNOSIS] + [(Step.SUBMIT_DIAGNOSIS, "btp")]
PATHS[CaseState.NOT_CONFIRMED] = PATHS[CaseState.DIAGNOSIS_REVIEW] + [
    (Step.NOT_CONFIRM_DIAGNOSIS, "psychologist")]
PATHS[CaseState.CLOSED] = PATHS[CaseState.NOT_CONFIRMED] + [(Step.CLOSE_AFTER_DEBRIEF, "btp")]
PATHS[CaseState.IN_TREATMENT] = PATHS[CaseState.DIAGNOSIS_REVIEW] + [
    (Step.CONFIRM_DIAGNOSIS, "psychologist")]
PATHS[CaseState.COMPLETED] = PATHS[CaseState.IN_TREATMENT] + [(Step.COMPLETE, "btp")]
PATHS[CaseState.WITHDRAWN] = PATHS[CaseState.IN_DIAGNOSIS] + [(Step.WITHDRAW, "admin")]

DEMO_REASONS = {
    Step.DECLARE_INELIGIBLE: "Sector not covered by the programme (demo).",
    Step.NOT_CONFIRM_DIAGNOSIS: "Clinical picture points to a depressive episode (demo).",
    Step.WITHDRAW: "Participant moved abroad (demo).",
}


def email(local):
    return f"{local}@{DOMAIN}"


def _account(local, first, last, role, language):
    user, created = User.objects.get_or_create(
        email=email(local),
        defaults={"first_name": first, "last_name": last, "role": role, "language": language,
                  "is_staff": role == Role.FEDRIS_ADMIN},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    return user


def _participant(serial, first, last, language, user=None, born=None):
    born = born or datetime.date(1975 + serial % 20, 1 + serial % 12, 1 + serial % 27)
    niss = nationalnumber.build(born, 100 + serial % 800)
    participant = Participant.with_niss(niss).first()
    if participant is None:
        participant = Participant(
            first_name=first, last_name=last, birth_date=born, language=language, user=user,
            email=user.email if user else f"{first.lower()}.{serial}@example.org",
        )
        participant.niss = niss
        participant.save()
    return participant


def _stage_demos():
    """The stage apps' demo modules (botp knows none of them by name)."""
    return [
        import_module(f"{config.name}.demo") for config in apps.get_app_configs()
        if config.name != "botp" and module_has_submodule(config.module, "demo")
    ]


def _open_case(programme, participant, referrer, state, actors, btp, steps):
    if participant.cases.exists():
        return participant.cases.first()
    # Its screening request (intake's demo) takes the same key.
    case = workflow.open_case(programme, participant, referrer, request_key=uuid.uuid4())
    for action, who in PATHS[state]:
        payload = {}
        if action == Step.CHOOSE_BTP:
            payload["btp"] = btp.pk
            if who == "admin":  # Fedris chooses only at the participant's request
                payload["asked_via"] = "phone"
        if action in DEMO_REASONS:
            payload["reason"] = DEMO_REASONS[action]
        actor = btp.user if who == "btp" else actors[who]
        # A stage that owns a step takes it with its own services (a diagnosis report before
        # its submission, a debrief before the closing).
        step = steps.get(action)
        if step is not None:
            step(case, actor, payload)
        else:
            workflow.perform(case, action, actor, payload=payload)
    return case


# What the Fedris administrator keeps in the back office: the provider directory, programme
# settings and accounts. No case data lives there.
ADMINISTRATOR_PERMISSIONS = [
    (model, action)
    for model in ("provider", "referrer", "programme", "sector", "sessiontype",
                  "surveywaveschedule", "user", "invitation")
    for action in ("add", "change", "view")
] + [("programmeversion", "view")]


def _administrators_group():
    from django.contrib.auth.models import Group, Permission

    group, _ = Group.objects.get_or_create(name="Fedris administrators")
    group.permissions.set(Permission.objects.filter(
        content_type__app_label="botp",
        codename__in=[f"{action}_{model}" for model, action in ADMINISTRATOR_PERMISSIONS],
    ))
    return group


@transaction.atomic
def seed(*, cohort=True):
    """Seed the demo. ``cohort=False`` leaves out the cohort of completed cases behind the
    outcome dashboard, which takes most of the time (tests that do not look at it skip it)."""
    from botp.payments import demo as payments_demo  # it reads the models

    # Version 1 of each programme with the demo's tariffs, marked as demonstration values.
    programmes = load_programmes(payments=payments_demo.PAYMENTS)
    botp = programmes["botp"]
    users = {local: _account(local, first, last, role, lang)
             for local, first, last, role, lang in ACCOUNTS}
    users["admin"].groups.add(_administrators_group())
    WellbeingOfficer.objects.get_or_create(
        user=users["wellbeing"], defaults={"organisation": FederalOrganisation.FINANCE})
    Referrer.objects.get_or_create(
        user=users["referrer"],
        defaults={"kind": ReferrerKind.GP, "organisation": "Huisartsenpraktijk De Linde",
                  "riziv_number": "1-23456-78-901"},
    )
    providers = {}
    for serial, (local, first, last, is_btp, is_isp, profession, languages, province,
                 postcode, city) in enumerate(PROVIDERS, start=1):
        user = users.get(local) or _account(local, first, last, Role.PROVIDER, languages[0])
        provider, _ = Provider.objects.get_or_create(
            user=user,
            defaults={
                "is_btp": is_btp, "is_isp": is_isp, "profession": profession,
                "languages": languages, "province": province, "postcode": postcode,
                "city": city, "phone": "+32 3 000 00 00", "address": f"Demostraat 1, {city}",
                "accredited_on": datetime.date(2024, 1, 15), "training_completed": True,
                **_registrations(serial, profession),
            },
        )
        provider.programmes.set(programmes.values())
        providers[local] = provider

    actors = {"admin": users["admin"], "psychologist": users["psychologist"]}
    referrer = users["referrer"]
    stage_demos = _stage_demos()
    steps = {action: step for module in stage_demos
             for action, step in getattr(module, "STEPS", {}).items()}
    mine = _participant(1, "Tom", "Willems", "nl", users["participant"])
    _open_case(botp, mine, referrer, CaseState.IN_TREATMENT, actors, providers["btp"], steps)
    theirs = _participant(2, "Julie", "Leroy", "fr", users["participant2"])
    _open_case(botp, theirs, referrer, CaseState.IN_DIAGNOSIS, actors, providers["btp2"], steps)
    for serial, (state, first, last, language, btp) in enumerate(EXTRA_CASES, start=10):
        participant = _participant(serial, first, last, language)
        _open_case(botp, participant, referrer, state, actors,
                   providers[btp] if btp else None, steps)
    _other_programmes(programmes, users, referrer, actors, providers, steps)
    for index in range(COHORT_SIZE if cohort else 0):
        participant = _participant(50 + index, "Cohort", COHORT_NAMES[index],
                                   "fr" if index % 3 == 0 else "nl")
        _open_case(botp, participant, referrer, CaseState.COMPLETED, actors,
                   providers["btp2" if index % 3 == 0 else "btp"], steps)
    # Each stage app adds its own demo records for these cases.
    for module in stage_demos:
        if hasattr(module, "seed"):
            module.seed(users)
    # What Fedris pays for them: a statement for btp@ to confirm, a travel claim, IBANs.
    payments_demo.seed(users)
    return users


def _registrations(serial, profession):
    """Made-up registration numbers of the right shape (valid check digits), so the demo's
    reports and back office show them as they will be."""
    from botp import registration
    from botp.models.people import COMMISSION_PROFESSIONS, RIZIV_PROFESSIONS

    numbers = {"accreditation_reference": f"FEDRIS-BOTP-2024-{serial:03d}",
               "accreditation_expires_on": datetime.date(2029, 1, 14)}
    identifier = f"{700000 + serial * 137:06d}"
    if profession in RIZIV_PROFESSIONS:
        numbers["riziv_number"] = (f"{identifier}{registration.riziv_check_digits(identifier)}"
                                   "710")
    if profession in COMMISSION_PROFESSIONS:
        numbers["commission_number"] = f"{880000 + serial:06d}"
    return numbers


def _other_programmes(programmes, users, referrer, actors, providers, steps):
    """Cases in the FA-BOTP and the programme since 2024, the latter with two versions."""
    from botp import programme_rules

    for serial, (code, state, first, last, language, btp) in enumerate(
            OTHER_PROGRAMME_CASES, start=40):
        _open_case(programmes[code], _participant(serial, first, last, language), referrer,
                   state, actors, providers[btp] if btp else None, steps)
    prevention = programmes["prevention-2024"]
    if prevention.versions.count() == 1:
        prevention.duration_warning_days = DEMO_VERSION_2["duration_warning_days"]
        prevention.save()
        programme_rules.publish(prevention, users["admin"], valid_from=timezone.localdate(),
                                change_note=DEMO_VERSION_2["note"])
    for serial, (code, state, first, last, language, btp) in enumerate(
            OTHER_AFTER_V2, start=48):
        _open_case(programmes[code], _participant(serial, first, last, language), referrer,
                   state, actors, providers[btp] if btp else None, steps)


def seed_volume(count):
    """``count`` more cases over the usual states, taken through the same services, for the
    load benchmark (bench/): lists, queues and the dashboard are measured at volume.
    Idempotent for a given count; run it after :func:`seed`."""
    programme = Programme.objects.get(code="botp")
    users = {local: User.objects.get(email=email(local))
             for local in ("referrer", "admin", "psychologist")}
    actors = {"admin": users["admin"], "psychologist": users["psychologist"]}
    btps = [Provider.objects.get(user__email=email(local)) for local in ("btp", "btp2")]
    steps = {action: step for module in _stage_demos()
             for action, step in getattr(module, "STEPS", {}).items()}
    for index in range(count):
        with transaction.atomic():
            # One birth date each keeps the national numbers apart.
            born = datetime.date(1965, 1, 1) + datetime.timedelta(days=index)
            participant = _participant(index, "Volume", f"Participant {index + 1}",
                                       "nl" if index % 2 else "fr", born=born)
            _open_case(programme, participant, users["referrer"],
                       VOLUME_STATES[index % len(VOLUME_STATES)], actors,
                       btps[index % len(btps)], steps)
