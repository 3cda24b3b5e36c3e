from __future__ import annotations

import pytest

from exportpilot.demo.catalogue import INDUSTRY_CODES
from exportpilot.errors import InvalidInput
from exportpilot.reference.industries import get_industry, industry_label, list_industries


class TestIndustries:
    def test_codes_unique_and_labelled(self) -> None:
        codes = [i.code for i in list_industries()]
        assert len(codes) == len(set(codes)) >= 12
        assert all(i.name_ko and i.name_en for i in list_industries())

    def test_every_demo_industry_is_a_reference_industry(self) -> None:
        assert set(INDUSTRY_CODES) <= {i.code for i in list_industries()}

    @pytest.mark.parametrize("value", ["cosmetics", "COSMETICS", "화장품(K-뷰티)", "cosmetics (k-beauty)"])
    def test_lookup_by_code_or_label(self, value: str) -> None:
        assert get_industry(value).code == "cosmetics"

    def test_unknown_names_the_field(self) -> None:
        with pytest.raises(InvalidInput, match="toys") as exc:
            get_industry("toys", field="industry")
        assert exc.value.field == "industry"

    def test_labels(self) -> None:
        assert industry_label("machinery", "ko") == "일반기계"
        assert industry_label("machinery", "en") == "Machinery"
        assert industry_label("gone", "ko") == "gone"
