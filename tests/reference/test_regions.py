from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pycountry
import pytest

from exportpilot.config import get_settings
from exportpilot.reference.regions import (
    SHIPPED_REGIONS_FILE,
    RegionsFileError,
    read_regions_file,
    regions_file_path,
)


class TestShippedRegionsFile:
    def test_maps_all_17_provinces_to_the_5_poles_and_3_specials(self) -> None:
        data = read_regions_file(SHIPPED_REGIONS_FILE)
        kr = {s.code for s in pycountry.subdivisions.get(country_code="KR")}
        assert {p.code for p in data.provinces} == kr
        assert len(data.provinces) == 17
        kinds = Counter(r.kind for r in data.regions)
        assert kinds == {"pole": 5, "special": 3}
        assert {r.code for r in data.regions if r.kind == "special"} == {"gangwon", "jeonbuk", "jeju"}
        assert len(data.hqs) == 12
        assert {p.region for p in data.provinces} == {r.code for r in data.regions}
        assert {p.hq for p in data.provinces} == {h.code for h in data.hqs}
        assert sorted(r.sort_order for r in data.regions) == list(range(1, 9))

    @pytest.mark.parametrize(
        ("region", "provinces"),
        [
            ("capital", {"KR-11", "KR-28", "KR-41"}),
            ("southeast", {"KR-26", "KR-31", "KR-48"}),
            ("daegyeong", {"KR-27", "KR-47"}),
            ("central", {"KR-30", "KR-50", "KR-43", "KR-44"}),
            ("honam", {"KR-29", "KR-46"}),
            ("gangwon", {"KR-42"}),
            ("jeonbuk", {"KR-45"}),
            ("jeju", {"KR-49"}),
        ],
    )
    def test_region_membership(self, region: str, provinces: set[str]) -> None:
        data = read_regions_file(SHIPPED_REGIONS_FILE)
        assert {p.code for p in data.provinces if p.region == region} == provinces

    def test_special_self_governing_provinces_use_their_new_names(self) -> None:
        names = {p.code: p.name_ko for p in read_regions_file(SHIPPED_REGIONS_FILE).provinces}
        assert names["KR-42"] == "강원특별자치도"
        assert names["KR-45"] == "전북특별자치도"
        assert names["KR-49"] == "제주특별자치도"


@pytest.fixture
def fresh_settings() -> Iterator[None]:
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


class TestRegionsFileSetting:
    def test_default_is_the_shipped_file(self, monkeypatch: pytest.MonkeyPatch, fresh_settings: None) -> None:
        monkeypatch.delenv("EXPORTPILOT_REGIONS_FILE", raising=False)
        assert regions_file_path() == SHIPPED_REGIONS_FILE

    def test_environment_overrides_the_shipped_file(
        self, monkeypatch: pytest.MonkeyPatch, fresh_settings: None, regions_toml: Callable[..., Path]
    ) -> None:
        path = regions_toml(('name_en = "Capital Region"', 'name_en = "Seoul Capital Area"'))
        monkeypatch.setenv("EXPORTPILOT_REGIONS_FILE", str(path))
        assert regions_file_path() == path
        data = read_regions_file()
        assert data.regions[0].name_en == "Seoul Capital Area"

    def test_environment_pointing_at_a_bad_file_fails(
        self, monkeypatch: pytest.MonkeyPatch, fresh_settings: None, tmp_path: Path
    ) -> None:
        monkeypatch.setenv("EXPORTPILOT_REGIONS_FILE", str(tmp_path / "nope.toml"))
        with pytest.raises(RegionsFileError, match=r"nope\.toml: cannot be read"):
            read_regions_file()


class TestBadRegionsFile:
    @pytest.mark.parametrize(
        ("replacements", "message"),
        [
            (
                [('hq = "gyeongnam-jeju"', 'hq = "changwon"')],
                r"province KR-48 \(경상남도\): unknown hq 'changwon' \(known: busan, ",
            ),
            (
                [('region = "capital"', 'region = "sudogwon"')],
                r"province KR-11 \(서울특별시\): unknown region 'sudogwon' \(known: capital, ",
            ),
            (
                [('code = "KR-50"', 'code = "KR-99"')],
                r"province KR-99 \(세종특별자치시\): 'KR-99' is not an ISO 3166-2 subdivision of Korea"
                r".*provinces missing from the file: KR-50 \(Sejong\)",
            ),
            (
                [('code = "KR-50"', 'code = "KR-11"')],
                r"provinces: code 'KR-11' appears 2 times.*missing from the file: KR-50",
            ),
            (
                [('code = "busan"', 'code = "seoul"')],
                r"hqs: code 'seoul' appears 2 times.*province KR-26 \(부산광역시\): unknown hq 'busan'",
            ),
            (
                [('kind = "special"', 'kind = "island"')],
                r"regions\[5\] \(gangwon\)\.kind: Input should be 'pole' or 'special' \(got 'island'\)",
            ),
            (
                [('region = "capital"\nhq = "seoul"', 'region = "capital"')],
                r"provinces\[0\] \(KR-11\)\.hq: Field required",
            ),
            (
                [('city_ko = "서울"', 'city_ko = "서울"\nphone = "02-0000-0000"')],
                r"hqs\[0\] \(seoul\)\.phone: Extra inputs are not permitted",
            ),
            (
                [('code = "KR-11"', 'code = "Seoul"')],
                r"provinces\[0\] \(Seoul\)\.code: String should match pattern",
            ),
        ],
    )
    def test_message_names_the_bad_entry(
        self, regions_toml: Callable[..., Path], replacements: list[tuple[str, str]], message: str
    ) -> None:
        path = regions_toml(*replacements)
        with pytest.raises(RegionsFileError, match=message) as info:
            read_regions_file(path)
        assert str(path) in info.value.message

    def test_invalid_toml(self, regions_toml: Callable[..., Path]) -> None:
        path = regions_toml(text="[[regions]\ncode = ")
        with pytest.raises(RegionsFileError, match="not valid TOML"):
            read_regions_file(path)

    def test_empty_file(self, regions_toml: Callable[..., Path]) -> None:
        path = regions_toml(text="")
        with pytest.raises(RegionsFileError, match=r"regions: Field required; hqs: Field required"):
            read_regions_file(path)
