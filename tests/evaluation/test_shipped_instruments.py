"""The shipped files hold the published item keys and cut-offs, checked here one by one."""

from decimal import Decimal

import pytest

from botp.instruments import INSTRUMENTS_DIR, free_text_item_ids, read


def shipped(code):
    return read(INSTRUMENTS_DIR / f"{code}.yaml")[0]


def subscales(definition):
    return {s["id"]: s for s in definition["scoring"]["subscales"]}


def numbers(item_ids, prefix):
    return sorted(int(item_id.removeprefix(prefix)) for item_id in item_ids)


def band_table(subscale):
    return [(b["code"], Decimal(str(b["from"])), Decimal(str(b["to"])))
            for b in subscale["bands"]["ranges"]]


def test_dass21_key_and_severity_bands():
    dass = shipped("dass21")
    assert [item["id"] for item in dass["items"]] == [f"dass{n:02d}" for n in range(1, 22)]
    parts = subscales(dass)
    assert numbers(parts["depression"]["items"], "dass") == [3, 5, 10, 13, 16, 17, 21]
    assert numbers(parts["anxiety"]["items"], "dass") == [2, 4, 7, 9, 15, 19, 20]
    assert numbers(parts["stress"]["items"], "dass") == [1, 6, 8, 11, 12, 14, 18]
    assert {(s["method"], s["multiplier"]) for s in parts.values()} == {("sum", 2)}
    assert not dass["scoring"].get("reverse")
    assert [o["value"] for o in dass["scales"][0]["options"]] == [0, 1, 2, 3]
    codes = ["normal", "mild", "moderate", "severe", "extremely_severe"]
    edges = {
        "depression": [(0, 9), (10, 13), (14, 20), (21, 27), (28, 42)],
        "anxiety": [(0, 7), (8, 9), (10, 14), (15, 19), (20, 42)],
        "stress": [(0, 14), (15, 18), (19, 25), (26, 33), (34, 42)],
    }
    for name, expected in edges.items():
        assert band_table(parts[name]) == [
            (code, Decimal(low), Decimal(high)) for code, (low, high) in zip(codes, expected,
                                                                             strict=True)
        ]
    assert "public domain" in dass["licence"].lower()


def test_obi_key():
    obi = shipped("obi")
    assert [item["id"] for item in obi["items"]] == [f"obi{n:02d}" for n in range(1, 17)]
    parts = subscales(obi)
    assert numbers(parts["exhaustion"]["items"], "obi") == [2, 4, 5, 8, 10, 12, 14, 16]
    assert numbers(parts["disengagement"]["items"], "obi") == [1, 3, 6, 7, 9, 11, 13, 15]
    # Demerouti & Bakker's (R) items, the positively worded ones.
    assert numbers(obi["scoring"]["reverse"], "obi") == [1, 5, 7, 10, 13, 14, 15, 16]
    assert {s["method"] for s in parts.values()} == {"mean"}
    # Higher means more burnout only if "strongly agree" carries the highest value.
    options = {o["label"]["en"]: o["value"] for o in obi["scales"][0]["options"]}
    assert options == {"Strongly agree": 4, "Agree": 3, "Disagree": 2, "Strongly disagree": 1}
    assert all("bands" not in s for s in parts.values())


def test_bat23_structure_and_cut_offs():
    bat = shipped("bat")
    parts = subscales(bat)
    sizes = {name: numbers(s["items"], "bat") for name, s in parts.items()}
    assert sizes == {
        "total": list(range(1, 24)),
        "exhaustion": list(range(1, 9)),
        "mental_distance": list(range(9, 14)),
        "cognitive_impairment": list(range(14, 19)),
        "emotional_impairment": list(range(19, 24)),
    }
    assert {s["method"] for s in parts.values()} == {"mean"}
    assert [o["value"] for o in bat["scales"][0]["options"]] == [1, 2, 3, 4, 5]
    cut_offs = {  # at risk from, very high risk from
        "total": ("2.59", "3.02"),
        "exhaustion": ("3.06", "3.31"),
        "mental_distance": ("2.50", "3.17"),
        "cognitive_impairment": ("2.70", "3.10"),
        "emotional_impairment": ("2.10", "2.90"),
    }
    for name, (at_risk, very_high) in cut_offs.items():
        table = band_table(parts[name])
        assert [code for code, _, _ in table] == ["low", "at_risk", "very_high_risk"]
        assert (table[1][1], table[2][1]) == (Decimal(at_risk), Decimal(very_high)), name
    assert "non-commercial" in bat["licence"]
    assert "version 2.0" in bat["source"]


@pytest.mark.parametrize("code", ["dass21", "obi", "bat", "employment", "absence",
                                  "healthcare", "satisfaction"])
def test_every_text_item_is_marked_for_exports_to_drop(code):
    definition = shipped(code)
    text_items = [item["id"] for item in definition["items"] if item["type"] == "text"]
    assert free_text_item_ids(definition) == text_items


def test_the_programmes_sections_cover_the_evaluation_setup():
    employment = {item["id"] for item in shipped("employment")["items"]}
    assert {"situation", "hours_worked", "sector"} <= employment
    situations = {o["value"] for o in shipped("employment")["scales"][0]["options"]}
    assert {"full_time", "part_time", "sick_leave", "other"} <= situations

    absence = {item["id"]: item for item in shipped("absence")["items"]}
    assert (absence["absence_days"]["min"], absence["absence_days"]["max"]) == (0, 92)

    healthcare = {item["id"] for item in shipped("healthcare")["items"]}
    assert {"gp_visits", "psychologist_visits", "exam_blood", "med_antidepressants"} <= healthcare

    satisfaction = shipped("satisfaction")
    assert satisfaction["waves"] == ["post1"]
    asked = {item["id"] for item in satisfaction["items"]}
    assert {
        "sessions_number", "sessions_content", "sessions_choice_flexibility",
        "professionals_diversity", "multidisciplinary_approach", "location_proximity",
        "location_access", "btp_accessibility", "btp_flexibility", "btp_punctuality",
    } <= asked
    assert [o["value"] for o in satisfaction["scales"][0]["options"]] == [1, 2, 3, 4, 5]
