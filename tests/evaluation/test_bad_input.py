"""Survey answers no question offers are refused with a message, never a server error, and
never stored (Trust, item 6). The survey needs no login: this is the open door."""

import pytest

from evaluation import selectors, survey

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("value", ["NaN", "nan", "-NaN", "sNaN", "Infinity", "-inf", "1e999999",
                                   "²", "1_0"])
def test_a_number_that_is_not_a_finite_number_in_range_is_refused(client, invited, value):
    invitation, path = invited
    response = client.post(path + "?page=1", {"situation": "full_time", "sector": "hospital",
                                              "contract_hours": value, "action": "next"})
    assert response.status_code == 400
    assert "Enter a number" in response.content.decode()
    assert not invitation.answers.filter(item="contract_hours").exists()


@pytest.mark.parametrize("value", ["Free\x00lance", "night\u202eshift", "\ufffd", "a\x1bb"])
def test_a_free_text_answer_with_characters_that_have_no_place_in_text_is_refused(client,
                                                                                   invited,
                                                                                   value):
    invitation, path = invited
    response = client.post(path + "?page=1", {"situation": "other", "situation_other": value,
                                              "sector": "hospital", "action": "next"})
    assert response.status_code == 400
    assert "This text contains characters that are not allowed." in response.content.decode()
    assert not invitation.answers.filter(item="situation_other").exists()


def test_a_free_text_answer_keeps_its_lines_and_is_stored_composed(invited):
    invitation, _ = invited
    employment = selectors.instruments(invitation)[0]
    problems = survey.save_page(invitation, instrument=employment, answers={
        "situation": "other", "sector": "hospital",
        "situation_other": "Cre\u0300che\nhalf days",
    })
    assert problems == {}
    assert invitation.answers.get(item="situation_other").value == "Cr\u00e8che\nhalf days"
