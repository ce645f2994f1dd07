"""Masking names of places out of claims: postal codes in capitals, and the same sentence masked the same way."""

import pytest

from claims.masking import mask, places


@pytest.mark.parametrize(
    "by_code, by_name",
    [
        ("In the state of NC, data is shared.", "In the state of Idaho, data is shared."),
        ("NC's agencies share data.", "Idaho's agencies share data."),
        ("TX law requires it.", "Ohio law requires it."),
        ("DATA IS SHARED IN NC.", "DATA IS SHARED IN NORTH CAROLINA."),
    ],
)
def test_a_state_named_by_its_code_masks_like_one_named_in_full(by_code, by_name):
    assert mask(by_code) == mask(by_name)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Bring a photo ID to the NC office.", {"NC"}),
        ("Applicants must show an ID card.", set()),
        ("HOW IS MY DATA SHARED IN OR OUT OF STATE?", set()),
        ("IS IT OK TO ASK ME?", set()),
        ("Write to the office in Boise, ID 83702.", {"ID"}),
        ("DATA IS SHARED IN NORTH CAROLINA OR IDAHO.", {"NC", "ID"}),
    ],
)
def test_postal_codes_that_are_also_words_are_states_only_in_an_address(text, expected):
    assert places(text) == frozenset(expected)
    assert ("‹place›" in mask(text)) == bool(expected)


def test_a_photo_id_is_kept_in_the_masked_text_so_it_is_not_a_sentence_about_idaho():
    assert mask("Bring a photo ID.") == "bring a photo id"
    assert mask("Bring a photo ID.") != mask("Bring a photo NC.")
