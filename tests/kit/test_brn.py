import pytest

from exportpilot.kit.brn import brn_check_digit, format_brn, is_valid_brn, normalize_brn


class TestBusinessRegistrationNumber:
    @pytest.mark.parametrize("brn", ["124-81-00998", "220-81-62517", "1248100998"])
    def test_valid_numbers_pass(self, brn: str) -> None:
        assert is_valid_brn(brn)

    @pytest.mark.parametrize(
        "brn", ["124-81-00997", "12481009", "12481009981", "abc-de-fghij", "", "124 81 0099x"]
    )
    def test_invalid_numbers_fail(self, brn: str) -> None:
        assert not is_valid_brn(brn)

    def test_every_last_digit_but_one_fails(self) -> None:
        first9 = "220816251"
        good = brn_check_digit(first9)
        assert [is_valid_brn(first9 + str(d)) for d in range(10)].count(True) == 1
        assert is_valid_brn(first9 + str(good))

    def test_format_and_normalize(self) -> None:
        assert normalize_brn(" 124-81-00998 ") == "1248100998"
        assert format_brn("1248100998") == "124-81-00998"
