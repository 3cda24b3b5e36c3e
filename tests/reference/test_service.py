from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from exportpilot.errors import InvalidInput
from exportpilot.reference import service
from exportpilot.reference.service import (
    get_country,
    get_currency,
    get_hs_code,
    get_language,
    get_province,
    list_countries,
    list_hqs,
    list_provinces,
    list_regions,
    search_hs,
    short_name_ko,
)


class TestGetCountry:
    @pytest.mark.parametrize("code", ["VN", "vn", "VNM", "vnm", " Vnm ", "704"])
    def test_accepts_iso2_iso3_and_numeric_in_any_case(self, session: Session, code: str) -> None:
        assert get_country(session, code).iso3 == "VNM"

    @pytest.mark.parametrize("code", ["XXX", "XX", "999"])
    def test_unknown_code(self, session: Session, code: str) -> None:
        with pytest.raises(InvalidInput, match=rf"^country_code: unknown country code '{code}'$") as info:
            get_country(session, code)
        assert info.value.field == "country_code"
        assert info.value.status_code == 422

    @pytest.mark.parametrize("code", ["Vietnam", "V", "VN1", "KORE"])
    def test_malformed_code(self, session: Session, code: str) -> None:
        with pytest.raises(InvalidInput, match=rf"^buyer_country: '{code}' is not a country code"):
            get_country(session, code, field="buyer_country")

    @pytest.mark.parametrize("code", ["", "   ", None])
    def test_missing_code(self, session: Session, code: str | None) -> None:
        with pytest.raises(InvalidInput, match="^country_code: a country code is required$"):
            get_country(session, code)


class TestGetCurrencyAndLanguage:
    @pytest.mark.parametrize("code", ["USD", "usd", " Usd"])
    def test_currency(self, session: Session, code: str) -> None:
        assert get_currency(session, code).code == "USD"

    @pytest.mark.parametrize("code", ["XYZ", "US", "dollar"])
    def test_unknown_currency(self, session: Session, code: str) -> None:
        with pytest.raises(InvalidInput, match=rf"^price_currency: unknown currency code '{code}'") as info:
            get_currency(session, code, field="price_currency")
        assert info.value.field == "price_currency"

    @pytest.mark.parametrize("code", ["ko", "KO", " Ko "])
    def test_language(self, session: Session, code: str) -> None:
        assert get_language(session, code).name_ko == "한국어"

    @pytest.mark.parametrize("code", ["qq", "kor", "k"])
    def test_unknown_language(self, session: Session, code: str) -> None:
        with pytest.raises(InvalidInput, match=rf"^language: unknown language code '{code}'"):
            get_language(session, code)


class TestGetProvince:
    @pytest.mark.parametrize(
        "code",
        [
            "KR-11",
            "kr-11",
            "11",
            "서울특별시",
            "서울",
            "서울시",
            "Seoul",
            "SEOUL",
            "seoul special city",
            "Seoul-teukbyeolsi",
        ],
    )
    def test_seoul_spellings(self, session: Session, code: str) -> None:
        assert get_province(session, code).code == "KR-11"

    @pytest.mark.parametrize(
        ("name", "code"),
        [
            ("충청북도", "KR-43"),
            ("충북", "KR-43"),
            ("Chungcheongbuk-do", "KR-43"),
            ("경기도", "KR-41"),
            ("경기", "KR-41"),
            ("gyeonggi", "KR-41"),
            ("전북특별자치도", "KR-45"),
            ("전라북도", "KR-45"),  # the name before 2024
            ("전북", "KR-45"),
            ("Jeonbuk State", "KR-45"),
            ("Jeollabuk-do", "KR-45"),
            ("강원도", "KR-42"),
            ("Gangwon", "KR-42"),
            ("세종특별자치시", "KR-50"),
            ("세종", "KR-50"),
            ("제주", "KR-49"),
            ("jeju special self-governing province", "KR-49"),
            ("광주", "KR-29"),
            ("경남", "KR-48"),
        ],
    )
    def test_names(self, session: Session, name: str, code: str) -> None:
        assert get_province(session, name).code == code

    def test_every_province_is_found_by_each_of_its_names(self, session: Session) -> None:
        for province in list_provinces(session):
            for spelling in (
                province.code,
                province.name_ko,
                short_name_ko(province.name_ko),
                province.name_en,
            ):
                assert get_province(session, spelling).code == province.code, spelling

    def test_region_and_hq_come_with_the_province(self, session: Session) -> None:
        province = get_province(session, "경남")
        assert (province.region.name_ko, province.hq.name_ko) == ("동남권", "경남제주지역본부")

    @pytest.mark.parametrize("code", ["KR-99", "Tokyo", "경상도", "평양", "XX"])
    def test_unknown_province(self, session: Session, code: str) -> None:
        with pytest.raises(InvalidInput, match=rf"^province: unknown province '{code}'") as info:
            get_province(session, code, field="province")
        assert info.value.field == "province"

    def test_missing_province(self, session: Session) -> None:
        with pytest.raises(InvalidInput, match="^province_code: a province is required$"):
            get_province(session, " ")


