"""Questionnaire definitions: reading an instrument file and checking it before it is used.

An instrument lives in ``botp/instruments/<code>.yaml``. It is shared data, like a programme:
the evaluation's surveys ask it and the diagnosis report records its scores, and each of them
takes the instrument's numbers (score ranges, steps) from here, never from its own copy.
``validate`` returns every problem it finds as a sentence a Fedris editor can act on; an empty
list means the file may be loaded. The shape of a file is described in
``botp/instruments/README.md``.
"""

import functools
import hashlib
import math
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml

from botp.models import Wave

INSTRUMENTS_DIR = Path(__file__).resolve().parent
LANGUAGES = ("nl", "fr", "de", "en")
# A version loaded before a language was added has no text in it: German readers of such a
# version read the French (East Belgium's second language), everyone else the Dutch.
FALLBACK = {"de": "fr"}
ITEM_TYPES = ("choice", "number", "text")
METHODS = ("sum", "mean")
# Which missing-answer rules make sense for which method: a sum over fewer items is not
# comparable unless it is prorated, a mean simply averages what was answered.
MISSING_RULES = {"sum": ("prorate", "refuse"), "mean": ("mean_of_answered", "refuse")}
DEFAULT_PRECISION = {"sum": 0, "mean": 2}
MAX_PRECISION = 4

IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")
TOP_LEVEL_KEYS = {
    "code", "version", "name", "licence", "source", "translation_note", "instructions",
    "waves", "scales", "items", "scoring",
}
ITEM_KEYS = {"id", "type", "text", "required", "scale", "min", "max", "unit", "free_text",
             "show_if", "help"}
SUBSCALE_KEYS = {"id", "name", "items", "method", "multiplier", "precision", "missing", "bands"}


