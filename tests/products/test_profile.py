"""Product profile extraction on realistic Korean, English and mixed product texts.

Most texts are the demo catalogue's (src/exportpilot/demo/data/*.toml), as the generator writes them;
a few are written the way exporters write them on their own (units glued to numbers, full-width
symbols, spec sheets pasted in).
"""

from __future__ import annotations

import time

import pytest

from exportpilot.demo.catalogue import load_catalogue
from exportpilot.products.profile import (
    ProductProfile,
    Specification,
    canonical_certification,
    claim_score,
    english_keywords,
    extract_profile,
    find_certifications,
    find_intended_uses,
    find_materials,
    find_specifications,
    korean_keywords,
    material_label,
    sentences,
)


def spec(profile: ProductProfile, name: str) -> Specification:
    found = [s for s in profile.specifications if s.name == name]
    assert found, f"no specification {name!r} in {[s.name for s in profile.specifications]}"
    return found[0]


CNC_KO = (
    "금속 가공용 수평형 CNC 선반(척 10인치, 최대 가공경 450mm). 고강성 주물 베드와 서보 터렛으로 "
    "자동차·유압 부품의 정밀 가공에 적합합니다. 베트남·멕시코 현지 협력사를 통해 A/S를 제공합니다. "
    "에너지 소비를 기존 모델 대비 15% 줄였습니다."
)
CNC_EN = (
    "Horizontal CNC lathe for metal cutting (10-inch chuck, 450 mm max. turning diameter). Rigid cast bed "
    "and servo turret for precision machining of automotive and hydraulic parts. After-sales service "
    "through partners in Vietnam and Mexico. Uses 15 % less energy than the previous model."
)
CREAM_KO = (
    "저자극 병풀 추출물 진정 크림(50ml), 비건 인증. 마데카소사이드와 판테놀이 붉어진 민감 피부를 진정시키고 "
    "장벽을 강화합니다. 파라벤, 황산계 계면활성제, 미네랄 오일을 사용하지 않았습니다. "
    "CGMP(ISO 22716) 인증 공장에서 생산합니다."
)
CREAM_EN = (
    "Low-irritation centella asiatica soothing cream (50 ml), vegan certified. Madecassoside and panthenol "
    "calm redness and reinforce the skin barrier of sensitive skin. Free of parabens, sulfates and mineral "
    "oil. Made in a CGMP (ISO 22716) certified plant."
)
MLCC_KO = (
    "표면 실장형 적층 세라믹 콘덴서(0603, 1µF 25V). X7R 유전체로 온도 안정성이 높아 전원·산업용 회로에 "
    "쓰입니다. 샘플 리드타임은 2주, 양산 리드타임은 6주입니다."
)
MLCC_EN = (
    "Surface-mount multilayer ceramic capacitor (0603, 1 µF 25 V). X7R dielectric with good temperature "
    "stability for power and industrial circuits. Lead time: 2 weeks for samples, 6 weeks for mass "
    "production. Lead-free production compliant with RoHS and REACH."
)


