"""Input checks, scripts, words and grouping keys of the HS classifier."""

from __future__ import annotations

import pytest

from exportpilot.products.hs_text import MAX_CHARS, check_text, group_key, script_group, word_tokens


class TestCheckText:
    @pytest.mark.parametrize(
        ("raw", "issue"),
        [
            ("", "empty text"),
            (None, "empty text"),
            (float("nan"), "empty text"),
            ("\x00\x01\x02\x03\x04\x05\x06 abc \x07\x08\x0e\x0f", "text looks like binary data"),
            ("\ufffd\ufffd\ufffd\ufffdPK\ufffd\ufffd", "text looks like binary data"),
            ("🙂🙂🙂 👍", "no words to classify (no letters)"),
            ("1234-5678 / 90", "no words to classify (no letters)"),
        ],
    )
    def test_unreadable_text(self, raw: object, issue: str) -> None:
        check = check_text(raw)
        assert (check.usable, check.issue, check.force_review, check.text) == (False, issue, True, "")

    @pytest.mark.parametrize(
        ("raw", "script"),
        [
            ("Frozen boneless beef", "latin"),
            ("냉동 소고기 (Frozen beef)", "korean"),
            ("Thịt bò đông lạnh", "latin"),
            ("carne de res congelada", "latin"),
            ("冷冻牛肉", "other"),
        ],
    )
    def test_supported_scripts_are_read_without_caution(self, raw: str, script: str) -> None:
        check = check_text(raw)
        assert check.usable and not check.force_review and check.issue is None
        assert check.script == script

    @pytest.mark.parametrize(
        ("raw", "script"), [("Мороженая говядина", "cyrillic"), ("لحم بقر مجمد", "arabic")]
    )
    def test_unsupported_script_is_read_but_flagged(self, raw: str, script: str) -> None:
        check = check_text(raw)
        assert check.usable and check.force_review and check.issue == f"unsupported script: {script}"

    def test_long_text_is_truncated(self) -> None:
        check = check_text("beef " * 5000)
        assert check.usable and len(check.text) == MAX_CHARS and "truncated" in (check.issue or "")

    def test_control_characters_and_spaces_are_cleaned(self) -> None:
        assert check_text("  Frozen\tbeef \x00 ribs\n").text == "Frozen beef ribs"


class TestWords:
    def test_latin_words_drop_digits_and_fold_plurals(self) -> None:
        assert word_tokens("VALVES; 2 pcs, Glass 15ml BOTTLES") == ["valve", "pcs", "glass", "ml", "bottle"]

    def test_korean_text_is_split_into_morphemes(self) -> None:
        words = word_tokens("자동탈봉기 내시경 유도 안내선(WIRE GUIDES)")
        assert {"내시경", "유도", "안내선", "wire", "guide"} <= set(words)

    def test_group_key_ignores_case_digits_and_punctuation(self) -> None:
        assert group_key("Beef ground; frozen 2kg") == group_key("BEEF GROUND FROZEN 5 KG")
        assert group_key("Beef ground") != group_key("Pork ground")
        assert group_key(" 1234 ") == "1234"

    def test_script_group(self) -> None:
        assert [script_group(t) for t in ("beef", "소고기 beef", "牛肉", "")] == [
            "latin",
            "korean",
            "other",
            "other",
        ]