class DefinitionError(Exception):
    """A definition that cannot be used; ``problems`` lists why."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("; ".join(self.problems))


# libyaml's parser when PyYAML was built with it: the pure-Python one takes a tenth of a second
# for a long questionnaire, and definitions are read wherever a wave is planned or scored.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read(path):
    """Parse one instrument file: returns ``(definition, sha256, problems)``."""
    return _parsed(Path(path).read_bytes())


def _parsed(raw):
    digest = hashlib.sha256(raw).hexdigest()
    try:
        definition = yaml.load(raw.decode("utf-8"), Loader=_LOADER)
    except (UnicodeDecodeError, yaml.YAMLError) as error:
        return None, digest, [f"the file is not valid YAML: {error}"]
    return definition, digest, validate(definition)


def shipped_files():
    return sorted(INSTRUMENTS_DIR.glob("*.yaml"))


def free_text_item_ids(definition):
    """Items whose answers are free text: exports leave them out, they may hold anything."""
    return [item["id"] for item in definition.get("items", []) if item.get("free_text")]


def subscale_range(definition, subscale):
    """The lowest and highest score a subscale can take, as Decimals."""
    scales = {scale["id"]: scale for scale in definition.get("scales", [])}
    items = {item["id"]: item for item in definition.get("items", [])}
    values = [
        option_value(option)
        for item_id in subscale["items"]
        for option in scales[items[item_id]["scale"]]["options"]
    ]
    low, high = min(values), max(values)
    multiplier = as_decimal(subscale.get("multiplier", 1))
    if subscale["method"] == "sum":
        count = len(subscale["items"])
        low, high = low * count, high * count
    return low * multiplier, high * multiplier


def subscale_step(definition, subscale):
    """The smallest difference between two scores a fully answered subscale can give: a sum's
    option steps times its multiplier (a DASS-21 scale goes by 2), else the last decimal kept.
    A score prorated over missing answers may fall between these steps."""
    precision_step = Decimal(1).scaleb(-precision_of(subscale))
    if subscale["method"] != "sum":
        return precision_step
    scales = {scale["id"]: scale for scale in definition.get("scales", [])}
    items = {item["id"]: item for item in definition.get("items", [])}
    values = {int(option["value"]) for item_id in subscale["items"]
              for option in scales[items[item_id]["scale"]]["options"]}
    step = math.gcd(*(value - min(values) for value in values))
    step = step * as_decimal(subscale.get("multiplier", 1))
    return step if step and step % precision_step == 0 else precision_step


@dataclass(frozen=True)
class ScoreScale:
    """What one subscale's score can be, from its instrument's data."""

    low: Decimal
    high: Decimal
    step: Decimal
    precision: int
    items: int  # how many items it sums or averages
    multiplier: Decimal

    def takes(self, value):
        """Whether ``value`` is a score a fully answered subscale can give."""
        value = Decimal(value)
        return self.low <= value <= self.high and (value - self.low) % self.step == 0


def score_scale(code, subscale_id):
    """The range, step and precision of subscale ``subscale_id`` of instrument ``code``, as its
    shipped file defines them now."""
    definition = shipped(code)
    subscale = next(s for s in definition["scoring"]["subscales"] if s["id"] == subscale_id)
    low, high = subscale_range(definition, subscale)
    places = Decimal(1).scaleb(-precision_of(subscale))
    return ScoreScale(low.quantize(places), high.quantize(places),
                      subscale_step(definition, subscale), precision_of(subscale),
                      len(subscale["items"]), as_decimal(subscale.get("multiplier", 1)))


@dataclass(frozen=True)
class Band:
    code: str
    label: str
    # Its place among the subscale's bands, from 0 (the lowest).
    rank: int
    of: int


def band_of(code, subscale_id, value, language):
    """The severity band score ``value`` falls in on subscale ``subscale_id`` of instrument
    ``code`` (as its shipped file defines them), its label in ``language``; None when the
    subscale has no bands or the value none."""
    if value is None:
        return None
    subscale = next(s for s in shipped(code)["scoring"]["subscales"] if s["id"] == subscale_id)
    ranges = subscale.get("bands", {}).get("ranges", [])
    for rank, band in enumerate(ranges):
        if as_decimal(band["from"]) <= as_decimal(value) <= as_decimal(band["to"]):
            return Band(band["code"], text_in(band["label"], language), rank, len(ranges))
    return None


def text_in(texts, language):
    """The text of ``texts`` (one per language) in ``language``, else in its fallback."""
    language = (language or "nl")[:2]
    return (texts.get(language) or texts.get(FALLBACK.get(language, "nl")) or texts.get("nl")
            or next(iter(texts.values()), ""))


def shipped(code):
    """The definition in instrument ``code``'s file (the version the next load stores), parsed
    once for each content the file has had. Treat it as read-only."""
    path = INSTRUMENTS_DIR / f"{code}.yaml"
    return _checked(path.name, path.read_bytes())


@functools.lru_cache(maxsize=32)
def _checked(name, raw):
    definition, _digest, problems = _parsed(raw)
    if problems:
        raise DefinitionError([f"{name}: {problem}" for problem in problems])
    return definition


def precision_of(subscale):
    return subscale.get("precision", DEFAULT_PRECISION.get(subscale.get("method"), 0))


def missing_rule_of(definition, subscale):
    """The subscale's own missing-answer rule, else the instrument's default."""
    return subscale.get("missing") or definition.get("scoring", {}).get("missing") or {}


def option_value(option):
    return as_decimal(option["value"])


def as_decimal(value):
    # YAML reads 2.59 as a float; going through str keeps the number that was written.
    if isinstance(value, bool):
        raise InvalidOperation(value)
    return Decimal(str(value))


def validate(definition):
    """Every problem with a parsed definition, as human-readable sentences."""
    if not isinstance(definition, dict):
        return ["the file must be a mapping with code, version, name, items …"]
    problems = []
    _check_header(definition, problems)
    scales = _check_scales(definition, problems)
    items = _check_items(definition, scales, problems)
    if "scoring" in definition:
        _check_scoring(definition, scales, items, problems)
    return problems


def _check_header(definition, problems):
    unknown = sorted(set(definition) - TOP_LEVEL_KEYS)
    if unknown:
        problems.append(f"unknown top-level keys: {', '.join(unknown)}")
    code = definition.get("code")
    if not isinstance(code, str) or not re.fullmatch(r"[a-z][a-z0-9_-]*", code):
        problems.append("code must be a short lower-case identifier, e.g. dass21")
    version = definition.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        problems.append("version must be a whole number of at least 1")
    _check_text(definition.get("name"), "name", problems)
    for key in ("licence", "source"):
        if not isinstance(definition.get(key), str) or not definition[key].strip():
            problems.append(f"{key} is missing: say where the instrument comes from and its terms")
    if "instructions" in definition:
        _check_text(definition["instructions"], "instructions", problems)
    waves = definition.get("waves", [])
    if not isinstance(waves, list) or not set(waves) <= set(Wave.values):
        problems.append(f"waves must be a list drawn from {', '.join(Wave.values)}")


def _check_text(value, where, problems):
    """A text shown to people: one non-empty string for each of the portal's languages."""
    if not isinstance(value, dict):
        problems.append(f"{where} must give a text in {', '.join(LANGUAGES)}")
        return
    for language in LANGUAGES:
        text = value.get(language)
        if not isinstance(text, str) or not text.strip():
            problems.append(f"{where} has no {language} translation")
    extra = sorted(set(value) - set(LANGUAGES))
    if extra:
        problems.append(f"{where} has texts in unknown languages: {', '.join(map(str, extra))}")


