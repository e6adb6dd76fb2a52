"""Scores of every shipped instrument against examples worked out by hand."""

from decimal import Decimal

import pytest

from botp.instruments import INSTRUMENTS_DIR, read
from evaluation.scoring import score


def shipped(code):
    definition, _, problems = read(INSTRUMENTS_DIR / f"{code}.yaml")
    assert problems == []
    return definition


@pytest.fixture(scope="module")
def dass():
    return shipped("dass21")


@pytest.fixture(scope="module")
def obi():
    return shipped("obi")


@pytest.fixture(scope="module")
def bat():
    return shipped("bat")


DASS_ITEMS = {
    "depression": [3, 5, 10, 13, 16, 17, 21],
    "anxiety": [2, 4, 7, 9, 15, 19, 20],
    "stress": [1, 6, 8, 11, 12, 14, 18],
}
# Lovibond & Lovibond (1995) on the doubled DASS-21 score: the highest score of each band.
DASS_SEVERITY = {
    "depression": [(9, "normal"), (13, "mild"), (20, "moderate"), (27, "severe"),
                   (42, "extremely_severe")],
    "anxiety": [(7, "normal"), (9, "mild"), (14, "moderate"), (19, "severe"),
                (42, "extremely_severe")],
    "stress": [(14, "normal"), (18, "mild"), (25, "moderate"), (33, "severe"),
               (42, "extremely_severe")],
}


def dass_answers(**per_subscale):
    """Answers given per subscale, in that subscale's item order."""
    answers = {}
    for name, values in per_subscale.items():
        for number, value in zip(DASS_ITEMS[name], values, strict=False):
            answers[f"dass{number:02d}"] = value
    return answers


def test_dass_doubles_each_sum(dass):
    result = score(dass, dass_answers(
        depression=[0, 1, 2, 3, 0, 1, 2],  # 9 → 18
        anxiety=[1, 1, 1, 1, 1, 1, 1],     # 7 → 14
        stress=[1, 1, 1, 1, 1, 1, 1],      # 7 → 14
    ), language="en")
    assert result["depression"].score == Decimal(18)
    assert (result["depression"].band, result["depression"].band_label) == ("moderate",
                                                                           "Moderate")
    # The same 14 is the top of moderate anxiety but still normal stress.
    assert (result["anxiety"].score, result["anxiety"].band) == (14, "moderate")
    assert (result["stress"].score, result["stress"].band) == (14, "normal")
    assert all(r.answered == 7 and r.missing == 0 and r.complete for r in result.values())


@pytest.mark.parametrize("subscale", DASS_ITEMS)
def test_dass_bands_at_every_possible_sum(dass, subscale):
    # Every sum from 0 to 21, spread over the items; the band must be the published one.
    for total in range(22):
        values = [min(3, max(0, total - 3 * i)) for i in range(7)]
        result = score(dass, dass_answers(**{subscale: values}))[subscale]
        expected = next(band for top, band in DASS_SEVERITY[subscale] if 2 * total <= top)
        assert (result.score, result.band) == (2 * total, expected), total


@pytest.mark.parametrize(
    ("subscale", "values", "expected_score", "band"),
    [
        ("depression", [3, 3, 3, 3, 2, 0, 0], 28, "extremely_severe"),  # from of the top band
        ("anxiety", [1, 1, 1, 1, 0, 0, 0], 8, "mild"),                  # from of mild
        ("anxiety", [3, 3, 3, 1, 0, 0, 0], 20, "extremely_severe"),
        ("stress", [3, 3, 3, 3, 3, 2, 0], 34, "extremely_severe"),
        ("stress", [3, 3, 1, 0, 0, 0, 0], 14, "normal"),                 # to of normal
        ("stress", [3, 3, 2, 0, 0, 0, 0], 16, "mild"),
    ],
)
def test_dass_band_edges(dass, subscale, values, expected_score, band):
    result = score(dass, dass_answers(**{subscale: values}))[subscale]
    assert (result.score, result.band) == (expected_score, band)


