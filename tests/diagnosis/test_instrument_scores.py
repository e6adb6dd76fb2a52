"""The diagnosis report takes the BAT and DASS-21 score ranges from the instruments' own data
(botp/instruments): change an instrument file and the report accepts what it now gives."""

import re
import shutil

import pytest
import yaml
from django.urls import reverse

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
    assert now["bat_exhaustion"] == ["Ensure this value is less than or equal to 4.00."]
    assert now["dass_anxiety"] == ["Ensure this value is less than or equal to 21."]


def bounds(page, name):
    """min, max and step of the page's input ``name``."""
    tag = re.search(rf'<input[^>]* name="{name}"[^>]*>', page).group(0)
    return dict(re.findall(r'\b(min|max|step)="([^"]*)"', tag))


@pytest.mark.django_db
def test_the_page_shows_each_scores_range_and_step_from_the_instrument(client, world,
                                                                       diagnosis_case,
                                                                       instrument_files):
    client.force_login(world.btp.user)
    client.cookies["django_language"] = "en"

    def page():
        url = reverse("diagnosis:report", args=[diagnosis_case.reference])
        return " ".join(client.get(url).content.decode().split())

    shown = page()
    assert bounds(shown, "bat_total") == {"min": "1.00", "max": "5.00", "step": "0.01"}
    assert bounds(shown, "dass_depression") == {"min": "0", "max": "42", "step": "2"}
    assert "Scale means, from 1.00 to 5.00." in shown
    assert "Sum of the scale's 7 items × 2: from 0 to 42, in steps of 2." in shown

    def dass_tripled(definition):
        for subscale in definition["scoring"]["subscales"]:
            subscale["multiplier"] = 3

    instrument_files("dass21", dass_tripled)
    shown = page()
    assert bounds(shown, "dass_depression") == {"min": "0", "max": "63", "step": "3"}
    assert "Sum of the scale's 7 items × 3: from 0 to 63, in steps of 3." in shown