def _check_scales(definition, problems):
    scales = {}
    for index, scale in enumerate(definition.get("scales") or []):
        if not isinstance(scale, dict) or not isinstance(scale.get("id"), str):
            problems.append(f"scale #{index + 1} has no id")
            continue
        where = f"scale {scale['id']}"
        if scale["id"] in scales:
            problems.append(f"{where} is defined twice")
        options = scale.get("options")
        if not isinstance(options, list) or len(options) < 2:
            problems.append(f"{where} needs at least two options")
            options = []
        seen = set()
        for option in options:
            value = option.get("value") if isinstance(option, dict) else None
            if value is None or isinstance(value, bool | float):
                problems.append(f"{where}: every option needs a whole-number or text value")
                continue
            if value in seen:
                problems.append(f"{where}: option value {value!r} appears twice")
            seen.add(value)
            _check_text(option.get("label"), f"{where} option {value!r}", problems)
        scales[scale["id"]] = {**scale, "options": options}
    return scales


def _check_items(definition, scales, problems):
    items = {}
    raw_items = definition.get("items")
    if not isinstance(raw_items, list) or not raw_items:
        problems.append("items must be a non-empty list")
        return items
    for index, item in enumerate(raw_items):
        if not isinstance(item, dict) or not isinstance(item.get("id"), str):
            problems.append(f"item #{index + 1} has no id")
            continue
        where = f"item {item['id']}"
        if not IDENTIFIER.match(item["id"]):
            problems.append(f"{where}: ids are lower-case letters, digits and _")
        if item["id"] in items:
            problems.append(f"{where} is defined twice")
        unknown = sorted(set(item) - ITEM_KEYS)
        if unknown:
            problems.append(f"{where}: unknown keys {', '.join(unknown)}")
        _check_text(item.get("text"), f"{where} text", problems)
        if "help" in item:
            _check_text(item["help"], f"{where} help", problems)
        if not isinstance(item.get("required"), bool):
            problems.append(f"{where}: say whether it is required (true or false)")
        kind = item.get("type")
        if kind not in ITEM_TYPES:
            problems.append(f"{where}: unknown type {kind!r} (one of {', '.join(ITEM_TYPES)})")
        elif kind == "choice":
            if item.get("scale") not in scales:
                problems.append(f"{where} uses unknown scale {item.get('scale')!r}")
        elif kind == "number":
            low, high = item.get("min"), item.get("max")
            if not all(isinstance(v, int) and not isinstance(v, bool) for v in (low, high)):
                problems.append(f"{where}: a number item needs whole-number min and max")
            elif low > high:
                problems.append(f"{where}: min is above max")
            if "unit" in item:
                _check_text(item["unit"], f"{where} unit", problems)
        elif kind == "text" and item.get("free_text") is not True:
            # Exports drop free text by this mark; an unmarked text item would leak into them.
            problems.append(f"{where}: a text item must be marked free_text: true")
        if kind != "text" and "free_text" in item:
            problems.append(f"{where}: only text items hold free text")
        if "show_if" in item:
            _check_show_if(item, items, scales, problems)
        items[item["id"]] = item
    return items