def test_dass_prorates_one_missing_item(dass):
    answers = dass_answers(depression=[1, 1, 1, 1, 1, 1])  # dass21 left unanswered
    result = score(dass, answers, language="fr")["depression"]
    # 6 over 6 items stands for 6 × 7 / 6 = 7, doubled 14: moderate, where an unprorated
    # 12 would have read mild.
    assert (result.score, result.band, result.band_label) == (14, "moderate", "Modéré")
    assert (result.answered, result.missing, result.complete) == (6, 1, False)
    answers["dass17"] = 0
    # 5 × 7 / 6 = 5.833, doubled 11.67, rounded to 12.
    assert score(dass, answers)["depression"].score == 12


def test_dass_gives_no_score_beyond_one_missing_item(dass):
    answers = dass_answers(depression=[3, 3, 3, 3, 3])
    result = score(dass, answers)["depression"]
    assert (result.score, result.band, result.band_label) == (None, None, None)
    assert (result.answered, result.missing) == (5, 2)


def test_dass_without_any_answer(dass):
    result = score(dass, {})
    assert [r.score for r in result.values()] == [None, None, None]
    assert [r.missing for r in result.values()] == [7, 7, 7]


def test_an_answer_outside_the_scale_is_refused(dass):
    with pytest.raises(ValueError, match="dass01"):
        score(dass, {"dass01": 4})


def test_answers_posted_as_text_are_read(dass):
    result = score(dass, dass_answers(stress=["3", "3", "3", "3", "3", "3", " 3 "]))
    assert result["stress"].score == 42


def obi_answers(**values):
    return {f"obi{int(key[1:]):02d}": value for key, value in values.items()}


def test_obi_reverses_the_positively_worded_items(obi):
    # A burned-out respondent: strongly agree (4) with every negative statement, strongly
    # disagree (1) with every positive one. With the key, every item reads 4.
    positive = {1, 5, 7, 10, 13, 14, 15, 16}
    answers = {f"obi{n:02d}": 1 if n in positive else 4 for n in range(1, 17)}
    result = score(obi, answers)
    assert result["exhaustion"].score == Decimal("4.00")
    assert result["disengagement"].score == Decimal("4.00")
    engaged = score(obi, {item: 5 - value for item, value in answers.items()})
    assert engaged["exhaustion"].score == Decimal("1.00")


def test_obi_means_with_rounding_half_up(obi):
    answers = obi_answers(
        # exhaustion: 3, 2, (4→1), 3, (1→4), 2, (3→2), (2→3) = 20 / 8
        q2=3, q4=2, q5=4, q8=3, q10=1, q12=2, q14=3, q16=2,
        # disengagement: (2→3), 1, 2, (3→2), 4, 2, (1→4), (2→3) = 21 / 8 = 2.625
        q1=2, q3=1, q6=2, q7=3, q9=4, q11=2, q13=1, q15=2,
    )
    result = score(obi, answers)
    assert result["exhaustion"].score == Decimal("2.50")
    assert result["disengagement"].score == Decimal("2.63")  # half up, not half even
    # The OLBI has no clinical cut-offs: no band is ever given.
    assert result["exhaustion"].band is None and result["disengagement"].band is None


def test_obi_mean_of_the_answered_items_within_the_allowance(obi):
    answers = obi_answers(q2=3, q4=2, q5=4, q8=3, q10=1, q12=2, q14=3)  # q16 missing
    result = score(obi, answers)["exhaustion"]
    # 3 + 2 + 1 + 3 + 4 + 2 + 2 = 17 over 7 answered items = 2.4286
    assert (result.score, result.answered, result.missing) == (Decimal("2.43"), 7, 1)
    del answers["obi14"]
    assert score(obi, answers)["exhaustion"].score is None


BAT_SUBSCALES = {
    "exhaustion": range(1, 9),
    "mental_distance": range(9, 14),
    "cognitive_impairment": range(14, 19),
    "emotional_impairment": range(19, 24),
}


def bat_answers(**per_subscale):
    answers = {}
    for name, values in per_subscale.items():
        for number, value in zip(BAT_SUBSCALES[name], values, strict=False):
            answers[f"bat{number:02d}"] = value
    return answers


