"""The unified social credit code, against DOMAIN.md §6.3's vectors."""

import pytest
from django.core.exceptions import ValidationError

from applications.uscc import (
    WEIGHTS,
    normalise_uscc,
    organisation_code_check_char,
    uscc_check_char,
    uscc_warnings,
    validate_uscc,
)

pytestmark = pytest.mark.usefixtures("english")

VALID_VECTORS = [
    "91350100M000100Y43",
    "914403001922038216",
    "9144030071526726XG",
    "91330100716105852F",
    "91110000MA00000152",
    "91440300MA5F0000X1",
]

# code, error code, words the message must contain
INVALID_VECTORS = [
    ("91350100M000100Y44", "checksum", ["should be “3”", "is “4”"]),
    ("91350100I000100Y43", "charset", ["Character 9", "“I”"]),
    ("9135O100M000100Y43", "charset", ["Character 5", "“O”"]),
    ("91350100M0001TGQXM", "checksum", ["should be “1”", "is “M”"]),
]


def refusal(value, **kwargs):
    with pytest.raises(ValidationError) as caught:
        validate_uscc(value, **kwargs)
    return caught.value


@pytest.mark.parametrize("code", VALID_VECTORS)
def test_a_valid_vector_is_accepted_unchanged(code):
    assert validate_uscc(code) == code


@pytest.mark.parametrize(("code", "error_code", "words"), INVALID_VECTORS)
def test_an_invalid_vector_is_refused_with_a_message_naming_the_fault(code, error_code, words):
    error = refusal(code)

    assert error.code == error_code
    for word in words:
        assert word in error.messages[0]


def test_the_weights_are_those_of_the_standard():
    assert WEIGHTS == [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def test_the_worked_example_has_check_character_3():
    assert uscc_check_char("91350100M000100Y4") == "3"


def test_the_fujian_pilot_code_expects_check_character_1():
    assert uscc_check_char("91350100M0001TGQX") == "1"


def test_a_check_value_of_31_becomes_0():
    # Seventeen zeros sum to 0: (31 - 0) % 31 is 0, not 31.
    assert uscc_check_char("0" * 17) == "0"


def test_full_width_characters_are_made_half_width():
    assert validate_uscc("９１３５０１００Ｍ０００１００Ｙ４３") == "91350100M000100Y43"


def test_spaces_are_stripped():
    assert validate_uscc(" 9135 0100 M000 100Y 43 ") == "91350100M000100Y43"


def test_a_full_width_space_is_stripped():
    assert validate_uscc("91350100\u3000M000100Y43") == "91350100M000100Y43"


def test_lower_case_is_upper_cased():
    assert validate_uscc("91350100m000100y43") == "91350100M000100Y43"


def test_normalise_uscc_treats_none_as_empty():
    assert normalise_uscc(None) == ""


def test_a_short_code_is_refused_naming_its_length():
    error = refusal("91350100M000100Y4")

    assert error.code == "length"
    assert "18 characters; this one has 17" in error.messages[0]


def test_a_long_code_is_refused_naming_its_length():
    error = refusal("91350100M000100Y433")

    assert "this one has 19" in error.messages[0]


def test_an_empty_code_is_refused_naming_its_length():
    error = refusal("")

    assert "this one has 0" in error.messages[0]


@pytest.mark.parametrize("letter", ["I", "O", "Z", "S", "V"])
def test_each_excluded_letter_is_refused_with_its_position(letter):
    code = "91350100M000100Y4" + letter

    error = refusal(code)

    assert error.code == "charset"
    assert f"Character 18 (“{letter}”)" in error.messages[0]


def test_a_punctuation_mark_is_refused_with_its_position():
    error = refusal("91350100-000100Y43")

    assert "Character 9 (“-”)" in error.messages[0]


def test_an_allowed_letter_in_the_region_part_is_refused_naming_the_region():
    first17 = "9135A100M000100Y4"
    code = first17 + uscc_check_char(first17)

    error = refusal(code)

    assert error.code == "region"
    assert "region code" in error.messages[0]
    assert "“35A100”" in error.messages[0]


def test_the_fujian_pilot_code_is_accepted_when_a_bad_checksum_is_allowed():
    assert validate_uscc("91350100M0001TGQXM", allow_bad_checksum=True) == "91350100M0001TGQXM"


def test_allowing_a_bad_checksum_still_refuses_a_bad_character():
    error = refusal("91350100I000100Y43", allow_bad_checksum=True)

    assert error.code == "charset"


def test_allowing_a_bad_checksum_still_refuses_a_bad_length():
    error = refusal("91350100M0001TGQX", allow_bad_checksum=True)

    assert error.code == "length"


def test_an_enterprise_code_has_no_warnings():
    assert uscc_warnings("91350100M000100Y43") == []


def test_an_unknown_authority_and_type_is_a_warning_not_an_error():
    first17 = "A1350100M000100Y4"
    code = validate_uscc(first17 + uscc_check_char(first17))

    warnings = uscc_warnings(code)

    assert len(warnings) == 1
    assert "“A1”" in warnings[0]


def test_a_failing_inner_organisation_code_is_a_warning():
    first17 = "91350100M000100Y5"
    code = validate_uscc(first17 + uscc_check_char(first17))

    warnings = uscc_warnings(code)

    assert len(warnings) == 1
    assert "characters 9 to 17" in warnings[0]


def test_the_inner_organisation_code_check_of_the_worked_example():
    assert organisation_code_check_char("M000100Y") == "4"
