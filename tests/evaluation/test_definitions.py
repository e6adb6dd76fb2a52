"""Each refusal of botp.instruments.validate, on small definitions written here."""

import copy

import pytest

from botp.instruments import read, validate


def text(word):
    return {"nl": f"{word} (nl)", "fr": f"{word} (fr)", "de": f"{word} (de)", "en": f"{word} (en)"}


def band(code, low, high):
    return {"code": code, "from": low, "to": high, "label": text(code)}


BASE = {
    "code": "tiny",
    "version": 1,
    "name": text("Tiny"),
    "licence": "Public domain",
    "source": "Invented for the tests",
    "waves": ["pre", "post1"],
    "scales": [
        {"id": "often", "options": [{"value": v, "label": text(f"v{v}")} for v in range(4)]},
    ],
    "items": [
        {"id": "i1", "type": "choice", "scale": "often", "required": True, "text": text("i1")},
        {"id": "i2", "type": "choice", "scale": "often", "required": True, "text": text("i2")},
        {"id": "i3", "type": "choice", "scale": "often", "required": False, "text": text("i3")},
        {"id": "note", "type": "text", "free_text": True, "required": False,
         "text": text("note")},
    ],
    "scoring": {
        "reverse": ["i2"],
        "missing": {"max_missing": 1, "rule": "prorate"},
        "subscales": [
            # A sum of two 0-3 items doubled: possible range 0 to 12.
            {"id": "a", "name": text("a"), "method": "sum", "multiplier": 2,
             "items": ["i1", "i2"],
             "bands": {"source": "Invented", "ranges": [band("low", 0, 5), band("high", 6, 12)]}},
            {"id": "b", "name": text("b"), "method": "mean", "items": ["i3"],
             "missing": {"max_missing": 0, "rule": "mean_of_answered"}},
        ],
    },
}


@pytest.fixture
def definition():
    return copy.deepcopy(BASE)


def subscale(definition, subscale_id):
    return next(s for s in definition["scoring"]["subscales"] if s["id"] == subscale_id)


def test_the_base_definition_is_valid(definition):
    # Every refusal below starts from this definition; it must be clean for them to mean much.
    assert validate(definition) == []


@pytest.mark.parametrize("language", ["nl", "fr", "de", "en"])
@pytest.mark.parametrize(
    ("where", "reach"),
    [
        ("name", lambda d: d["name"]),
        ("item i1 text", lambda d: d["items"][0]["text"]),
        ("scale often option 2", lambda d: d["scales"][0]["options"][2]["label"]),
        ("subscale b name", lambda d: subscale(d, "b")["name"]),
        ("subscale a bands band high label",
         lambda d: subscale(d, "a")["bands"]["ranges"][1]["label"]),
    ],
)
def test_refuses_a_missing_translation(definition, where, reach, language):
    del reach(definition)[language]
    assert f"{where} has no {language} translation" in validate(definition)


def test_refuses_an_empty_translation(definition):
    definition["items"][1]["text"]["fr"] = "   "
    assert "item i2 text has no fr translation" in validate(definition)


def test_refuses_a_text_given_as_a_single_string(definition):
    definition["items"][0]["text"] = "Only English"
    assert "item i1 text must give a text in nl, fr, de, en" in validate(definition)


def test_refuses_an_item_in_no_subscale(definition):
    definition["items"].append(
        {"id": "i4", "type": "choice", "scale": "often", "required": True, "text": text("i4")}
    )
    assert "item i4 is in no subscale" in validate(definition)


def test_an_instrument_without_scoring_needs_no_subscales(definition):
    del definition["scoring"]
    assert validate(definition) == []


def test_refuses_a_subscale_naming_an_unknown_item(definition):
    subscale(definition, "a")["items"].append("i9")
    assert "subscale a names unknown item 'i9'" in validate(definition)


def test_refuses_a_subscale_over_a_free_text_item(definition):
    subscale(definition, "b")["items"].append("note")
    assert "subscale b: item note is not a choice item with a scale" in validate(definition)


def test_refuses_a_reverse_item_not_in_the_instrument(definition):
    definition["scoring"]["reverse"].append("i9")
    assert "reverse item 'i9' is not an item of this instrument" in validate(definition)


def test_refuses_overlapping_bands(definition):
    subscale(definition, "a")["bands"]["ranges"] = [band("low", 0, 6), band("high", 6, 12)]
    assert "subscale a bands: bands low and high overlap" in validate(definition)


def test_refuses_a_gap_between_bands(definition):
    subscale(definition, "a")["bands"]["ranges"] = [band("low", 0, 5), band("high", 7, 12)]
    assert "subscale a bands: gap between low (to 5) and high (from 7)" in validate(definition)


def test_bands_meeting_at_the_scores_precision_leave_no_gap(definition):
    # With two decimals, 0.49 and 0.50 are neighbours; with none they would leave a gap.
    b = subscale(definition, "b")
    b["precision"] = 2
    b["bands"] = {"source": "Invented",
                  "ranges": [band("low", 0, 1.49), band("high", 1.50, 3)]}
    assert validate(definition) == []
    b["precision"] = 1
    assert any("more decimals than the score" in p for p in validate(definition))