def test_bat_means_and_manual_cut_offs(bat):
    answers = bat_answers(
        exhaustion=[4, 4, 3, 3, 4, 2, 3, 4],    # 27 / 8 = 3.375 → 3.38
        mental_distance=[2, 3, 2, 2, 1],        # 10 / 5 = 2.00
        cognitive_impairment=[3, 3, 3, 3, 2],   # 14 / 5 = 2.80
        emotional_impairment=[2, 2, 3, 2, 2],   # 11 / 5 = 2.20
    )
    result = score(bat, answers, language="nl")
    got = {name: (r.score, r.band) for name, r in result.items()}
    assert got == {
        "total": (Decimal("2.70"), "at_risk"),  # 62 / 23 = 2.6957
        "exhaustion": (Decimal("3.38"), "very_high_risk"),
        "mental_distance": (Decimal("2.00"), "low"),
        "cognitive_impairment": (Decimal("2.80"), "at_risk"),
        "emotional_impairment": (Decimal("2.20"), "at_risk"),
    }
    assert result["total"].band_label == "Risico op burn-out"
    assert result["exhaustion"].band_label == "Zeer hoog risico op burn-out"


def test_bat_band_edges(bat):
    # Total over 22 answered items: 57 / 22 = 2.5909 → 2.59, the first at-risk score;
    # 56 / 22 = 2.5455 → 2.55 is still below it.
    values = [3] * 13 + [2] * 9
    answers = {f"bat{n:02d}": v for n, v in zip(range(1, 23), values, strict=True)}
    assert (score(bat, answers)["total"].score, score(bat, answers)["total"].band) == (
        Decimal("2.59"), "at_risk")
    answers["bat01"] = 2
    assert score(bat, answers)["total"].band == "low"
    # Mental distance over 4 of 5 items: 10 / 4 = 2.50, exactly where at risk starts.
    result = score(bat, bat_answers(mental_distance=[3, 3, 2, 2]))["mental_distance"]
    assert (result.score, result.band, result.missing) == (Decimal("2.50"), "at_risk", 1)
    # Emotional impairment 15 / 5 = 3.00: above 2.90, very high risk; 14 / 5 = 2.80 is not.
    emotional = score(bat, bat_answers(emotional_impairment=[3, 3, 3, 3, 3]))
    assert emotional["emotional_impairment"].band == "very_high_risk"
    emotional = score(bat, bat_answers(emotional_impairment=[3, 3, 3, 3, 2]))
    assert emotional["emotional_impairment"].band == "at_risk"


def test_bat_missing_answers(bat):
    answers = bat_answers(
        exhaustion=[2] * 8, mental_distance=[2, 2, 2], cognitive_impairment=[2] * 5,
        emotional_impairment=[2] * 5,
    )
    result = score(bat, answers)
    # Two of five mental-distance items missing: beyond the allowance of one.
    assert (result["mental_distance"].score, result["mental_distance"].missing) == (None, 2)
    # The total allows two missing items out of 23: 21 answered, mean 2.00.
    assert (result["total"].score, result["total"].missing) == (Decimal("2.00"), 2)
    del answers["bat01"]
    assert score(bat, answers)["total"].score is None


@pytest.mark.parametrize("code", ["employment", "absence", "healthcare", "satisfaction"])
def test_the_programmes_own_sections_are_not_scored(code):
    definition = shipped(code)
    assert "scoring" not in definition
    assert score(definition, {"anything": 1}) == {}


TINY = {
    "scales": [{"id": "binary", "options": [{"value": 0}, {"value": 1}]}],
    "items": [{"id": f"i{n}", "type": "choice", "scale": "binary"} for n in range(3)],
    "scoring": {
        "missing": {"max_missing": 0, "rule": "refuse"},
        "subscales": [{
            "id": "share", "method": "mean", "precision": 2, "items": ["i0", "i1", "i2"],
            "bands": {"ranges": [
                {"code": "under", "from": 0, "to": 0.66, "label": {"nl": "onder"}},
                {"code": "over", "from": 0.67, "to": 1, "label": {"nl": "boven"}},
            ]},
        }],
    },
}


def test_scores_are_rounded_before_banding():
    # 2 / 3 = 0.6667 lies below the band edge 0.67, but the score the band sees is 0.67.
    result = score(TINY, {"i0": 1, "i1": 1, "i2": 0}, language="fr")["share"]
    assert (result.score, result.band) == (Decimal("0.67"), "over")
    # No French label in this definition: the portal's default language stands in.
    assert result.band_label == "boven"


def test_refuse_gives_no_score_as_soon_as_one_answer_is_missing():
    result = score(TINY, {"i0": 1, "i1": 1})["share"]
    assert (result.score, result.answered, result.missing) == (None, 2, 1)
