"""What a person reads of their own measurements: the overall result, each factor as a strength
or a point of attention with what to do and whom to turn to, and the change since earlier
measurements. Read only through the person's private link."""

from dataclasses import dataclass, field

from evaluation.monitor import instrument
from evaluation.monitor.instrument import ATTENTION, STRENGTH


@dataclass
class Factor:
    id: str
    name: str
    value: object
    verdict: str
    advice: str
    contacts: list = field(default_factory=list)

    @property
    def is_strength(self):
        return self.verdict == STRENGTH

    @property
    def is_attention(self):
        return self.verdict == ATTENTION


@dataclass
class Feedback:
    response: object
    overall_name: str
    overall_value: object
    overall_text: str
    strengths: list
    attention: list
    contacts: list


def _names(definition, language):
    return {s["id"]: instrument.text(s["name"], language)
            for s in definition["scoring"]["subscales"]}


def of(response, language):
    definition = response.instrument.definition
    spec = definition["feedback"]
    names = _names(definition, language)
    scores = {s.subscale: s for s in response.scores.all()}
    overall_id = spec["overall"]["subscale"]
    overall = scores.get(overall_id)
    level = next((entry for entry in spec["overall"]["levels"]
                  if overall and entry["code"] == overall.verdict), None)
    contacts = spec["contacts"]
    factors, used = [], []
    for entry in spec["factors"]:
        score = scores.get(entry["subscale"])
        if score is None:
            continue
        verdict = score.verdict
        who = [instrument.text(contacts[c], language) for c in entry.get("contacts", [])]
        factors.append(Factor(entry["subscale"], names[entry["subscale"]], score.value, verdict,
                              instrument.text(entry[verdict], language) if verdict else "",
                              who if verdict == ATTENTION else []))
        if verdict == ATTENTION:
            used += [c for c in entry.get("contacts", []) if c not in used]
    everyone = [instrument.text(contacts[c], language) for c in contacts]
    return Feedback(
        response=response, overall_name=names[overall_id],
        overall_value=overall.value if overall else None,
        overall_text=instrument.text(level["label"], language) if level else "",
        strengths=[f for f in factors if f.is_strength],
        attention=[f for f in factors if f.is_attention],
        contacts=[instrument.text(contacts[c], language) for c in used] or everyone,
    )


@dataclass
class Row:
    name: str
    values: list  # one per measurement, None where not measured
    change: object  # latest minus first, None with fewer than two
    better: bool | None  # whether the change goes the good way for this factor


def comparison(person, language):
    """Every factor's score at each sent measurement, with the change since the first:
    (measurement labels, rows). Empty with fewer than two measurements."""
    responses = list(person.responses.filter(completed_at__isnull=False)
                     .order_by("completed_at").prefetch_related("scores")
                     .select_related("instrument"))
    if len(responses) < 2:
        return [], []
    definition = responses[-1].instrument.definition
    names = _names(definition, language)
    directions = {f["subscale"]: f["direction"] for f in definition["feedback"]["factors"]}
    directions[definition["feedback"]["overall"]["subscale"]] = "higher_is_better"
    by_response = [{s.subscale: s.value for s in r.scores.all()} for r in responses]
    rows = []
    for subscale in names:
        values = [scores.get(subscale) for scores in by_response]
        known = [v for v in values if v is not None]
        change = known[-1] - known[0] if len(known) >= 2 else None
        better = None
        if change:
            better = (change > 0) == (directions.get(subscale) == "higher_is_better")
        rows.append(Row(names[subscale], values, change, better))
    return [r.get_measurement_display() for r in responses], rows