def test_refuses_bands_that_do_not_reach_the_lowest_possible_score(definition):
    subscale(definition, "a")["bands"]["ranges"][0]["from"] = 1
    assert ("subscale a bands start at 1, the lowest possible score is 0"
            in validate(definition))


def test_refuses_bands_that_stop_below_the_highest_possible_score(definition):
    # 12 is the top only because of the multiplier: the sum of two 0-3 items is at most 6.
    subscale(definition, "a")["bands"]["ranges"][1]["to"] = 6
    assert ("subscale a bands end at 6, the highest possible score is 12"
            in validate(definition))


def test_refuses_bands_without_a_source(definition):
    del subscale(definition, "a")["bands"]["source"]
    assert "subscale a bands: cite the published source of the bands" in validate(definition)


def test_refuses_an_unknown_scale(definition):
    definition["items"][0]["scale"] = "seldom"
    assert "item i1 uses unknown scale 'seldom'" in validate(definition)


def test_refuses_an_unknown_method(definition):
    subscale(definition, "b")["method"] = "median"
    assert "subscale b: unknown method 'median' (sum or mean)" in validate(definition)


def test_refuses_an_unknown_item_type(definition):
    definition["items"][2]["type"] = "slider"
    assert any("item i3: unknown type 'slider'" in p for p in validate(definition))


def test_refuses_a_text_item_not_marked_as_free_text(definition):
    del definition["items"][3]["free_text"]
    assert "item note: a text item must be marked free_text: true" in validate(definition)


def test_refuses_a_missing_rule_that_does_not_fit_the_method(definition):
    subscale(definition, "b")["missing"] = {"max_missing": 0, "rule": "prorate"}
    assert any("subscale b: missing-answer rule must be one of mean_of_answered, refuse" in p
               for p in validate(definition))


def test_refuses_refuse_with_an_allowance(definition):
    definition["scoring"]["missing"] = {"max_missing": 1, "rule": "refuse"}
    assert any("subscale a: rule refuse" in p for p in validate(definition))


def test_refuses_an_allowance_that_leaves_nothing_to_score(definition):
    definition["scoring"]["missing"]["max_missing"] = 2
    assert ("subscale a: max_missing must leave at least one answered item"
            in validate(definition))


def test_refuses_a_number_item_without_limits(definition):
    definition["items"].append({"id": "days", "type": "number", "min": 0, "required": True,
                                "text": text("days")})
    del definition["scoring"]
    assert "item days: a number item needs whole-number min and max" in validate(definition)


def test_refuses_show_if_on_a_later_item_or_an_unknown_value(definition):
    definition["items"][0]["show_if"] = {"item": "i2", "values": [1]}
    definition["items"][2]["show_if"] = {"item": "i1", "values": [7]}
    problems = validate(definition)
    assert "item i1: show_if must name an earlier choice item" in problems
    assert "item i3: show_if value 7 is not an option of i1" in problems


def test_refuses_duplicate_item_ids_and_unknown_waves(definition):
    definition["items"].append(copy.deepcopy(definition["items"][0]))
    definition["waves"] = ["pre", "post3"]
    problems = validate(definition)
    assert "item i1 is defined twice" in problems
    assert "waves must be a list drawn from pre, post1, post2" in problems


def test_refuses_a_header_without_licence_source_or_version(definition):
    del definition["licence"], definition["source"]
    definition["version"] = "1.0"
    problems = validate(definition)
    assert any(p.startswith("licence is missing") for p in problems)
    assert any(p.startswith("source is missing") for p in problems)
    assert "version must be a whole number of at least 1" in problems


def test_reading_a_file_reports_yaml_errors(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("code: [unclosed\n", encoding="utf-8")
    definition, digest, problems = read(path)
    assert definition is None
    assert len(digest) == 64
    assert problems and problems[0].startswith("the file is not valid YAML")


def test_reading_a_file_catches_an_unquoted_yes(tmp_path):
    # YAML 1.1 reads a bare yes as True, which would silently store booleans as answers.
    path = tmp_path / "yes.yaml"
    path.write_text(
        "code: yn\nversion: 1\nname: {nl: a, fr: b, en: c}\nlicence: x\nsource: y\n"
        "scales:\n  - id: yn\n    options:\n"
        "      - {value: yes, label: {nl: Ja, fr: Oui, en: Yes}}\n"
        "      - {value: 'no', label: {nl: Nee, fr: Non, en: 'No'}}\n"
        "items:\n  - {id: q, type: choice, scale: yn, required: true,"
        " text: {nl: a, fr: b, en: c}}\n",
        encoding="utf-8",
    )
    _, _, problems = read(path)
    assert "scale yn: every option needs a whole-number or text value" in problems


def test_refuses_items_listed_by_anything_but_their_ids(definition):
    subscale(definition, "b")["items"] = [{"id": "i3"}]
    definition["scoring"]["reverse"] = [2]
    problems = validate(definition)
    assert "subscale b: items must be listed by their ids" in problems
    assert "scoring.reverse must be a list of item ids" in problems