class TestWholeProfile:
    def test_cnc_lathe_in_korean_and_english(self) -> None:
        p = extract_profile(
            name_ko="CNC 선반",
            name_en="CNC Lathe, 10-inch chuck",
            description_ko=CNC_KO,
            description_en=CNC_EN,
            specifications={"spindle speed": "4,500 rpm", "controller": "FANUC 0i-TF"},
            certifications=["CE", "iso9001"],
        )
        assert p.materials == ["cast iron"]
        assert p.certifications == ["CE", "ISO 9001"]
        speed = spec(p, "spindle speed")
        assert (speed.value, speed.unit, speed.quantity, speed.source) == (
            4500,
            "rpm",
            "speed",
            "specifications",
        )
        assert spec(p, "controller").text == "FANUC 0i-TF" and spec(p, "controller").value is None
        chuck = spec(p, "chuck size")
        assert (chuck.value, chuck.unit, chuck.base_value, chuck.base_unit) == (10, "in", 254.0, "mm")
        assert spec(p, "energy saving").value == 15 and spec(p, "energy saving").unit == "%"
        assert spec(p, "diameter").base_value == 450.0  # "최대 가공경 450mm", not the chuck size
        assert "금속 가공용" in p.intended_uses
        assert "자동차·유압 부품의 정밀 가공" in p.intended_uses
        assert "metal cutting" in p.intended_uses
        assert "Uses 15 % less energy than the previous model." in p.differentiators
        assert "에너지 소비를 기존 모델 대비 15% 줄였습니다." in p.differentiators
        assert "After-sales service through partners in Vietnam and Mexico." in p.differentiators
        # What the lathe is, is no claim: the first sentences stay out of the differentiators.
        assert not any(d.startswith("Horizontal CNC lathe") for d in p.differentiators)
        assert {"선반", "주물", "유압", "터렛"} <= set(p.keywords_ko)
        assert {"cnc lathe", "lathe", "chuck", "turret"} <= set(p.keywords_en)
        assert "the" not in p.keywords_en and "mm" not in p.keywords_en

    def test_cosmetic_cream(self) -> None:
        p = extract_profile(
            name_ko="병풀 진정 크림",
            name_en="Centella Soothing Cream",
            description_ko=CREAM_KO,
            description_en=CREAM_EN,
            specifications={"pH": "5.5", "centella extract": "30 %", "volume": "50 ml"},
            certifications=["CPNP", "FDA"],
        )
        assert p.certifications[:2] == ["CPNP", "FDA"]
        assert {"Vegan", "CGMP", "ISO 22716"} <= set(p.certifications)
        assert "GMP" not in p.certifications  # CGMP is not GMP
        volume = spec(p, "volume")
        assert (volume.value, volume.unit, volume.base_value, volume.source) == (
            50,
            "ml",
            50,
            "specifications",
        )
        # The description's "50 ml" is the same volume: not repeated.
        assert [s.base_value for s in p.specifications if s.quantity == "volume"] == [50.0]
        assert spec(p, "pH").value == 5.5
        assert spec(p, "centella extract").unit == "%"
        assert "Free of parabens, sulfates and mineral oil." in p.differentiators
        assert "파라벤, 황산계 계면활성제, 미네랄 오일을 사용하지 않았습니다." in p.differentiators
        assert {"병풀", "크림", "추출물", "파라벤"} <= set(p.keywords_ko)
        assert {"centella", "cream", "soothing cream"} <= set(p.keywords_en)
        assert p.materials == []

    def test_capacitor_mixed_units(self) -> None:
        p = extract_profile(
            name_ko="적층 세라믹 콘덴서(MLCC)", description_ko=MLCC_KO, description_en=MLCC_EN
        )
        assert p.materials == ["ceramic"]
        assert p.certifications == ["RoHS", "REACH"]
        cap = spec(p, "capacitance")
        assert (cap.value, cap.unit) == (1.0, "µF")
        assert spec(p, "voltage").value == 25
        lead = [s for s in p.specifications if s.name == "lead time"]
        assert sorted(s.value for s in lead) == [2.0, 6.0] and {s.unit for s in lead} == {"week"}
        assert "전원·산업용 회로" in p.intended_uses
        assert "power and industrial circuits" in p.intended_uses
        assert "x7r" in p.keywords_en and "mlcc" in p.keywords_en

    def test_exporters_own_words_korean(self) -> None:
        p = extract_profile(
            name_ko="진공 단열 텀블러",
            description_ko=(
                "당사 특허 기술로 만든 스테인리스 304 텀블러 500ml입니다. 이중 진공 단열로 보온 12시간, "
                "보냉 24시간 유지. BPA FREE, FDA·LFGB 시험 통과. 캠핑 및 사무실용으로 좋습니다. "
                "로고 인쇄 가능(MOQ 300개)."
            ),
        )
        assert p.materials == ["stainless steel"]
        assert p.certifications == ["FDA", "LFGB"]
        assert [(s.name, s.value, s.unit) for s in p.specifications] == [
            ("volume", 500, "ml"),
            ("heat retention", 12, "h"),
            ("cold retention", 24, "h"),
        ]
        assert p.intended_uses == ["캠핑 및 사무실용"]
        # A patent counts even in the sentence that says what the product is.
        assert p.differentiators[0].startswith("당사 특허 기술로")
        assert "BPA FREE, FDA·LFGB 시험 통과." in p.differentiators
        assert {"텀블러", "진공", "단열", "보온", "특허"} <= set(p.keywords_ko)

    def test_exporters_own_words_english_and_mixed(self) -> None:
        p = extract_profile(
            name_en="Power bank 20000",
            description_en=(
                "Portable power bank 20,000mAh with 65W USB-C PD. Charges a laptop in 2 hours. "
                "KC, CE, FCC certified. Aluminium shell, only 350 g. Ideal for travel and outdoor camping. "
                "2-year warranty."
            ),
        )
        assert p.materials == ["aluminium"] and p.certifications == ["KC", "CE", "FCC"]
        assert [(s.name, s.base_value, s.base_unit) for s in p.specifications] == [
            ("battery capacity", 20000, "mAh"),
            ("power", 65, "W"),
            ("charging time", 2, "h"),
            ("weight", 350, "g"),
            ("warranty", 17520, "h"),
        ]
        assert p.intended_uses == ["travel and outdoor camping"]
        assert (
            "2-year warranty." in p.differentiators
            and "Charges a laptop in 2 hours." not in p.differentiators
        )
        mixed = extract_profile(
            description_en="Hanwoo 한우 beef jerky 50g, HALAL certified, 무방부제. "
            "Great for snacks on the go. 냉장 보관 0~10℃."
        )
        assert mixed.certifications == ["HALAL"]
        assert mixed.keywords_ko[:2] == ["한우", "방부제"] and "jerky" in mixed.keywords_en
        temperature = [s for s in mixed.specifications if s.quantity == "temperature"][0]
        assert (temperature.value, temperature.value_max, temperature.unit) == (0, 10, "°C")
        assert mixed.intended_uses == ["snacks on the go"]

    @pytest.mark.parametrize(
        ("name", "industry"),
        [(i.code, i) for i in load_catalogue()],
        ids=[i.code for i in load_catalogue()],
    )
    def test_every_demo_template_gives_a_sensible_profile(self, name: str, industry) -> None:  # type: ignore[no-untyped-def]
        for t in industry.templates:
            variant = t.variants[0]
            p = extract_profile(
                name_ko=f"{t.name_ko}, {variant.ko}",
                name_en=f"{t.name_en}, {variant.en}",
                description_ko=t.description_ko.replace("{v}", variant.ko),
                description_en=t.description_en.replace("{v}", variant.en),
                specifications={**t.specs, **variant.specs},
                certifications=list(t.certifications),
            )
            assert p.keywords_ko and p.keywords_en, t.key
            assert set(t.certifications) <= {*p.certifications, *t.certifications}, t.key
            assert len(p.specifications) >= len({**t.specs, **variant.specs}), t.key
            for s in p.specifications:
                if s.unit is not None:
                    assert s.quantity is not None, (t.key, s)
            # A description of what the product is never counts as a claim by itself.
            assert all(len(d) > 5 for d in p.differentiators), t.key
        differentiators = [d.en for d in industry.differentiators]
        found = extract_profile(description_en="Our product. " + " ".join(differentiators)).differentiators
        assert len(found) >= 0.8 * len(differentiators), (name, set(differentiators) - set(found))
        korean = [d.ko for d in industry.differentiators]
        found_ko = extract_profile(description_ko="우리 제품입니다. " + " ".join(korean)).differentiators
        assert len(found_ko) >= 0.8 * len(korean), (name, set(korean) - set(found_ko))


