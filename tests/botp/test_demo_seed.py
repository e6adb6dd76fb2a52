import pytest
from django.apps import apps

from botp import demo
from botp.models import Case, CaseState, Programme, Provider, User


def snapshot():
    counts = {model._meta.label: model.objects.count()
              for app in ("botp", "diagnosis", "treatment", "evaluation")
              for model in apps.get_app_config(app).get_models()}
    cases = sorted(Case.objects.values_list("reference", "state", "btp_id", "participant_id"))
    return counts, cases


@pytest.mark.django_db
def test_seeding_twice_gives_the_same_data():
    demo.seed()
    first = snapshot()
    demo.seed()
    assert snapshot() == first


@pytest.mark.django_db
def test_the_volume_seed_spreads_cases_over_the_states_once():
    demo.seed(cohort=False)
    before = Case.objects.count()
    count = len(demo.VOLUME_STATES) + 2
    demo.seed_volume(count)
    volume = Case.objects.filter(participant__first_name="Volume")
    assert volume.count() == count == Case.objects.count() - before
    assert set(volume.values_list("state", flat=True)) == set(demo.VOLUME_STATES)
    demo.seed_volume(count)
    assert volume.count() == count


@pytest.mark.django_db
def test_the_demo_cohort_has_answered_surveys_for_the_outcome_dashboard():
    from evaluation import outcomes

    demo.seed()
    report = outcomes.report(outcomes.OutcomeFilters({}))
    by_wave = {response.wave: response for response in report.responses}
    assert by_wave["pre"].completed >= demo.COHORT_SIZE
    assert 0 < by_wave["post2"].completed < by_wave["post1"].completed < demo.COHORT_SIZE
    bat = next(s for s in report.scales if (s.instrument, s.subscale) == ("bat", "total"))
    (_, to_post1), _ = bat.changes
    assert to_post1.n >= 10 and to_post1.mean < 0  # burnout went down, as in the pilot


@pytest.mark.django_db
def test_the_demo_has_every_role_programme_and_state():
    demo.seed(cohort=False)
    emails = {f"{local}@demo.botp.be" for local in (
        "referrer", "admin", "psychologist", "btp", "btp2", "isp", "participant",
        "participant2", "researcher")}
    assert emails <= set(User.objects.values_list("email", flat=True))
    for email in emails:
        assert User.objects.get(email=email).check_password(demo.DEMO_PASSWORD)
    codes = {"botp", "fa-botp", "prevention-2024"}
    assert set(Programme.objects.values_list("code", flat=True)) == codes
    # Cases in all three programmes, and a programme with two versions, each with its cases.
    assert set(Case.objects.values_list("programme__code", flat=True)) == codes
    prevention = Programme.objects.get(code="prevention-2024")
    first, second = prevention.versions.order_by("number")
    assert first.cases.exists() and second.cases.exists()
    assert (first.rules["duration_warning_days"], second.rules["duration_warning_days"]) == (
        60, 90)
    assert second.created_by.email == "admin@demo.botp.be" and second.change_note
    assert set(Case.objects.values_list("state", flat=True)) == set(CaseState.values)
    accredited = Provider.objects.accredited()
    assert accredited.count() >= 12
    assert len(set(accredited.values_list("province", flat=True))) >= 8
    assert {"nl", "fr", "en"} <= {lang for p in accredited for lang in p.languages}

    mine = Case.objects.get(participant__user__email="participant@demo.botp.be")
    assert mine.btp.user.email == "btp@demo.botp.be"
    theirs = Case.objects.get(participant__user__email="participant2@demo.botp.be")
    assert theirs.btp.user.email == "btp2@demo.botp.be"
    assert mine.isps.filter(user__email="isp@demo.botp.be").exists()


@pytest.mark.django_db
def test_the_programmes_carry_the_design_rules(programmes):
    botp = programmes["botp"]
    caps = dict(botp.session_types.values_list("code", "cap"))
    assert caps == {"diagnosis": 2, "work_related": 4, "starter_kit": 3, "individual": 7,
                    "follow_up": 2, "career_change": 2, "multidisciplinary_meeting": 1,
                    "debrief": 1}
    assert (botp.max_total_sessions, botp.max_sick_leave_days, botp.max_duration_months) == (
        20, 60, 9)
    assert set(botp.eligible_sectors.values_list("code", flat=True)) == {"hospital", "banking"}
    assert not botp.session_types.get(code="multidisciplinary_meeting").counts_toward_total
    assert botp.session_types.get(code="starter_kit").recommended == 3
    assert set(botp.session_types.get(code="individual").professions) == {
        "clinical_psychologist", "physiotherapist"}
    assert set(botp.waves.values_list("wave", flat=True)) == {"pre", "post1", "post2"}

    fa = programmes["fa-botp"]
    assert fa.max_treatment_sessions == 10
    assert set(fa.eligible_sectors.values_list("code", flat=True)) == {"federal_administration"}
    assert "Empreva" in fa.non_eligible_referral_nl


@pytest.mark.django_db
def test_the_demo_administrator_keeps_the_directory_in_the_back_office(client):
    demo.seed(cohort=False)
    admin = User.objects.get(email="admin@demo.botp.be")
    client.force_login(admin)
    assert client.get("/backoffice/botp/provider/").status_code == 200
    assert client.get("/backoffice/botp/programme/").status_code == 200
    # The audit trail is the psychologist's, case by case; the document list tells which cases
    # have a final or transmission report: neither is administrative.
    assert client.get("/backoffice/botp/auditentry/").status_code == 403
    assert client.get("/backoffice/botp/document/").status_code == 403
    assert not admin.has_perm("botp.delete_auditentry")
    assert not admin.is_superuser
