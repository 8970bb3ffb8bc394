import pytest

from ombud.businesses import uscc


def test_known_valid_code_passes():
    # A valid code built from a realistic body; the check character is computed per GB 32100.
    code = uscc.make("91310115MA1K4ABCD")
    assert uscc.validate(code.lower()) == code


@pytest.mark.parametrize("code", ["91350100M000100Y43", "91110000802100433B"])
def test_published_codes_validate(code):
    # Codes printed on real business licences pass the check.
    assert uscc.validate(code) == code


def test_wrong_check_character_names_the_expected_one():
    good = uscc.make("91310115MA1K4ABCD")
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    with pytest.raises(uscc.USCCError) as exc:
        uscc.validate(wrong)
    assert f"expects {good[17]!r}" in str(exc.value)


@pytest.mark.parametrize("code,fragment", [
    ("91310115MA1K4", "18 characters"),
    ("91310115MA1K4ABCI0", "character 17 ('I')"),
    ("9131011SMA1K4ABCD0", "character 8 ('S')"),
])
def test_malformed_codes_say_why(code, fragment):
    with pytest.raises(uscc.USCCError) as exc:
        uscc.validate(code)
    assert fragment in str(exc.value)