class TestSpecifications:
    @pytest.mark.parametrize(
        ("text", "value", "unit", "quantity", "base"),
        [
            ("용량 500㎖", 500, "ml", "volume", 500),
            ("1.5L 페트병", 1.5, "l", "volume", 1500),
            ("무게 2.5kg", 2.5, "kg", "mass", 2500),
            ("중량 350 그램", 350, "g", "mass", 350),
            ("배터리 5,000mAh 내장", 5000, "mAh", "charge", 5000),
            ("출력 1.2kW 모터", 1.2, "kW", "power", 1200),
            ("220V 전용", 220, "V", "voltage", 220),
            ("길이 20센티미터", 20, "cm", "length", 200),
            ("Weight: 12 lbs", 12, "lb", "mass", 5443.104),
            ("a 750 mL bottle", 750, "ml", "volume", 750),
            ("ＦＵＬＬ　ｗｉｄｔｈ　３０ｍｍ", 30, "mm", "length", 30),
            ("밀도 85gsm 원단", 85, "g/m2", "areal density", 85),
            ("작동 온도 -20℃", -20, "°C", "temperature", -20),
            ("30개월입니다", 30, "month", "duration", 21900),
        ],
    )
    def test_numbers_with_units_are_normalised(
        self, text: str, value: float, unit: str, quantity: str, base: float
    ) -> None:
        (found,) = find_specifications(text)
        assert (found.value, found.unit, found.quantity) == (value, unit, quantity)
        assert found.base_value == pytest.approx(base)

    def test_ranges_dimensions_and_ratings(self) -> None:
        found = find_specifications("AC 100-240V input, 20 x 30 x 5 cm, IP67, SPF 50+ PA++++, ±0.5 °C")
        by_name = {s.name: s for s in found}
        volt = by_name["input voltage"]
        assert (volt.value, volt.value_max, volt.unit) == (100, 240, "V")
        dims = by_name["dimensions"]
        assert dims.dimensions == [20, 30, 5] and dims.unit == "cm"
        assert by_name["ingress protection"].text == "IP67"
        assert by_name["SPF"].value == 50 and by_name["PA"].text == "PA++++"
        assert by_name["temperature"].value == 0.5

    def test_named_from_the_words_around(self) -> None:
        found = find_specifications(
            "Shelf life of 24 months. 18-month warranty from shipment. Lasts 12 hours. "
            "Blade length 20 cm; 2 hours of scanning on battery."
        )
        assert [(s.name, s.value) for s in found] == [
            ("shelf life", 24),
            ("warranty", 18),
            ("lasting time", 12),
            ("blade length", 20),
            ("battery life", 2),
        ]

    def test_percent_named_by_what_follows_or_precedes(self) -> None:
        (en,) = find_specifications("essence with 96 % snail secretion filtrate")
        (ko,) = find_specifications("달팽이 점액 여과물 96% 함유")
        assert en.name == "snail secretion filtrate" and ko.name == "달팽이 점액 여과물"

    @pytest.mark.parametrize(
        "text",
        [
            "2024년 출시",  # a calendar year
            "refrigerant R-410A",  # a model name, not 410 amperes
            "3분의 1 가격",  # a third
            "5 in the box",  # "in" after a number is no inch
            "SUS304 X7R M20",  # codes
            "주요 3개국 수출",  # countries, not pieces
        ],
    )
    def test_things_that_are_no_specification(self, text: str) -> None:
        assert find_specifications(text) == []

    def test_structured_fields_come_first(self) -> None:
        p = extract_profile(
            description_en="Hydrogel mask (25 g essence).",
            specifications={
                "essence per sheet": "25 g",
                "size": "0603",
                "SPF": "50+",
                "rating": "12 VDC, 50 mA",
            },
        )
        assert spec(p, "essence per sheet").source == "specifications"
        assert [s.base_value for s in p.specifications if s.quantity == "mass"] == [25]
        assert spec(p, "size").value is None and spec(p, "size").text == "0603"
        assert spec(p, "SPF").value == 50
        ratings = [s for s in p.specifications if s.name == "rating"]
        assert sorted((s.unit, s.value) for s in ratings) == [("V", 12), ("mA", 50)]