def _check_show_if(item, earlier_items, scales, problems):
    where = f"item {item['id']}"
    condition = item["show_if"]
    if not isinstance(condition, dict) or not isinstance(condition.get("values"), list):
        problems.append(f"{where}: show_if needs an item and a list of values")
        return
    # Only an earlier choice item can decide: the participant has answered it already.
    other = earlier_items.get(condition.get("item"))
    if other is None or other.get("type") != "choice" or other.get("scale") not in scales:
        problems.append(f"{where}: show_if must name an earlier choice item")
        return
    allowed = {option.get("value") for option in scales[other["scale"]]["options"]}
    for value in condition["values"]:
        if value not in allowed:
            problems.append(f"{where}: show_if value {value!r} is not an option of {other['id']}")


def _check_scoring(definition, scales, items, problems):
    scoring = definition["scoring"]
    if not isinstance(scoring, dict):
        problems.append("scoring must be a mapping with subscales")
        return
    subscales = scoring.get("subscales")
    if not isinstance(subscales, list) or not subscales:
        problems.append("scoring needs at least one subscale")
        return
    reverse = scoring.get("reverse", [])
    if not isinstance(reverse, list) or not all(isinstance(i, str) for i in reverse):
        problems.append("scoring.reverse must be a list of item ids")
        reverse = []
    for item_id in reverse:
        if item_id not in items:
            problems.append(f"reverse item {item_id!r} is not an item of this instrument")
    seen_subscales = set()
    scored_items = set()
    for index, subscale in enumerate(subscales):
        if not isinstance(subscale, dict) or not isinstance(subscale.get("id"), str):
            problems.append(f"subscale #{index + 1} has no id")
            continue
        where = f"subscale {subscale['id']}"
        if subscale["id"] in seen_subscales:
            problems.append(f"{where} is defined twice")
        seen_subscales.add(subscale["id"])
        unknown = sorted(set(subscale) - SUBSCALE_KEYS)
        if unknown:
            problems.append(f"{where}: unknown keys {', '.join(unknown)}")
        _check_text(subscale.get("name"), f"{where} name", problems)
        if _check_subscale(definition, subscale, scales, items, problems):
            scored_items.update(subscale["items"])
        elif isinstance(subscale.get("items"), list):
            scored_items.update(i for i in subscale["items"] if isinstance(i, str))
    for item_id, item in items.items():
        if item_id not in scored_items and item.get("type") != "text":
            problems.append(f"item {item_id} is in no subscale")


