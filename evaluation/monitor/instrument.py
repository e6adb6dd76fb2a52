"""The FA-BRM as data: ``evaluation/instruments/fabrm.yaml`` (items, scales and scoring in the
shape of every questionnaire, checked by ``botp.instruments``) and its ``feedback`` section,
checked here: per factor the direction, the cut-off of a point of attention, the advice and
whom to turn to; the overall result's levels. The RE-BOrn authors' originals drop in as a new
version of the file; nothing else changes.

The shared check covers the questionnaire's core; the feedback section's texts are checked here
in every language the portal speaks.
"""

from decimal import Decimal
from pathlib import Path

from django.db import transaction

from botp import instruments
from evaluation import scoring
from evaluation.models import Instrument

PATH = Path(__file__).resolve().parent.parent / "instruments" / "fabrm.yaml"
CODE = "fabrm"
DIRECTIONS = ("higher_is_better", "higher_is_worse")
STRENGTH, ATTENTION = "strength", "attention"


def check_texts(value, where, problems):
    if isinstance(value, dict) and {"nl", "fr", "en"} <= set(value):
        for language in instruments.LANGUAGES:
            if not isinstance(value.get(language), str) or not value[language].strip():
                problems.append(f"{where} has no {language} text")
        return
    if isinstance(value, dict):
        for key, inner in value.items():
            check_texts(inner, f"{where}.{key}", problems)
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            check_texts(inner, f"{where}[{index}]", problems)


def validate(definition):
    """Every problem with the monitor's definition, as sentences."""
    if not isinstance(definition, dict):
        return ["the file must be a mapping"]
    core = {k: v for k, v in definition.items() if k in instruments.TOP_LEVEL_KEYS}
    problems = instruments.validate(core)
    check_texts(definition, "fabrm", problems)
    feedback = definition.get("feedback")
    if not isinstance(feedback, dict):
        return problems + ["feedback is missing: the monitor gives feedback on every factor"]
    subscales = {s.get("id") for s in (definition.get("scoring") or {}).get("subscales", [])
                 if isinstance(s, dict)}
    overall = feedback.get("overall") or {}
    if overall.get("subscale") not in subscales:
        problems.append("feedback.overall must name a subscale")
    levels = overall.get("levels") or []
    if not levels or any(not isinstance(level.get("from"), int | float) for level in levels):
        problems.append("feedback.overall needs levels, each with a number from")
    elif [level["from"] for level in levels] != sorted((lv["from"] for lv in levels),
                                                       reverse=True):
        problems.append("feedback.overall levels must be listed highest first")
    contacts = feedback.get("contacts") or {}
    covered = {overall.get("subscale")}
    for factor in feedback.get("factors") or []:
        where = f"feedback factor {factor.get('subscale')}"
        if factor.get("subscale") not in subscales:
            problems.append(f"{where}: not a subscale")
        covered.add(factor.get("subscale"))
        direction = factor.get("direction")
        if direction not in DIRECTIONS:
            problems.append(f"{where}: direction must be one of {', '.join(DIRECTIONS)}")
        key = "attention_below" if direction == "higher_is_better" else "attention_above"
        if not isinstance(factor.get(key), int | float):
            problems.append(f"{where}: give {key}, the cut-off of a point of attention")
        for text in (STRENGTH, ATTENTION):
            if not isinstance(factor.get(text), dict):
                problems.append(f"{where}: {text} advice is missing")
        for contact in factor.get("contacts") or []:
            if contact not in contacts:
                problems.append(f"{where}: unknown contact {contact}")
    missing = subscales - covered
    if missing:
        problems.append(f"feedback says nothing on {', '.join(sorted(missing))}")
    return problems


def read(path=PATH):
    definition, digest, _problems = instruments.read(path)
    problems = validate(definition)
    if problems:
        raise instruments.DefinitionError([f"{Path(path).name}: {p}" for p in problems])
    return definition, digest


def current():
    """The version people answer now: the file's, loaded once (a changed file needs a new
    version, as for every questionnaire)."""
    return store(*read())


@transaction.atomic
def store(definition, digest):
    """The Instrument row of ``definition``, loaded now if it was not; a different file under a
    loaded version is refused."""
    code, version = definition["code"], definition["version"]
    loaded = Instrument.objects.filter(code=code, version=version).first()
    if loaded is not None:
        if loaded.sha256 != digest:
            raise instruments.DefinitionError([
                f"{code}: version {version} is already loaded from a different file; bump "
                f"version to load the change"])
        return loaded
    name = definition["name"]
    return Instrument.objects.create(code=code, version=version, name_nl=name["nl"],
                                     name_fr=name["fr"], name_en=name["en"],
                                     definition=definition, sha256=digest)


def text(texts, language):
    return texts.get(language) or texts.get("en") or texts.get("nl") or ""


def verdict(factor, value):
    """Strength or point of attention for ``factor``'s (its feedback entry) score."""
    if value is None:
        return ""
    if factor["direction"] == "higher_is_better":
        return ATTENTION if value < Decimal(str(factor["attention_below"])) else STRENGTH
    return ATTENTION if value > Decimal(str(factor["attention_above"])) else STRENGTH


def level(definition, value):
    """The overall result's level code for the overall score ``value``."""
    if value is None:
        return ""
    for entry in definition["feedback"]["overall"]["levels"]:
        if value >= Decimal(str(entry["from"])):
            return entry["code"]
    return definition["feedback"]["overall"]["levels"][-1]["code"]


def scores(definition, answers):
    """{subscale: (value, verdict or level)} for ``answers`` ({item: value})."""
    results = scoring.score(definition, answers)
    feedback = definition["feedback"]
    found = {}
    overall = feedback["overall"]["subscale"]
    found[overall] = (results[overall].score, level(definition, results[overall].score))
    for factor in feedback["factors"]:
        value = results[factor["subscale"]].score
        found[factor["subscale"]] = (value, verdict(factor, value))
    return found
