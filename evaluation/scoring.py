"""Scoring a set of answers against an instrument definition: no database, no side effects.

The order of operations is part of the published scoring and matters for the bands:
reverse-keyed items are flipped on their own scale, the subscale is summed or averaged (a sum
with allowed missing answers is prorated to the full item count), the multiplier is applied, and
only then is the score rounded half up to the subscale's precision and placed in a band.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from botp.instruments import as_decimal, missing_rule_of, option_value, precision_of, text_in


@dataclass(frozen=True)
class SubscaleScore:
    subscale: str
    score: Decimal | None  # None when too many answers are missing
    answered: int
    missing: int
    band: str | None = None
    band_label: str | None = None

    @property
    def complete(self):
        return self.missing == 0


def score(definition, answers, language="nl"):
    """Score every subscale of ``definition`` from ``answers`` (``{item_id: value}``).

    Returns ``{subscale_id: SubscaleScore}`` in the definition's order; an instrument without
    scoring (the programme's own sections) gives an empty dict. An answer that is not an option
    of its item's scale is a ValueError: the survey form must never let one through.
    """
    scoring = definition.get("scoring")
    if not scoring:
        return {}
    scales = {scale["id"]: scale for scale in definition.get("scales", [])}
    items = {item["id"]: item for item in definition["items"]}
    reverse = set(scoring.get("reverse", []))
    return {
        subscale["id"]: _score_subscale(
            definition, subscale, items, scales, reverse, answers, language
        )
        for subscale in scoring["subscales"]
    }


def _score_subscale(definition, subscale, items, scales, reverse, answers, language):
    values = []
    for item_id in subscale["items"]:
        value = _item_value(items[item_id], scales, answers.get(item_id))
        if value is None:
            continue
        if item_id in reverse:
            options = [option_value(o) for o in scales[items[item_id]["scale"]]["options"]]
            value = min(options) + max(options) - value
        values.append(value)
    size = len(subscale["items"])
    answered, missing = len(values), size - len(values)
    rule = missing_rule_of(definition, subscale)
    if answered == 0 or missing > rule["max_missing"] or (rule["rule"] == "refuse" and missing):
        return SubscaleScore(subscale["id"], None, answered, missing)

    raw = sum(values, Decimal(0))
    if subscale["method"] == "mean":
        raw = raw / answered
    elif missing:  # a prorated sum: the answered items stand in for the whole subscale
        raw = raw * size / answered
    raw = raw * as_decimal(subscale.get("multiplier", 1))
    result = raw.quantize(Decimal(1).scaleb(-precision_of(subscale)), rounding=ROUND_HALF_UP)

    band = _band_for(subscale, result)
    label = None
    if band is not None:
        label = text_in(band["label"], language)
    return SubscaleScore(
        subscale["id"], result, answered, missing,
        band=band["code"] if band else None, band_label=label,
    )


def _item_value(item, scales, answer):
    if answer is None or answer == "":
        return None
    options = scales[item["scale"]]["options"]
    for option in options:
        # Forms post "2"; definitions hold 2.
        if str(option["value"]) == str(answer).strip():
            return option_value(option)
    allowed = ", ".join(str(option["value"]) for option in options)
    raise ValueError(f"item {item['id']}: {answer!r} is not one of {allowed}")


def _band_for(subscale, value):
    for band in subscale.get("bands", {}).get("ranges", []):
        if as_decimal(band["from"]) <= value <= as_decimal(band["to"]):
            return band
    return None