class TestLexicons:
    def test_materials_in_both_languages_longest_first(self) -> None:
        assert find_materials(["스테인리스 주방용 칼", "SUS304 body, PP handle"]) == [
            "stainless steel",
            "polypropylene",
        ]
        assert find_materials(["Stainless steel and carbon steel blades"]) == [
            "stainless steel",
            "carbon steel",
        ]
        assert find_materials(["면 100% 티셔츠, 폴리에스터 안감"]) == ["cotton", "polyester"]
        assert material_label("stainless steel", "ko") == "스테인리스강"
        assert material_label("unobtainium", "ko") == "unobtainium"

    @pytest.mark.parametrize(
        "text",
        [
            "매운 볶음 라면",  # 면 of noodles is no cotton
            "징크옥사이드 기반 선크림 (zinc oxide)",  # an ingredient
            "스텐트 시술용 카테터",  # a stent
            "유리한 가격, 카페트 청소기",  # "advantageous", a carpet
            "울산 공장에서 생산",  # a city
            "ABS brake module",  # anti-lock brakes
        ],
    )
    def test_words_that_are_no_material(self, text: str) -> None:
        assert find_materials([text]) == []

    def test_certifications(self) -> None:
        text = (
            "KC 인증, CE and UL listed; ISO9001 and ISO 14001:2015 certified; HACCP 시설, 할랄 인증, Kosher; "
            "RoHS·REACH 준수; 식약처 허가; USDA Organic; OEKO-TEX Standard 100"
        )
        assert find_certifications([text]) == [
            "KC", "CE", "UL", "ISO 9001", "ISO 14001", "HACCP", "HALAL", "KOSHER", "RoHS", "REACH", "MFDS",
            "Organic", "OEKO-TEX",
        ]  # fmt: skip
        assert find_certifications(["We reach out to the ceo of each customer; vegan recipe"]) == []
        assert canonical_certification("iso 22000") == "ISO 22000"
        assert canonical_certification("할랄") == "HALAL"
        assert canonical_certification("JWL") == "JWL"

    def test_intended_uses(self) -> None:
        uses = find_intended_uses(
            [
                "민감 피부와 아이 피부에도 사용할 수 있습니다. 전기밥솥(10인용).",
                "Suitable for sensitive and children's skin. Long-term supply guaranteed for 10 years.",
            ]
        )
        assert uses == ["민감 피부와 아이 피부", "sensitive and children's skin"]

    def test_claims(self) -> None:
        assert claim_score("Cruelty-free: never tested on animals.") >= 3
        assert claim_score("특허받은 무첨가 공법") >= 6
        assert claim_score("Horizontal CNC lathe") == 0


