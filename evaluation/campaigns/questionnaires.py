"""The campaigns' questionnaires: ``questionnaires/<code>.yaml`` in the shape of every
questionnaire (botp/instruments/README.md), without scoring, texts in nl, fr, de and en.
Loaded into the Instrument table when a campaign first uses them; a change needs a new
version, as for every questionnaire."""

from pathlib import Path

from botp import instruments
from evaluation.monitor.instrument import check_texts, store

FOLDER = Path(__file__).resolve().parent / "questionnaires"


def validate(definition):
    if not isinstance(definition, dict):
        return ["the file must be a mapping"]
    problems = instruments.validate(definition)
    check_texts(definition, definition.get("code", "questionnaire"), problems)
    if "scoring" in definition:
        problems.append("a campaign questionnaire is not scored: its answers are counted")
    return problems


def read(path):
    definition, digest, _problems = instruments.read(path)
    problems = validate(definition)
    if problems:
        raise instruments.DefinitionError([f"{Path(path).name}: {p}" for p in problems])
    return definition, digest


def available():
    """{code: definition} of the questionnaires a campaign can use."""
    return {path.stem: read(path)[0] for path in sorted(FOLDER.glob("*.yaml"))}


def load(code):
    """The Instrument row for questionnaire ``code`` (loaded now if needed)."""
    return store(*read(FOLDER / f"{code}.yaml"))