def _check_subscale(definition, subscale, scales, items, problems):
    """Check one subscale; True when it is sound enough to check its bands."""
    where = f"subscale {subscale['id']}"
    sound = True
    method = subscale.get("method")
    if method not in METHODS:
        problems.append(f"{where}: unknown method {method!r} (sum or mean)")
        sound = False
    members = subscale.get("items")
    if not isinstance(members, list) or not members:
        problems.append(f"{where} lists no items")
        return False
    if not all(isinstance(item_id, str) for item_id in members):
        problems.append(f"{where}: items must be listed by their ids")
        return False
    if len(set(members)) != len(members):
        problems.append(f"{where} lists an item twice")
    for item_id in members:
        item = items.get(item_id)
        if item is None:
            problems.append(f"{where} names unknown item {item_id!r}")
            sound = False
        elif item.get("type") != "choice" or item.get("scale") not in scales:
            problems.append(f"{where}: item {item_id} is not a choice item with a scale")
            sound = False
        elif not all(
            isinstance(option.get("value"), int) for option in scales[item["scale"]]["options"]
        ):
            problems.append(f"{where}: item {item_id} has a scale without numeric values")
            sound = False
    try:
        multiplier = as_decimal(subscale.get("multiplier", 1))
        if multiplier <= 0:
            raise InvalidOperation
    except InvalidOperation:
        problems.append(f"{where}: multiplier must be a positive number")
        sound = False
    precision = precision_of(subscale)
    if not isinstance(precision, int) or not 0 <= precision <= MAX_PRECISION:
        problems.append(f"{where}: precision must be 0 to {MAX_PRECISION} decimals")
        sound = False
    if method in METHODS:
        _check_missing_rule(definition, subscale, method, len(members), problems)
    if "bands" in subscale and sound:
        _check_bands(definition, subscale, problems)
    return sound


def _check_missing_rule(definition, subscale, method, size, problems):
    where = f"subscale {subscale['id']}"
    rule = missing_rule_of(definition, subscale)
    kind = rule.get("rule") if isinstance(rule, dict) else None
    if kind not in MISSING_RULES[method]:
        problems.append(
            f"{where}: missing-answer rule must be one of {', '.join(MISSING_RULES[method])} "
            f"for a {method}"
        )
        return
    allowance = rule.get("max_missing")
    if not isinstance(allowance, int) or isinstance(allowance, bool) or allowance < 0:
        problems.append(f"{where}: max_missing must be a whole number of at least 0")
    elif kind == "refuse" and allowance != 0:
        problems.append(f"{where}: rule refuse scores no subscale with missing answers, "
                        f"so max_missing must be 0")
    elif allowance >= size:
        problems.append(f"{where}: max_missing must leave at least one answered item")


def _check_bands(definition, subscale, problems):
    where = f"subscale {subscale['id']} bands"
    bands = subscale["bands"]
    if not isinstance(bands, dict):
        problems.append(f"{where} must give a source and ranges")
        return
    if not isinstance(bands.get("source"), str) or not bands["source"].strip():
        problems.append(f"{where}: cite the published source of the bands")
    ranges = bands.get("ranges")
    if not isinstance(ranges, list) or not ranges:
        problems.append(f"{where}: no ranges")
        return
    step = Decimal(1).scaleb(-precision_of(subscale))
    parsed, codes = [], set()
    for band in ranges:
        code = band.get("code") if isinstance(band, dict) else None
        if not isinstance(code, str):
            problems.append(f"{where}: every band needs a code")
            return
        if code in codes:
            problems.append(f"{where}: band {code} appears twice")
        codes.add(code)
        _check_text(band.get("label"), f"{where} band {code} label", problems)
        try:
            low, high = as_decimal(band.get("from")), as_decimal(band.get("to"))
        except InvalidOperation:
            problems.append(f"{where}: band {code} needs numbers from and to")
            return
        if low > high:
            problems.append(f"{where}: band {code} runs from {low} down to {high}")
            return
        # Scores are rounded to the subscale's precision before banding; an edge finer than
        # that could never be reached exactly.
        if low % step or high % step:
            problems.append(f"{where}: band {code} edges have more decimals than the score")
        parsed.append((low, high, code))
    parsed.sort()
    lowest, highest = subscale_range(definition, subscale)
    if parsed[0][0] != lowest:
        problems.append(f"{where} start at {parsed[0][0]}, the lowest possible score is {lowest}")
    if parsed[-1][1] != highest:
        problems.append(f"{where} end at {parsed[-1][1]}, the highest possible score is {highest}")
    for (_, previous_high, previous), (low, _, code) in zip(parsed, parsed[1:], strict=False):
        if low <= previous_high:
            problems.append(f"{where}: bands {previous} and {code} overlap")
        elif low - previous_high > step:
            problems.append(
                f"{where}: gap between {previous} (to {previous_high}) and {code} (from {low})"
            )