class TestKeywordsAndText:
    def test_korean_compounds_and_english_singulars(self) -> None:
        ko = korean_keywords(["하이드로겔 마스크팩, 달팽이 점액 여과물"])
        assert {"하이드로겔", "마스크팩", "달팽이", "여과물"} <= set(ko)
        en = english_keywords(["Boxes of knives and sheets; the SMPS batteries"], names=["Chef Knives"])
        assert en[0] == "chef knife"
        assert {"box", "knife", "sheet", "smps", "battery"} <= set(en)
        assert "the" not in en and "of" not in en

    def test_sentences(self) -> None:
        assert sentences("첫 문장입니다. Second one! • bullet\n- dash line") == [
            "첫 문장입니다.",
            "Second one!",
            "bullet",
            "dash line",
        ]


class TestOddInput:
    @pytest.mark.parametrize(
        "text",
        ["", "   ", "😀😀😀", "\x00\x01\x02\xff" * 50, "مرحبا بالعالم منتج جيد", "1234567890"],
    )
    def test_never_raises_and_finds_nothing_much(self, text: str) -> None:
        p = extract_profile(name_en=text, description_en=text, description_ko=text)
        assert p.materials == [] and p.certifications == [] and p.differentiators == []

    @pytest.mark.parametrize(
        "kw",
        [
            {"description_en": "x" * 20_000, "description_ko": "가" * 20_000},
            {"description_en": "5 % " + "y" * 20_000},
            {"description_en": "for " * 5_000},
            {"description_en": "1 2 3 4 5 " * 2_000},
            {"description_en": "20 x 30 x " * 3_000 + "cm"},
            {"name_ko": "용" * 200, "description_ko": "용 " * 9_000},
        ],
        ids=["one-letter", "long-word-after-percent", "for-for", "numbers", "dimensions", "suffix"],
    )
    def test_pathological_texts_give_a_valid_profile(self, kw: dict[str, str]) -> None:
        started = time.perf_counter()
        p = extract_profile(**kw)
        assert time.perf_counter() - started < 10
        assert ProductProfile.model_validate(p.model_dump()) == p
        assert all(len(k) <= 40 for k in p.keywords_en + p.keywords_ko)

    def test_a_huge_pasted_data_sheet_is_read_in_time(self) -> None:
        sheet = (CNC_EN + " " + CNC_KO + " ") * 40  # about 20,000 characters
        started = time.perf_counter()
        p = extract_profile(description_en=sheet * 2)
        assert time.perf_counter() - started < 10
        assert p.materials == ["cast iron"]
        assert len(p.specifications) <= 60 and len(p.keywords_en) <= 20

    def test_profile_validates_edits(self) -> None:
        with pytest.raises(ValueError, match="at most"):
            ProductProfile(materials=["x" * 301])
        p = ProductProfile(materials=[" steel ", "Steel", "glass"])
        assert p.materials == ["steel", "glass"]
        assert ProductProfile().is_empty()
