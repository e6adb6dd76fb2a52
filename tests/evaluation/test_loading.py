"""load_instruments: shipped files load, twice without change; bad or changed files are refused."""

import hashlib

import pytest
import yaml
from django.core.management import CommandError, call_command
from django.db import IntegrityError

from botp.instruments import read, shipped_files
from evaluation.models import Instrument

pytestmark = pytest.mark.django_db

SHIPPED = {"dass21", "obi", "bat", "employment", "absence", "healthcare", "satisfaction"}


def test_every_instrument_is_shipped():
    assert {path.stem for path in shipped_files()} == SHIPPED


@pytest.mark.parametrize("path", shipped_files(), ids=lambda path: path.stem)
def test_every_shipped_file_validates(path):
    definition, _, problems = read(path)
    assert problems == []
    assert definition["code"] == path.stem


def test_shipped_files_load_and_load_again_without_change(capsys):
    call_command("load_instruments")
    first = {(i.code, i.version): (i.pk, i.sha256, i.loaded_at) for i in Instrument.objects.all()}
    assert {code for code, _ in first} == SHIPPED
    assert "Loaded dass21 v2" in capsys.readouterr().out

    call_command("load_instruments")
    assert "Unchanged dass21 v2" in capsys.readouterr().out
    again = {(i.code, i.version): (i.pk, i.sha256, i.loaded_at) for i in Instrument.objects.all()}
    assert again == first

    dass = Instrument.objects.get(code="dass21")
    path = next(p for p in shipped_files() if p.stem == "dass21")
    assert dass.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert dass.definition == read(path)[0]
    assert (dass.name_nl, dass.name_en) == (
        "Depressie Angst Stress Schalen (DASS-21)", "Depression Anxiety Stress Scales (DASS-21)")
    if hasattr(dass, "name_de"):  # the column comes with the programmes' German names
        assert dass.name_de == "Depressions-Angst-Stress-Skalen (DASS-21)"


def write(tmp_path, definition, name="mini.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(definition, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def mini():
    def text(word):
        return {"nl": word, "fr": word, "de": word, "en": word}

    return {
        "code": "mini", "version": 1, "name": text("Mini"), "licence": "Free", "source": "Here",
        "scales": [{"id": "yn", "options": [{"value": "yes", "label": text("yes")},
                                            {"value": "no", "label": text("no")}]}],
        "items": [{"id": "q1", "type": "choice", "scale": "yn", "required": True,
                   "text": text("Question")}],
    }


def test_an_invalid_file_is_refused_with_its_problems(tmp_path, mini):
    del mini["items"][0]["text"]["fr"]
    path = write(tmp_path, mini)
    with pytest.raises(CommandError) as refused:
        call_command("load_instruments", str(path))
    assert "mini.yaml: item q1 text has no fr translation" in str(refused.value)
    assert not Instrument.objects.exists()


def test_a_file_without_german_is_refused(tmp_path, mini):
    del mini["name"]["de"]
    with pytest.raises(CommandError) as refused:
        call_command("load_instruments", str(write(tmp_path, mini)))
    assert "mini.yaml: name has no de translation" in str(refused.value)
    assert not Instrument.objects.exists()


def test_nothing_loads_when_one_file_of_several_is_invalid(tmp_path, mini):
    good = write(tmp_path, mini, "good.yaml")
    mini["code"] = "other"
    mini["scales"][0]["id"] = "unknown"
    bad = write(tmp_path, mini, "bad.yaml")
    with pytest.raises(CommandError, match="bad.yaml: item q1 uses unknown scale .yn."):
        call_command("load_instruments", str(good), str(bad))
    assert not Instrument.objects.exists()


def test_a_changed_file_with_the_same_version_must_be_bumped(tmp_path, mini):
    path = write(tmp_path, mini)
    call_command("load_instruments", str(path))
    loaded = Instrument.objects.get(code="mini")

    mini["items"][0]["text"]["nl"] = "Vraag"
    write(tmp_path, mini)
    with pytest.raises(CommandError, match="mini version 1 is already loaded from a different "
                                           "file; bump version"):
        call_command("load_instruments", str(path))
    loaded.refresh_from_db()
    assert loaded.definition["items"][0]["text"]["nl"] == "Question"

    mini["version"] = 2
    write(tmp_path, mini)
    call_command("load_instruments", str(path))
    versions = Instrument.objects.filter(code="mini").order_by("version")
    assert [(i.version, i.definition["items"][0]["text"]["nl"]) for i in versions] == [
        (1, "Question"), (2, "Vraag")]


def test_two_files_may_not_define_the_same_version(tmp_path, mini):
    first = write(tmp_path, mini, "first.yaml")
    mini["licence"] = "Also free"
    second = write(tmp_path, mini, "second.yaml")
    with pytest.raises(CommandError, match="another file also defines mini version 1"):
        call_command("load_instruments", str(first), str(second))
    assert not Instrument.objects.exists()


def test_code_and_version_are_unique_in_the_database():
    Instrument.objects.create(code="x", version=1, name_nl="x", name_fr="x", name_en="x",
                              definition={}, sha256="0" * 64)
    with pytest.raises(IntegrityError):
        Instrument.objects.create(code="x", version=1, name_nl="y", name_fr="y", name_en="y",
                                  definition={}, sha256="1" * 64)
