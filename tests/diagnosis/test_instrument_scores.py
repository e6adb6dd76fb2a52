"""The diagnosis report takes the BAT and DASS-21 score ranges from the instruments' own data
(botp/instruments): change an instrument file and the report accepts what it now gives."""

import shutil

import pytest
import yaml

from botp import instruments
from diagnosis.forms import DiagnosisReportForm
from diagnosis.models import DiagnosisReport


@pytest.fixture
def instrument_files(tmp_path, monkeypatch):
    """A copy of the shipped instrument files that the portal reads instead; ``change(code,
    edit)`` rewrites one of them through ``edit(definition)``."""
    for path in instruments.shipped_files():
        shutil.copy(path, tmp_path)
    monkeypatch.setattr(instruments, "INSTRUMENTS_DIR", tmp_path)

    def change(code, edit):
        path = tmp_path / f"{code}.yaml"
        definition = yaml.safe_load(path.read_text(encoding="utf-8"))
        edit(definition)
        for subscale in definition["scoring"]["subscales"]:
            subscale.pop("bands", None)  # published for the shipped range only
        path.write_text(yaml.safe_dump(definition, allow_unicode=True), encoding="utf-8")

    return change


def errors_for(case, world, **scores):
    report = DiagnosisReport(case=case, author=world.btp.user, version=1)
    form = DiagnosisReportForm({"anamnesis": "Notes", **scores}, instance=report)
    form.is_valid()
    return {name: form.errors.get(name) for name in scores}


@pytest.mark.django_db
def test_the_report_accepts_the_ranges_the_instrument_files_give(world, diagnosis_case,
                                                                 instrument_files):
    def shipped_checks():
        return errors_for(diagnosis_case, world, bat_total="0.50", bat_exhaustion="4.50",
                          dass_stress="13", dass_anxiety="40")

    refused = shipped_checks()
    assert refused["bat_total"] and refused["dass_stress"]
    assert refused["bat_exhaustion"] is None and refused["dass_anxiety"] is None

    def bat_from_zero_to_four(definition):
        for option in definition["scales"][0]["options"]:
            option["value"] -= 1

    def dass_not_doubled(definition):
        for subscale in definition["scoring"]["subscales"]:
            subscale["multiplier"] = 1

    instrument_files("bat", bat_from_zero_to_four)
    instrument_files("dass21", dass_not_doubled)
    now = shipped_checks()
    assert now["bat_total"] is None and now["dass_stress"] is None
    assert now["bat_exhaustion"] == ["Ensure this value is less than or equal to 4."]
    assert now["dass_anxiety"] == ["Ensure this value is less than or equal to 21."]


@pytest.mark.django_db
def test_the_form_shows_each_scores_range_and_step_from_the_instrument(world, diagnosis_case,
                                                                       instrument_files):
    def rendered(name):
        report = DiagnosisReport(case=diagnosis_case, author=world.btp.user, version=1)
        return str(DiagnosisReportForm(instance=report)[name])

    assert 'min="1"' in rendered("bat_total") and 'max="5"' in rendered("bat_total")
    assert 'step="0.01"' in rendered("bat_total")
    assert 'step="2"' in rendered("dass_depression") and 'max="42"' in rendered("dass_depression")

    def dass_tripled(definition):
        for subscale in definition["scoring"]["subscales"]:
            subscale["multiplier"] = 3

    instrument_files("dass21", dass_tripled)
    assert 'step="3"' in rendered("dass_depression") and 'max="63"' in rendered("dass_depression")