class TestGetHSCode:
    @pytest.mark.parametrize("code", ["850440", "8504.40", "8504 40", " 8504-40 "])
    def test_subheading_in_any_notation(self, session: Session, code: str) -> None:
        line = get_hs_code(session, code)
        assert (line.code, line.level, line.parent) == ("850440", 6, "8504")

    def test_other_levels_when_allowed(self, session: Session) -> None:
        assert get_hs_code(session, "85", levels=(2, 4, 6)).level == 2
        assert get_hs_code(session, "85.04", levels=(4, 6)).level == 4

    @pytest.mark.parametrize("code", ["850499", "770100", "000000"])
    def test_not_in_the_nomenclature(self, session: Session, code: str) -> None:
        with pytest.raises(
            InvalidInput, match=rf"^hs_code: '{code}' is not in the HS 2022 nomenclature$"
        ) as e:
            get_hs_code(session, code)
        assert e.value.field == "hs_code"

    @pytest.mark.parametrize(
        ("code", "message"),
        [
            ("8504", r"^hs_code: '8504' is an HS heading \(4 digits\); a 6-digit subheading is required$"),
            ("85", r"^hs_code: '85' is an HS chapter \(2 digits\); a 6-digit subheading is required$"),
        ],
    )
    def test_wrong_level(self, session: Session, code: str, message: str) -> None:
        with pytest.raises(InvalidInput, match=message):
            get_hs_code(session, code)

    def test_wrong_level_lists_the_allowed_ones(self, session: Session) -> None:
        with pytest.raises(InvalidInput, match=r"a 2-digit chapter or 4-digit heading is required$"):
            get_hs_code(session, "850440", field="hs_interests", levels=(4, 2))

    @pytest.mark.parametrize(
        ("code", "message"),
        [
            ("85044", r"'85044' is not an HS code \(expected a 6-digit subheading\)"),
            ("8504409000", r"'8504409000' is not an HS code .*use its first 6 digits, '850440'"),
            ("TOTAL", r"'TOTAL' is not an HS code"),
            ("transformer", r"'transformer' is not an HS code"),
        ],
    )
    def test_malformed(self, session: Session, code: str, message: str) -> None:
        with pytest.raises(InvalidInput, match=message):
            get_hs_code(session, code)


class TestLists:
    def test_countries_sorted_by_name_in_each_language(self, session: Session) -> None:
        ko = list_countries(session, "ko")
        en = list_countries(session, "en")
        assert len(ko) == len(en) >= 249
        assert [c.name_ko for c in ko] == sorted(c.name_ko for c in ko)
        assert ko[0].name_ko.startswith("가")
        assert en[0].name_en == "Afghanistan"

    def test_countries_unknown_language(self, session: Session) -> None:
        with pytest.raises(InvalidInput, match="^lang: unsupported language 'fr'"):
            list_countries(session, "fr")  # type: ignore[arg-type]

    def test_provinces_in_code_order(self, session: Session) -> None:
        provinces = list_provinces(session)
        assert [p.code for p in provinces][:3] == ["KR-11", "KR-26", "KR-27"]
        assert len(provinces) == 17

    def test_regions_poles_first(self, session: Session) -> None:
        regions = list_regions(session)
        assert [r.code for r in regions] == [
            "capital",
            "southeast",
            "daegyeong",
            "central",
            "honam",
            "gangwon",
            "jeonbuk",
            "jeju",
        ]
        assert [r.kind for r in regions] == ["pole"] * 5 + ["special"] * 3

    def test_hqs_in_province_order(self, session: Session) -> None:
        hqs = list_hqs(session)
        assert len(hqs) == 12
        assert [h.code for h in hqs][:3] == ["seoul", "busan", "daegu-gyeongbuk"]
        assert hqs[-1].code == "gyeongnam-jeju"

    def test_provinces_of_region(self, session: Session) -> None:
        assert [p.code for p in service.provinces_of_region(session, "central")] == [
            "KR-30",
            "KR-43",
            "KR-44",
            "KR-50",
        ]

    def test_currencies_and_languages(self, session: Session) -> None:
        assert "KRW" in {c.code for c in service.list_currencies(session)}
        assert "ko" in {lang.code for lang in service.list_languages(session)}


class TestSearchHS:
    def test_by_code_prefix(self, session: Session) -> None:
        lines = search_hs(session, "8504.4")
        assert [h.code for h in lines] == ["850440"]

    def test_prefix_lists_heading_before_its_subheadings(self, session: Session) -> None:
        codes = [h.code for h in search_hs(session, "8504", limit=50)]
        assert codes[0] == "8504"
        assert all(c.startswith("8504") for c in codes)
        assert "850440" in codes

    def test_by_words_in_any_order_and_case(self, session: Session) -> None:
        lines = search_hs(session, "CONVERTERS static", limit=50)
        assert "850440" in {h.code for h in lines}
        assert all("static" in h.description.lower() for h in lines)

    def test_levels_filter(self, session: Session) -> None:
        lines = search_hs(session, "85", limit=200, levels=(4,))
        assert lines
        assert {h.level for h in lines} == {4}

    def test_limit(self, session: Session) -> None:
        assert len(search_hs(session, "01", limit=3)) == 3

    def test_like_wildcards_are_literal(self, session: Session) -> None:
        percent = search_hs(session, "% vol", limit=200)
        assert percent
        assert all("%" in h.description and "vol" in h.description.lower() for h in percent)
        assert search_hs(session, "_") == []

    def test_empty_query(self, session: Session) -> None:
        assert search_hs(session, "  ") == []
