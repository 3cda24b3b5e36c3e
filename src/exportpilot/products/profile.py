"""Product profile: what a product is made of, its key specifications, certifications, intended use,
differentiators and keywords, extracted from the exporter's own words by rules and lexicons.

The profile is the structured view of a product that later steps reuse (content, matching): a buyer
asks for "stainless steel, 20 cm, FDA" and the profile says whether the product has it. Texts come in
Korean, English or both mixed; :func:`extract_profile` reads the names, the descriptions and the
optional structured fields (``specifications`` as ``{name: value}``, ``certifications`` as a list).

* **Materials** — a lexicon of about 70 materials with their English and Korean spellings and trade
  abbreviations (``SUS304`` → stainless steel), reported under one English name each.
* **Specifications** — numbers with units (``500ml``, ``100~240 V``, ``20 x 30 x 5 cm``, ``30개월``),
  units normalised (``㎖``, ``밀리리터``, ``mL`` → ``ml``) and converted to one base unit per quantity
  (length in mm, mass in g, volume in ml …) so that they can be compared; named from the words
  around them (``shelf life``, ``warranty``, ``battery life``) or from their quantity. Also SPF and
  PA ratings and IP codes.
* **Certifications** — a lexicon of certification marks and standards (KC, CE, FDA, HALAL, ISO 9001,
  HACCP, UL, RoHS, REACH, GMP, KOSHER, organic …, in English and Korean), plus any ``ISO nnnn``.
* **Intended use** — ``for …`` / ``suitable for …`` phrases in English; ``…용``, ``…에 적합``,
  ``…에 쓰입니다`` in Korean (found with the Kiwi morphological analyser).
* **Differentiators** — the sentences that claim something special (``free of``, ``patented``,
  ``15 % less``, ``특허``, ``무첨가``, ``실적`` …), scored by claim markers.
* **Keywords** — Korean nouns from Kiwi (compounds kept together: ``마스크팩``), English words from a
  simple tokenizer without stop words, singular, ranked by frequency and presence in the name.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

#: Characters of each text that are read; a longer pasted data sheet is cut here.
MAX_TEXT_CHARS = 20_000
#: At most this many entries per list of a profile (the rest is the least relevant).
MAX_ITEMS = 30
MAX_KEYWORDS = 20
#: Longer "words" (a pasted hash, a run of one letter) are no keywords.
MAX_WORD = 40

SpecSource = Literal["description", "specifications", "edited"]


# --------------------------------------------------------------------------- the profile


class Specification(BaseModel):
    """One key specification: a named value with its unit.

    Attributes
    ----------
    name : str
        What is measured (``"volume"``, ``"shelf life"``, ``"pH"``), from the text or the field name.
    value, value_max : float or None
        The number; a range (``100-240 V``) has both.
    dimensions : list of float or None
        The numbers of ``20 x 30 x 5 cm``.
    unit : str or None
        The normalised unit (``ml``, ``kg``, ``V``, ``mAh``, ``%``, ``month``).
    quantity : str or None
        ``length``, ``mass``, ``volume``, ``voltage``, ``power``, ``duration``, ``percent`` …
    base_value, base_unit : float or None, str or None
        The value in the quantity's base unit (mm, g, ml, W, V, A, mAh, Wh, Hz, kPa, h, °C), for
        comparing ``1.5 L`` with ``500 ml``.
    text : str
        The words it was read from.
    source : str
        ``description``, ``specifications`` (the product's structured fields) or ``edited``.
    """

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    name: str = Field(min_length=1, max_length=80)
    value: float | None = None
    value_max: float | None = None
    dimensions: list[float] | None = Field(None, max_length=4)
    unit: str | None = Field(None, max_length=20)
    quantity: str | None = Field(None, max_length=30)
    base_value: float | None = None
    base_unit: str | None = Field(None, max_length=10)
    text: str = Field("", max_length=200)
    source: SpecSource = "description"


class ProductProfile(BaseModel):
    """The structured profile of a product (see the module docstring for how each part is found)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    materials: list[str] = Field(default_factory=list, max_length=MAX_ITEMS)
    specifications: list[Specification] = Field(default_factory=list, max_length=MAX_ITEMS * 2)
    certifications: list[str] = Field(default_factory=list, max_length=MAX_ITEMS)
    intended_uses: list[str] = Field(default_factory=list, max_length=MAX_ITEMS)
    differentiators: list[str] = Field(default_factory=list, max_length=MAX_ITEMS)
    keywords_ko: list[str] = Field(default_factory=list, max_length=MAX_ITEMS * 2)
    keywords_en: list[str] = Field(default_factory=list, max_length=MAX_ITEMS * 2)

    @field_validator(
        "materials", "certifications", "intended_uses", "differentiators", "keywords_ko", "keywords_en"
    )
    @classmethod
    def _short_unique(cls, items: list[str]) -> list[str]:
        out: list[str] = []
        seen: set[str] = set()
        for item in items:
            item = " ".join(item.split())
            if not item:
                continue
            if len(item) > 300:
                raise ValueError("each entry is at most 300 characters")
            if item.casefold() not in seen:
                seen.add(item.casefold())
                out.append(item)
        return out

    def is_empty(self) -> bool:
        """True when nothing was found."""
        return not any(getattr(self, name) for name in type(self).model_fields)


# --------------------------------------------------------------------------- text helpers

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufffd]")
_HANGUL = re.compile(r"[\uac00-\ud7a3]")


def _clean(text: object) -> str:
    """NFKC (``㎖`` → ``ml``, full-width digits → ASCII), no control characters, at most MAX_TEXT_CHARS."""
    if not isinstance(text, str):
        return ""
    text = unicodedata.normalize("NFKC", text[: MAX_TEXT_CHARS * 2])
    text = _CONTROL.sub(" ", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Co", "Cs", "Cn"))
    return text[:MAX_TEXT_CHARS].strip()


_SENTENCE_END = re.compile(r"(?<=[.!?。])\s+|\n+|\s*[•▪●◆■]\s*|(?<=다\.)|\s+-\s+(?=[A-Z가-힣])")


def sentences(text: str) -> list[str]:
    """Split a description into sentences (and bullet points), stripped."""
    parts = _SENTENCE_END.split(text)
    return [p.strip(" -*·;") for p in parts if p and len(p.strip(" -*·;")) > 1]


def _kiwi_tokens(text: str) -> list[Any]:
    from exportpilot.products.hs_text import _get_kiwi  # one Kiwi per process, shared with the HS engine

    if not _HANGUL.search(text):
        return []
    return list(_get_kiwi().tokenize(text))


# --------------------------------------------------------------------------- materials


@dataclass(frozen=True)
class Material:
    """A material of the lexicon: its English name, its Korean name and the patterns that find it."""

    name: str
    ko: str
    pattern: re.Pattern[str]


def _material(name: str, ko: str, english: str, korean: str = "", flags: int = re.IGNORECASE) -> Material:
    alternatives = [rf"(?<![A-Za-z])(?:{english})(?![A-Za-z])"]
    if korean:
        alternatives.append(f"(?:{korean})")
    return Material(name, ko, re.compile("|".join(alternatives), flags))


# Longer, more specific names first: a match hides shorter ones it overlaps ("stainless steel" ⊃ "steel").
MATERIALS: tuple[Material, ...] = (
    _material(
        "stainless steel",
        "스테인리스강",
        r"stainless(?:[- ]steel)?|(?:SUS|STS|AISI)\s?-?\s?(?:30[1-4]L?|316L?|410|420J?2?|430|440[ABC]?)",
        r"스테인리스|스테인레스|스텐(?!트)|서스\s?304",
    ),
    _material("carbon steel", "탄소강", r"carbon steel", r"탄소강"),
    _material("alloy steel", "합금강", r"alloy steel", r"합금강"),
    _material("tool steel", "공구강", r"tool steel|high[- ]speed steel|HSS", r"공구강|고속도강"),
    _material("molybdenum steel", "몰리브덴강", r"molybdenum(?:[- ]vanadium)? steel", r"몰리브덴강"),
    _material("galvanized steel", "아연도금강판", r"galvani[sz]ed steel", r"아연도금\s?강판|아연도\s?강판"),
    _material("cast iron", "주철", r"cast iron|cast-iron", r"주철|주물"),
    _material("steel", "강철", r"steel", r"강철|철강|강판|철재"),
    _material("aluminium", "알루미늄", r"alumin(?:i)?um|AL6061|AL7075|A6061|A5052", r"알루미늄|두랄루민"),
    _material("copper", "구리", r"copper", r"구리|동판"),
    _material("brass", "황동", r"brass", r"황동"),
    _material("bronze", "청동", r"bronze", r"청동"),
    _material("titanium", "티타늄", r"titanium", r"티타늄|티탄"),
    _material("nickel", "니켈", r"nickel", r"니켈"),
    _material(
        "tungsten carbide",
        "초경합금",
        r"tungsten carbide|cemented carbide",
        r"초경\s?(?:합금|인서트|엔드밀|팁|공구)",
    ),
    _material("zinc alloy", "아연합금", r"zinc alloy|zamak", r"아연\s?합금|아연\s?다이캐스팅"),
    _material("magnesium", "마그네슘", r"magnesium alloy", r"마그네슘\s?합금"),
    _material("gold", "금", r"gold(?:-plated)?", r"금도금|순금"),
    _material("silver", "은", r"sterling silver|silver(?:-plated)?", r"은도금|순은"),
    _material("carbon fibre", "탄소섬유", r"carbon[- ]fib(?:re|er)|CFRP", r"탄소\s?섬유|카본\s?파이버"),
    _material("glass fibre", "유리섬유", r"glass[- ]fib(?:re|er)|fib(?:re|er)glass|GFRP", r"유리\s?섬유"),
    _material("tempered glass", "강화유리", r"tempered glass", r"강화\s?유리"),
    _material("glass", "유리", r"glass", r"유리(?![한하])"),
    _material("ceramic", "세라믹", r"ceramics?|porcelain|stoneware", r"세라믹|도자기|자기질|도기"),
    _material("polypropylene", "폴리프로필렌", r"polypropylene|PP", r"폴리프로필렌"),
    _material("polyethylene", "폴리에틸렌", r"polyethylene|HDPE|LDPE|LLDPE|PE", r"폴리에틸렌"),
    _material("PET", "PET", r"PET(?= |-|$|\b)|polyethylene terephthalate", r"(?<!카)페트"),
    _material("PVC", "PVC", r"PVC|polyvinyl chloride", r"폴리염화비닐"),
    _material("ABS resin", "ABS 수지", r"ABS(?= (?:resin|plastic|housing|body))", r"ABS\s?수지"),
    _material("polycarbonate", "폴리카보네이트", r"polycarbonate", r"폴리카보네이트"),
    _material("acrylic", "아크릴", r"acrylic|PMMA", r"아크릴"),
    _material("nylon", "나일론", r"nylon|polyamide|PA\s?66?", r"나일론|폴리아미드"),
    _material(
        "recycled polyester", "재활용 폴리에스터", r"recycled polyester|rPET", r"재활용\s?폴리에스(?:터|테르)"
    ),
    _material("polyester", "폴리에스터", r"polyester", r"폴리에스(?:터|테르)"),
    _material("polyurethane", "폴리우레탄", r"polyurethane|PU|TPU", r"폴리우레탄|우레탄"),
    _material("spandex", "스판덱스", r"spandex|elastane|lycra", r"스판덱스|스판"),
    _material("rayon", "레이온", r"rayon|viscose|modal|lyocell|tencel", r"레이온|비스코스|모달|텐셀"),
    _material("microfibre", "극세사", r"microfib(?:re|er)", r"극세사"),
    _material("silicone", "실리콘", r"silicone", r"실리콘"),
    _material("EPDM rubber", "EPDM 고무", r"EPDM", r"EPDM"),
    _material("NBR rubber", "NBR 고무", r"NBR", r"NBR"),
    _material("rubber", "고무", r"rubber", r"고무"),
    _material("EVA", "EVA", r"EVA(?= |-|$)|ethylene[- ]vinyl acetate", r""),
    _material("neoprene", "네오프렌", r"neoprene", r"네오프렌"),
    _material("leather", "가죽", r"(?:genuine |cow|sheep)?leather", r"가죽|소가죽|천연가죽"),
    _material("cotton", "면", r"cotton", r"코튼|순면|면\s?100\s?%|면사|면직물|면\s?소재|오가닉\s?면"),
    _material("wool", "양모", r"wool|merino|cashmere", r"양모|울\s?100\s?%|메리노|캐시미어"),
    _material("silk", "실크", r"silk", r"실크|견직물|명주"),
    _material("linen", "린넨", r"linen", r"린넨|리넨|마직물"),
    _material("hemp", "대마", r"hemp", r"대마\s?섬유|헴프"),
    _material("bamboo", "대나무", r"bamboo", r"대나무|뱀부"),
    _material("hanji paper", "한지", r"hanji|mulberry paper", r"한지"),
    _material("paper", "종이", r"paper(?:board)?|cardboard|kraft", r"종이|골판지|판지|크라프트지"),
    _material(
        "wood", "목재", r"wood(?:en)?|oak|walnut|birch|pine|plywood|MDF", r"목재|원목|나무|합판|오크|월넛"
    ),
    _material("stone", "석재", r"granite|marble|natural stone|basalt", r"석재|화강암|대리석|현무암"),
    _material("hydrogel", "하이드로겔", r"hydrogel", r"하이드로겔"),
    _material("graphite", "흑연", r"graphite|graphene", r"흑연|그래핀"),
    _material("foam", "폼", r"memory foam|PU foam|EVA foam", r"메모리폼"),
    _material("goose down", "구스다운", r"goose down|duck down", r"구스\s?다운|덕\s?다운"),
)

# Where a material word is about something else: "zinc oxide" is an ingredient, "glass" in "glasses".
_MATERIAL_EXCLUDE = re.compile(
    r"zinc oxide|징크옥사이드|steel blue|silver lining|glass(?:es)? of|pine ?nut|잣", re.IGNORECASE
)


def _spans(pattern: re.Pattern[str], text: str) -> Iterable[tuple[int, int]]:
    for m in pattern.finditer(text):
        if m.end() > m.start():
            yield m.start(), m.end()


def find_materials(texts: Sequence[str]) -> list[str]:
    """Return the materials of the lexicon that ``texts`` mention, in order of first mention."""
    found: list[tuple[int, int, str]] = []
    for t_index, raw in enumerate(texts):
        text = _clean(raw)
        excluded = [(m.start(), m.end()) for m in _MATERIAL_EXCLUDE.finditer(text)]
        taken: list[tuple[int, int]] = []
        for material in MATERIALS:
            for start, end in _spans(material.pattern, text):
                if any(s < end and start < e for s, e in excluded + taken):
                    continue
                taken.append((start, end))
                found.append((t_index, start, material.name))
    found.sort()
    out: list[str] = []
    for _, _, name in found:
        if name not in out:
            out.append(name)
    return out[:MAX_ITEMS]


def material_label(name: str, lang: str) -> str:
    """The Korean or English name of a lexicon material (other names are returned as they are)."""
    if lang == "ko":
        for material in MATERIALS:
            if material.name == name:
                return material.ko
    return name


# --------------------------------------------------------------------------- certifications


def _cert(name: str, pattern: str, flags: int = 0) -> tuple[str, re.Pattern[str]]:
    return name, re.compile(pattern, flags)


_B = r"(?<![A-Za-z0-9])"  # no letter or digit before
_E = r"(?![A-Za-z0-9])"  # nor after
CERTIFICATIONS: tuple[tuple[str, re.Pattern[str]], ...] = (
    _cert("KC", rf"{_B}KC{_E}|케이씨\s?인증|KC\s?마크"),
    _cert("CE", rf"{_B}CE{_E}(?!\s?MDR)|CE\s?마킹"),
    _cert("FDA", rf"{_B}(?:US\s)?FDA{_E}|미국\s?식품의약국"),
    _cert("HALAL", rf"{_B}halal{_E}|할랄", re.IGNORECASE),
    _cert("KOSHER", rf"{_B}kosher{_E}|코셔", re.IGNORECASE),
    _cert("HACCP", rf"{_B}HACCP{_E}|해썹|식품안전관리인증"),
    _cert("FSSC 22000", rf"{_B}FSSC\s?22000{_E}"),
    _cert("IATF 16949", rf"{_B}(?:IATF|ISO/TS)\s?16949{_E}"),
    _cert("UL", rf"{_B}c?UL{_E}(?:\s?(?:listed|certified|인증))?"),
    _cert("RoHS", rf"{_B}RoHS{_E}", re.IGNORECASE),
    _cert("REACH", rf"{_B}REACH{_E}"),
    _cert("CGMP", rf"{_B}[Cc]GMP{_E}"),
    _cert("GMP", rf"{_B}(?:K-?)?GMP{_E}|우수\s?제조\s?기준"),
    _cert(
        "Organic",
        rf"(?:{_B}(?:USDA|EU|JAS|NOP|COSMOS)\s?organic{_E}|{_B}certified organic{_E}|"
        rf"{_B}organic[- ]certified{_E}|{_B}organic certification{_E}|유기농\s?인증|"
        r"유기\s?가공식품\s?인증|유기농산물\s?인증)",
        re.IGNORECASE,
    ),
    _cert(
        "Vegan",
        rf"{_B}vegan[- ](?:certified|certification|society){_E}|{_B}certified vegan{_E}|"
        r"비건\s?인증|이브\s?비건",
        re.IGNORECASE,
    ),
    _cert("CPNP", rf"{_B}CPNP{_E}"),
    _cert("MFDS", rf"{_B}MFDS{_E}|식약처|식품의약품안전처"),
    _cert("KS", rf"{_B}KS\s?(?:마크|인증|certified|mark)|{_B}KS\s?[A-Z]\s?\d{{4}}"),
    _cert("FCC", rf"{_B}FCC{_E}"),
    _cert("CCC", rf"{_B}CCC{_E}"),
    _cert("PSE", rf"{_B}PSE{_E}"),
    _cert("EAC", rf"{_B}EAC{_E}"),
    _cert("SASO", rf"{_B}SASO{_E}"),
    _cert("NSF", rf"{_B}NSF{_E}"),
    _cert("LFGB", rf"{_B}LFGB{_E}"),
    _cert("TÜV", rf"{_B}T[ÜU]V{_E}", re.IGNORECASE),
    _cert("Energy Star", rf"{_B}energy star{_E}", re.IGNORECASE),
    _cert("OEKO-TEX", rf"{_B}OEKO[- ]?TEX{_E}|오코텍스", re.IGNORECASE),
    _cert("GOTS", rf"{_B}GOTS{_E}"),
    _cert("GRS", rf"{_B}GRS{_E}"),
    _cert("FSC", rf"{_B}FSC{_E}"),
    _cert("BRCGS", rf"{_B}BRC(?:GS)?{_E}"),
    _cert("GLOBALG.A.P.", rf"{_B}GLOBAL\s?G\.?A\.?P\.?|우수농산물\s?인증|{_B}GAP\s?인증", re.IGNORECASE),
    _cert("MSC", rf"{_B}MSC{_E}"),
    _cert("ASC", rf"{_B}ASC{_E}"),
    _cert("IECEx", rf"{_B}IECEx{_E}|{_B}ATEX{_E}"),
)
_ISO = re.compile(rf"{_B}(?:KS\s?Q\s?)?ISO[\s/-]?(\d{{4,5}})(?:[-:]\d{{1,4}})*{_E}", re.IGNORECASE)

# How a certification written in a product's structured field is spelled canonically.
_CERT_ALIASES = {name.casefold(): name for name, _ in CERTIFICATIONS} | {
    "haccp 인증": "HACCP",
    "할랄": "HALAL",
    "코셔": "KOSHER",
    "usda organic": "Organic",
    "organic": "Organic",
    "유기농": "Organic",
    "vegan": "Vegan",
    "비건": "Vegan",
    "kc인증": "KC",
    "kc 인증": "KC",
    "ce marking": "CE",
    "oeko-tex standard 100": "OEKO-TEX",
}


def canonical_certification(name: str) -> str:
    """The canonical spelling of a certification (``"iso9001"`` → ``"ISO 9001"``; unknown ones unchanged)."""
    cleaned = " ".join(_clean(name).split())
    iso = _ISO.fullmatch(cleaned)
    if iso:
        return f"ISO {iso.group(1)}"
    return _CERT_ALIASES.get(cleaned.casefold(), cleaned)


def find_certifications(texts: Sequence[str]) -> list[str]:
    """Return the certifications ``texts`` mention, in order of first mention."""
    found: list[tuple[int, int, str]] = []
    for t_index, raw in enumerate(texts):
        text = _clean(raw)
        for name, pattern in CERTIFICATIONS:
            m = pattern.search(text)
            if m:
                found.append((t_index, m.start(), name))
        for m in _ISO.finditer(text):
            found.append((t_index, m.start(), f"ISO {m.group(1)}"))
    found.sort()
    out: list[str] = []
    for _, _, name in found:
        if name not in out:
            out.append(name)
    return out[:MAX_ITEMS]


# --------------------------------------------------------------------------- specifications


@dataclass(frozen=True)
class Unit:
    """A unit: its normalised symbol, the quantity it measures and its factor to the base unit."""

    symbol: str
    quantity: str
    factor: float | None  # None: no linear conversion (°F)


BASE_UNITS = {
    "length": "mm", "mass": "g", "volume": "ml", "area": "m2", "voltage": "V", "current": "A",
    "power": "W", "energy": "Wh", "charge": "mAh", "frequency": "Hz", "pressure": "kPa",
    "duration": "h", "temperature": "°C", "percent": "%", "data": "GB", "capacitance": "µF",
    "resistance": "Ω", "count": "pcs", "areal density": "g/m2", "concentration": "ppm",
    "sound level": "dB", "speed": "rpm", "luminous flux": "lm", "food energy": "kcal",
}  # fmt: skip

# spelling (as a regex) → unit. Matched after a number; longer spellings are tried first.
_UNIT_SPELLINGS: dict[str, Unit] = {}


def _units(symbol: str, quantity: str, factor: float | None, *spellings: str, bare: bool = True) -> None:
    """Register a unit; ``bare=False`` when its symbol alone is too ambiguous to read ("in", "t")."""
    unit = Unit(symbol, quantity, factor)
    for spelling in ((symbol,) if bare else ()) + spellings:
        _UNIT_SPELLINGS[spelling] = unit


_units("µm", "length", 0.001, "μm", "um", "micron", "microns", "마이크로미터", "미크론")
_units("nm", "length", 1e-6, "나노미터")
_units("mm", "length", 1.0, "millimet(?:er|re)s?", "밀리미터", "미리")
_units("cm", "length", 10.0, "centimet(?:er|re)s?", "센티미터", "센티", "센치")
_units("km", "length", 1e6, "kilomet(?:er|re)s?", "킬로미터")
_units("m", "length", 1000.0, "met(?:er|re)s?", "미터")
_units("in", "length", 25.4, "inch(?:es)?", '"', "인치", bare=False)
_units("ft", "length", 304.8, "feet", "foot", "피트")
_units("mg", "mass", 0.001, "milligrams?", "밀리그램")
_units("kg", "mass", 1000.0, "kilograms?", "kgs", "킬로그램", "킬로")
_units("g", "mass", 1.0, "grams?", "gr", "그램")
_units("t", "mass", 1e6, "tons?", "tonnes?", "MT", "톤", bare=False)
_units("lb", "mass", 453.592, "lbs", "pounds?", "파운드")
_units("oz", "mass", 28.3495, "ounces?", "온스")
_units("ml", "volume", 1.0, "mL", "ML", "millilit(?:er|re)s?", "밀리리터", "미리리터", "cc", "CC", "시시")
_units("cl", "volume", 10.0, "centilit(?:er|re)s?")
_units("l", "volume", 1000.0, "L", "lit(?:er|re)s?", "ltr", "리터")
_units("fl oz", "volume", 29.5735, "fl\\.? ?oz")
_units("gal", "volume", 3785.41, "gallons?", "갤런")
_units("m2", "area", 1.0, "sq\\.? ?m", "square met(?:er|re)s?", "제곱미터")
_units("m3", "volume", 1e6, "cbm", "CBM", "cubic met(?:er|re)s?", "세제곱미터")
_units("kV", "voltage", 1000.0, "킬로볼트")
_units("mV", "voltage", 0.001)
_units("V", "voltage", 1.0, "VAC", "VDC", "volts?", "볼트")
_units("mA", "current", 0.001, "밀리암페어")
_units("A", "current", 1.0, "amps?", "amperes?", "암페어")
_units("kW", "power", 1000.0, "kilowatts?", "킬로와트")
_units("mW", "power", 0.001)
_units("W", "power", 1.0, "watts?", "와트")
_units("kWh", "energy", 1000.0, "킬로와트시")
_units("Wh", "energy", 1.0, "와트시")
_units("mAh", "charge", 1.0, "mah", "MAH", "밀리암페어시")
_units("Ah", "charge", 1000.0, "AH")
_units("GHz", "frequency", 1e9, "기가헤르츠")
_units("MHz", "frequency", 1e6, "메가헤르츠")
_units("kHz", "frequency", 1e3, "킬로헤르츠")
_units("Hz", "frequency", 1.0, "hz", "헤르츠")
_units("MPa", "pressure", 1000.0, "메가파스칼")
_units("kPa", "pressure", 1.0, "킬로파스칼")
_units("bar", "pressure", 100.0)
_units("psi", "pressure", 6.89476, "PSI")
_units("°C", "temperature", 1.0, "° ?C", "℃", "degrees? C(?:elsius)?", "도씨", "섭씨 ?도")
_units("°F", "temperature", None, "° ?F", "degrees? F(?:ahrenheit)?")
_units("%", "percent", 1.0, "퍼센트")
_units("ppm", "concentration", 1.0, "PPM")
_units("dB", "sound level", 1.0, "db", "데시벨")
_units("rpm", "speed", 1.0, "RPM", "r/min")
_units("lm", "luminous flux", 1.0, "lumens?", "루멘")
_units("TB", "data", 1000.0, "테라바이트")
_units("GB", "data", 1.0, "기가바이트", "기가")
_units("MB", "data", 0.001, "메가바이트")
_units("µF", "capacitance", 1.0, "uF", "μF", "마이크로패럿")
_units("nF", "capacitance", 0.001)
_units("pF", "capacitance", 1e-6)
_units("kΩ", "resistance", 1000.0, "kohm", "kΩ")
_units("MΩ", "resistance", 1e6, "Mohm")
_units("Ω", "resistance", 1.0, "ohms?", "Ω", "옴")
_units("g/m2", "areal density", 1.0, "gsm", "GSM", "g/m²")
_units("kcal", "food energy", 1.0, "Kcal", "킬로칼로리")
_units("s", "duration", 1 / 3600, "sec", "secs", "seconds?", "초")
_units("min", "duration", 1 / 60, "mins", "minutes?", "분")
_units("h", "duration", 1.0, "hrs?", "hours?", "시간")
_units("day", "duration", 24.0, "days", "(?:business|working) days?", "일", "영업일")
_units("week", "duration", 168.0, "weeks?", "wks?", "주")
_units("month", "duration", 730.0, "months?", "mos?", "개월")
_units("year", "duration", 8760.0, "years?", "yrs?", "년")
_units(
    "pcs", "count", 1.0, "pieces?", "pc", "ea", "EA", "sheets?", "units", "매입", "매", "개입", "개들이", "입"
)

# Latin spellings must not run on into a longer word ("5 min" is not "5 m"; "3 in the box" is no inch);
# Korean ones may be followed by a particle ("30개월입니다").
_LATIN_UNIT_END = r"(?![A-Za-z0-9µμΩ²³/-])"
_KOREAN_NOT_UNIT = {
    "일": r"(?![본반부정상])",  # 일본, 일반, 일부, 일정, 일상
    "주": r"(?![요문식간행의로소문])",  # 주요, 주문, 주식, 주의, 주로 (주간: weekly)
    "분": r"(?![야류말석해리의])",  # 분야, 분류, 분말, 분석, 분해, 분리; 3분의 1
    "초": r"(?![기반과점콜])",  # 초기, 초반, 초과, 초점
    "년": r"(?![도생대])",  # 년도, 년생, 년대
    "입": r"(?![니문력고자])",  # 입니다, 입문, 입력, 입고
    "매": r"(?![우년일장출])",  # 매우, 매년, 매일, 매장, 매출
    "기가": r"(?![바])",
}


def _unit_regex() -> str:
    spellings = sorted(_UNIT_SPELLINGS, key=lambda s: -len(re.sub(r"\\.|[?()|:]", "", s)))
    parts = []
    for spelling in spellings:
        is_korean = bool(_HANGUL.search(spelling))
        guard = _KOREAN_NOT_UNIT.get(spelling, "") if is_korean else _LATIN_UNIT_END
        parts.append(f"(?:{spelling}){guard}")
    return "|".join(parts)


_NUMBER = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_UNIT_RE = _unit_regex()
_SPEC_RE = re.compile(
    rf"(?<![A-Za-z0-9.,])(?<![A-Za-z]-)(?P<n1>{_NUMBER})"
    rf"(?:\s*(?P<times>[x×*])\s*(?P<n2>{_NUMBER})(?:\s*[x×*]\s*(?P<n3>{_NUMBER}))?"
    rf"|\s*(?P<dash>-|~|–|to|에서)\s*(?P<hi>{_NUMBER}))?"
    rf"\s?-?\s?(?P<unit>{_UNIT_RE})"
)
_SPF = re.compile(r"SPF\s?(\d{1,3})(\+?)(?:\s?/?\s?(PA\s?\+{1,4}))?", re.IGNORECASE)
_IP = re.compile(rf"{_B}IP\s?([0-6X][0-9X]K?){_E}")


def _unit_of(spelling: str) -> Unit:
    for pattern, unit in _UNIT_SPELLINGS.items():
        if re.fullmatch(pattern, spelling):
            return unit
    raise KeyError(spelling)  # pragma: no cover - the spelling came from these patterns


def _number(text: str) -> float:
    return float(text.replace(",", ""))


# Words near a number that name what it measures: (pattern, name, quantities it may name).
_CONTEXT_NAMES: tuple[tuple[re.Pattern[str], str, frozenset[str]], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), name, frozenset(quantities.split()))
    for pattern, name, quantities in (
        (r"shelf[- ]life|유통\s?기한|소비\s?기한|보관\s?기간", "shelf life", "duration"),
        (r"warrant(?:y|ies)|guarantee|보증|A/S\s?기간", "warranty", "duration"),
        (r"lead[- ]?time|리드\s?타임|납기|ship(?:s|ped|ping)? within|발송|delivery", "lead time", "duration"),
        (r"charg(?:es|ing)|충전\s?시간", "charging time", "duration"),
        (r"batter(?:y|ies)|배터리|충전", "battery life", "duration"),
        (r"보온|keeps? (?:hot|warm)|heat retention", "heat retention", "duration"),
        (r"보냉|keeps? cold|cold retention", "cold retention", "duration"),
        (r"batter(?:y|ies)|배터리|충전", "battery capacity", "charge energy"),
        (r"lasts?|lasting|지속|유지", "lasting time", "duration"),
        (r"cook(?:s|ing)?|조리", "cooking time", "duration"),
        (r"use time|사용\s?시간|작동\s?시간|run(?:ning)? time", "use time", "duration"),
        (r"water[- ]resistan(?:t|ce)|내수", "water resistance", "duration"),
        (r"width|wide|폭|너비|가로", "width", "length"),
        (r"height|high|tall|높이|세로", "height", "length"),
        (r"thick(?:ness)?|두께", "thickness", "length"),
        (r"diameter|dia\.|Ø|직경|지름|구경|가공경|외경|내경", "diameter", "length"),
        (r"blade(?: length)?|칼날(?: 길이)?", "blade length", "length"),
        (r"chuck|척", "chuck size", "length"),
        (r"screen|display|화면|디스플레이", "screen size", "length"),
        (r"length|long|길이", "length", "length"),
        (r"net weight|net wt|순중량|내용량|중량", "net weight", "mass"),
        (r"weigh(?:s|t)?|무게", "weight", "mass"),
        (r"capacity|용량", "capacity", "volume mass charge energy data"),
        (r"output|출력", "output power", "power"),
        (r"input|입력", "input voltage", "voltage"),
        (r"warrant(?:y|ies)|보증", "warranty mileage", "length"),
        (r"consum|소비\s?전력", "power consumption", "power"),
        (r"pressure|압력", "pressure", "pressure"),
        (r"temperature|온도", "temperature", "temperature"),
        (r"spindle|주축", "spindle speed", "speed"),
        (r"noise|소음", "noise", "sound level"),
        (r"defects?|불량", "defect rate", "concentration percent"),
        (r"shrink(?:age)?|수축", "shrinkage", "percent"),
        (r"energy|에너지|전력", "energy saving", "percent"),
        (r"moisture|수분", "moisture", "percent"),
        (r"alcohol|알코올|도수", "alcohol", "percent"),
    )
)
_QUANTITY_NAMES = {
    "length": "size", "mass": "weight", "volume": "volume", "area": "area", "voltage": "voltage",
    "current": "current", "power": "power", "energy": "energy", "charge": "battery capacity",
    "frequency": "frequency", "pressure": "pressure", "duration": "duration", "temperature": "temperature",
    "percent": "content", "data": "storage", "capacitance": "capacitance", "resistance": "resistance",
    "count": "pack size", "areal density": "fabric weight", "concentration": "concentration",
    "sound level": "sound level", "speed": "speed", "luminous flux": "luminous flux",
    "food energy": "energy",
}  # fmt: skip
_WORD = re.compile(r"[A-Za-z][A-Za-z\-']*|[가-힣]+")
_PERCENT_NAME_STOP = frozenset(
    "of the a an and or with in for to by at on after before below above under over less more than "
    "less up down is are be from as its it this that which".split()
)
_COMPARATIVES = frozenset(
    "less more lower higher faster fewer longer shorter smaller larger lighter cheaper".split()
)
# Particles cut off a Korean word before it names a percentage ("검사를" → "검사"); 이, 가, 로 … are left
# alone because too many nouns end in them ("달팽이", "필터로").
_KO_PARTICLES = re.compile(r"(?:을|를|의|에서|으로|과|와|까지)$")


def _percent_name(text: str, start: int, end: int) -> str:
    """Name a percentage from the words after it ("96 % snail secretion filtrate") or before it."""
    clause_end = re.search(r"[.,;()\n]|\band\b", text[end:])
    after = text[end : end + (clause_end.start() if clause_end else 60)]
    words = _WORD.findall(after)[:4]
    if words and words[0].lower() in _COMPARATIVES:
        return " ".join(words[:2]).lower()
    latin = []
    for w in words:
        if w.lower() in _PERCENT_NAME_STOP or _HANGUL.search(w):
            break
        latin.append(w)
    if latin:
        return " ".join(latin[:3]).lower()
    clause_start = max(text.rfind(c, 0, start) for c in ".,;(\n")
    before = text[clause_start + 1 : start]
    words = _WORD.findall(before)
    picked: list[str] = []
    for w in reversed(words):
        if w.lower() in _PERCENT_NAME_STOP:
            break
        picked.insert(0, _KO_PARTICLES.sub("", w) if _HANGUL.search(w) and len(w) > 2 else w)
        if len(picked) == 3:
            break
    return " ".join(picked).strip() or "content"


_AFTER_CUT = re.compile(r"[;\n,()]|\.\s+(?=[A-Z가-힣])|\.$")


def _context_name(
    text: str, start: int, end: int, quantity: str, used: set[tuple[int, int]]
) -> tuple[str, tuple[int, int]] | None:
    """The name the words around a number give it, for its quantity, and which words gave it.

    ``used`` holds the (entry, position) pairs that named an earlier number: "chuck" in "10-inch chuck,
    450 mm" names the 10 inches, not the 450 mm.
    """
    lo = max(0, start - 40)
    before = text[lo:start]
    cut = max(before.rfind(c) for c in ".;\n")  # stay in the sentence of the number
    if cut >= 0 and not (cut > 0 and before[cut - 1].isdigit()):
        lo, before = lo + cut + 1, before[cut + 1 :]
    after = text[end : end + 30]
    stop = _AFTER_CUT.search(after)
    after = after[: stop.start()] if stop else after
    best: tuple[int, str, tuple[int, int]] | None = None
    for index, (pattern, name, quantities) in enumerate(_CONTEXT_NAMES):
        if quantity not in quantities:
            continue
        for m in pattern.finditer(before):
            key = (index, lo + m.start())
            distance = len(before) - m.end()
            if key not in used and (best is None or distance < best[0]):
                best = (distance, name, key)
        for m in pattern.finditer(after):
            key = (index, end + m.start())
            if key not in used and (best is None or m.start() < best[0]):
                best = (m.start(), name, key)
            break
    return (best[1], best[2]) if best else None


_SENTENCE_GAP = re.compile(r"[.;\n]\s")


def _snippet(text: str, start: int, end: int) -> str:
    return " ".join(text[start:end].split())[:200]


def find_specifications(text: str, *, source: SpecSource = "description") -> list[Specification]:
    """Return the numbers with units (and SPF, PA, IP ratings) that ``text`` states, in order."""
    text = _clean(text)
    specs: list[Specification] = []
    taken: list[tuple[int, int]] = []
    used: set[tuple[int, int]] = set()
    previous: tuple[str, str, int] | None = None  # the last context name, its quantity, where it ended
    for m in _SPF.finditer(text):
        specs.append(
            Specification(
                name="SPF", value=float(m.group(1)), text=_snippet(text, m.start(), m.end()), source=source
            )
        )
        if m.group(3):
            specs.append(Specification(name="PA", text=m.group(3).replace(" ", ""), source=source))
        taken.append((m.start(), m.end()))
    for m in _IP.finditer(text):
        specs.append(
            Specification(name="ingress protection", text=f"IP{m.group(1)}", quantity=None, source=source)
        )
        taken.append((m.start(), m.end()))
    for m in _SPEC_RE.finditer(text):
        if any(s < m.end() and m.start() < e for s, e in taken):
            continue
        unit = _unit_of(m.group("unit"))
        value = _number(m.group("n1"))
        start = m.start()
        if unit.quantity == "temperature" and start > 0 and text[start - 1] in "-−":
            if start == 1 or not text[start - 2].isalnum():  # "-20 ~ 60 °C", not "5-20 °C"
                value, start = -value, start - 1
        if unit.quantity == "duration" and unit.symbol == "year" and 1900 <= value <= 2100:
            continue  # a calendar year ("2024년"), not a duration
        if unit.quantity == "percent" and value > 100 and not m.group("hi"):
            continue
        spec: dict[str, Any] = {
            "unit": unit.symbol,
            "quantity": unit.quantity,
            "text": _snippet(text, start, m.end()),
            "source": source,
        }
        if m.group("times") and unit.quantity == "length":
            dims = [value, _number(m.group("n2"))] + ([_number(m.group("n3"))] if m.group("n3") else [])
            spec |= {"name": "dimensions", "dimensions": dims}
        else:
            if m.group("times"):  # "2 x 5 Ah batteries": two of 5 Ah
                value = _number(m.group("n3") or m.group("n2"))
            spec["value"] = value
            if m.group("hi"):
                high = _number(m.group("hi"))
                if high > value:
                    spec["value_max"] = high
            if unit.factor is not None:
                spec["base_value"] = round(value * unit.factor, 6)
                spec["base_unit"] = BASE_UNITS[unit.quantity]
            named = _context_name(text, m.start(), m.end(), unit.quantity, used)
            context = named[0] if named else None
            if named:
                used.add(named[1])
            elif (
                previous is not None
                and previous[1] == unit.quantity
                and not _SENTENCE_GAP.search(text[previous[2] : m.start()])
            ):
                context = previous[0]  # "Lead time: 2 weeks for samples, 6 weeks for mass production"
            if context and unit.quantity != "percent":
                previous = (context, unit.quantity, m.end())
            if unit.quantity == "percent":
                spec["name"] = (context or _percent_name(text, m.start(), m.end()))[:80]
            else:
                spec["name"] = context or _QUANTITY_NAMES[unit.quantity]
        specs.append(Specification(**spec))
        taken.append((m.start(), m.end()))
    return specs


def specifications_from_fields(fields: Mapping[str, Any]) -> list[Specification]:
    """Read the product's structured ``{name: value}`` fields: numbers with units where there are."""
    specs: list[Specification] = []
    for raw_name, raw_value in list(fields.items())[: MAX_ITEMS * 2]:
        name = " ".join(_clean(str(raw_name)).split())[:80]
        value = _clean(str(raw_value))[:200]
        if not name:
            continue
        found = find_specifications(value, source="specifications")
        if len(found) == 1:
            specs.append(found[0].model_copy(update={"name": name, "text": value}))
        elif found:  # "rating: 12 VDC, 50 mA"
            specs += [f.model_copy(update={"name": name}) for f in found]
        else:
            # "0603" is a size code, not the number 603.
            number = re.fullmatch(rf"\s*(?!0\d)({_NUMBER})\s*\+?\s*", value)
            specs.append(
                Specification(
                    name=name,
                    value=_number(number.group(1)) if number else None,
                    text=value,
                    source="specifications",
                )
            )
    return specs


def _spec_key(spec: Specification) -> tuple[Any, ...]:
    if spec.base_value is not None:
        return (spec.quantity, round(spec.base_value, 4), spec.value_max)
    if spec.dimensions:
        return (spec.quantity, tuple(spec.dimensions), spec.unit)
    if spec.value is None:
        return ("text", spec.text.casefold())
    return (spec.name.casefold(), spec.value)


def merge_specifications(*groups: Iterable[Specification]) -> list[Specification]:
    """Concatenate, keeping the first of specifications that state the same value (fields come first)."""
    out: list[Specification] = []
    seen: set[tuple[Any, ...]] = set()
    for group in groups:
        for spec in group:
            key = _spec_key(spec)
            if key in seen:
                continue
            seen.add(key)
            out.append(spec)
    return out[: MAX_ITEMS * 2]


# --------------------------------------------------------------------------- intended use

_USE_EN = re.compile(
    r"\b(?P<cue>suitable for|ideal for|perfect for|great for|designed for|intended for|made for|"
    r"for use (?:in|on|with)|used (?:for|in|on)|use[sd]? in|applications? (?:in|for)|applied to|"
    r"application:|applications:|for)\s+(?P<what>[^.;:()\n]{3,90})",
    re.IGNORECASE,
)
_USE_STOP_START = re.compile(
    r"^(?:\d|up to|more than|over|at least|less than|the customer|the buyer|samples?|each|every|"
    r"your|our|us\b|you\b|free\b|a period|years?|months?|weeks?|days?|hours?|export|local registration|"
    r"the documents?|on-site|the first|sale\b|details|more\b|durability|corrosion|uniform|better|easy|"
    r"easier|long\b|longer|improved|extra|added|maximum|optimal|fast|quick|a smoother|smooth|a version)",
    re.IGNORECASE,
)
_USE_END = re.compile(
    r"\s+(?:with|which|that|while|so|because|where|without|from|at|by|is|are|was|were|has|have|can|will)"
    r"\s.*$",
    re.IGNORECASE,
)
# A sentence whose plain "for" is no use: support, service and logistics claims.
_SERVICE_SENTENCE = re.compile(
    r"dispatch|support|warrant|sample|ship|lead time|deliver|train|document|spare part|after-sales|"
    r"price|order|container|payment|registration",
    re.IGNORECASE,
)


def _intended_uses_en(text: str) -> list[str]:
    uses: list[str] = []
    for sentence in sentences(text):
        for m in _USE_EN.finditer(sentence):
            cue = m.group("cue").lower()
            if cue == "for" and _SERVICE_SENTENCE.search(sentence):
                continue
            what = _USE_END.sub("", m.group("what")).strip(" ,-")
            if not what or _USE_STOP_START.match(what) or len(what.split()) > 8:
                continue
            if cue in ("for", "use in", "uses in", "used in") and not re.search(r"[A-Za-z]{3,}", what):
                continue
            uses.append(what)
    return uses


_KO_USE_SKIP = frozenset({"사", "이", "비", "내", "채", "효", "적", "활", "허", "신", "겸", "다"})
_KO_NP_TAGS = frozenset({"NNG", "NNP", "SL", "SH", "XR", "NR"})
_KO_USE_VERBS = re.compile(r"^(?:적합|쓰이|쓰|사용|이용|활용|알맞|좋|적용|제격|최적)")


def _phrase_before(tokens: Sequence[Any], index: int, text: str) -> str | None:
    """The noun phrase that ends at token ``index`` (nouns joined by spaces, ·, 의 or ‧)."""
    start = index
    j = index
    while j >= 0:
        tag = tokens[j].tag
        if tag == "SL" and j > 0 and tokens[j - 1].tag == "SN":
            break  # "50ml 여행용": the unit of a number is not part of the use
        attached = j + 1 < len(tokens) and tokens[j].start + tokens[j].len == tokens[j + 1].start
        if tag == "XSN" and tokens[j].form != "용" and j != index:
            break  # "일체형 주방용": a "-type" modifier is not part of the use
        if tag in _KO_NP_TAGS or tag in ("XSN", "XPN") or (tag == "MM" and attached):
            start = j  # a determiner written onto the noun belongs to it: "전륜용"
            j -= 1
            continue
        connector = tag in ("SP", "JKG", "JC", "MAJ", "MAG") and tokens[j].form in (
            "·",
            "‧",
            "의",
            "및",
            ",",
            "과",
            "와",
        )
        if connector and j > 0:
            if tokens[j - 1].tag in _KO_NP_TAGS:
                j -= 1
                continue
        break
    if tokens[start].tag not in _KO_NP_TAGS and tokens[start].tag not in ("XPN", "MM"):
        return None
    begin = tokens[start].start
    end = tokens[index].start + tokens[index].len
    phrase = text[begin:end].strip(" ,·")
    return phrase if len(phrase) >= 2 else None


def _intended_uses_ko(text: str) -> list[str]:
    tokens = _kiwi_tokens(text)
    uses: list[str] = []
    for i, tok in enumerate(tokens):
        # "금속 가공용", "응급실·왕진용", "전원·산업용 회로": a noun phrase with the suffix 용 (for ...).
        if tok.tag == "XSN" and tok.form == "용" and i > 0 and tokens[i - 1].tag in _KO_NP_TAGS:
            if tokens[i - 1].form in _KO_USE_SKIP or (i > 1 and tokens[i - 2].tag == "SN"):
                continue  # "사용", "10인용" (for ten people) say nothing of the use
            phrase = _phrase_before(tokens, i, text)
            if phrase:
                uses.append(phrase)
        # "… 정밀 가공에 적합합니다", "… 회로에 쓰입니다", "… 재킷과 바람막이에 쓰입니다".
        if tok.tag == "JKB" and tok.form == "에" and i > 0 and i + 1 < len(tokens):
            nxt = tokens[i + 1]
            if nxt.tag == "JX" and i + 2 < len(tokens):  # "피부에도 사용할 수 있습니다"
                nxt = tokens[i + 2]
            if _KO_USE_VERBS.match(nxt.form) and tokens[i - 1].tag in _KO_NP_TAGS:
                phrase = _phrase_before(tokens, i - 1, text)
                if phrase:
                    uses.append(phrase)
        # "… 을/를 위한"
        if tok.tag in ("JKO",) and i + 1 < len(tokens) and tokens[i + 1].form == "위하":
            phrase = _phrase_before(tokens, i - 1, text) if i > 0 else None
            if phrase:
                uses.append(phrase)
    # "용도: …"
    for m in re.finditer(r"용도\s*[:：]\s*([^.\n]{2,60})", text):
        uses.append(m.group(1).strip())
    return uses


def find_intended_uses(texts: Sequence[str]) -> list[str]:
    """Return what ``texts`` say the product is for, in the language they say it in."""
    found: list[str] = []
    for raw in texts:
        text = _clean(raw)
        uses = _intended_uses_ko(text) if _HANGUL.search(text) else []
        uses += _intended_uses_en(text)
        found += [" ".join(use.split())[:120] for use in uses if use.strip()]
    # "전원·산업용" is part of "전원·산업용 회로": keep the fuller phrase, where the first one was.
    out: list[str] = []
    for use in found:
        folded = use.casefold()
        if any(folded in other.casefold() and folded != other.casefold() for other in found):
            continue
        if folded not in {u.casefold() for u in out}:
            out.append(use)
    return out[:MAX_ITEMS]


# --------------------------------------------------------------------------- differentiators

_CLAIMS_EN = (
    (
        3,
        r"\bpatent|\baward|\bworld'?s first|\bfirst in\b|\bonly\b|\bunique\b|\bexclusive|proprietary|"
        r"\bguarantee|\bwarrant(?:y|ied)|\btrack record|\bexported to|\bsold (?:at|in|on)\b|"
        r"free of\b|-free\b|\bno (?:added|artificial)|\bnever tested|cruelty|non-irritat|"
        r"\b\d+(?:\.\d+)?\s?% (?:less|more|lower|higher|faster)|\bless than\b|\bmore than\b|"
        r"\bbelow \d|\bup to \d|\btimes (?:more|less|longer|faster)|\blonger\b|\bfaster\b|\blighter\b|"
        r"\bstronger\b|\bcompared (?:to|with)|\bthan\b|\bin-house\b|\bhandmade\b|\bhand-made\b|"
        r"\bOEM\b|\bODM\b|private[- ]label|\bcustom\b|\bbuilt to order\b|\bcertified\b|\bcompliant\b|"
        r"\brecycl|\beco-friendly\b|\bbiodegradable\b|\blicensed\b|\bregistration completed\b|"
        r"\bclinical|\bdermatolog|\bhuman patch test|\blong-term supply\b|\bonly with\b|"
        r"\bKorean-grown\b|\bmade in korea\b|\bBPA[- ]?free\b",
    ),
    (
        1,
        r"\bavailable\b|\bsupport(?:ed|s)?\b|\bwithin \d|\blasts?\b|\blasting\b|\bdispatched\b|"
        r"\bprovided\b|\bsourced\b|\bgrown\b|\bindividually\b|\bguaranteed\b|\btested\b|\bhigh-|\blow-|"
        r"\bpremium\b|\bnatural\b|\borganic\b|\bvegan\b|\bfresh\b|\bprecision\b|\bdurable\b|"
        r"\benergy\b|\bsaving\b|\bexperience\b|\bready\b|\bshelf life\b|\blabels?\b|\bmultilingual\b|"
        r"\boptional\b|\bremote monitoring\b|\bpredictive\b|\bafter-sales\b|\bmanufactured under\b|"
        r"\bquality (?:management|system)\b|\bISO \d{4,5}\b|\bon-site\b|\bmanuals?\b|\bsuppl(?:y|ied|ies)\b|"
        r"\bsuppliers?\b|\brecord\b|\bon-time\b|\bapproved\b|\bmeets?\b|\bcertificates?\b|\bregistered\b|"
        r"\bdata ?sheets?\b|\btraceab|\bdirect from\b|\bcontract-grown\b|\bresidue|\bgift\b|\bpackag|"
        r"\bpacking\b|\bpacked\b|\bnegotiable\b|\bsmall orders?\b|\bdesign team\b|\btraining\b|"
        r"\bdocumentation\b|\bships?\b|\bshipped\b|\bFCL\b|\bLCL\b|\bstable\b|\bforged\b|\bheat-treated\b|"
        r"\bstandards?\b|\bunits sold\b|\bbuilt for\b|\beconomy\b|\bmade in\b|\bmade with\b|\bservice\b|"
        r"\bhubs?\b|\bformulation\b|\btechnical\b|\bcomes with\b|\bregular\b|\bimporters?\b|\bstyles?\b|"
        r"\bseason\b|\btape-and-reel\b|\blocal\b|\bdistributors?\b|\bfreshness\b|\bharvest\b|"
        r"\bcold[- ]chain\b|\bkeeps?\b|\baccepted\b|\blead time\b|\bquality\b",
    ),
)
_CLAIMS_KO = (
    (
        3,
        r"특허|수상|최초|유일|독자|독보|보증|보장|실적|입점|납품|수출|절감|줄였|향상|개선|대비|"
        r"무첨가|첨가하지|넣지 않|사용하지 않|하지 않|없이|무자극|저자극|크루얼티|비건|친환경|재활용|"
        r"국산|국내산|수제|핸드메이드|자체|OEM|ODM|주문 제작|맞춤|인증을 (?:받|보유|획득)|허가를 받|"
        r"등록을 마쳤|준수|이하를 유지|이하로|이상 (?:오래|지속)|전수 검사|임상|"
        r"무(?:방부제|색소|설탕|가당|첨가물|향료|보존료|알코올|파라벤|농약)",
    ),
    (
        1,
        r"가능합니다|지원합니다|제공합니다|보유하고|발송|파견|이내|지속|유지|프리미엄|천연|유기농|"
        r"신선|정밀|내구|에너지|빠른|가벼운|튼튼|오래|인증|유통기한|라벨|다국어|옵션|원격|예지보전|A/S|"
        r"매뉴얼|ISO \d{4,5}|공급|조달|납기|리드타임|인증서|성적서|승인|충족|등록|이력|추적|직송|직거래|잔류|"
        r"선물|포장|협의|디자인|교육|문서|선적|출하|단조|열처리|규격|판매|대응|서비스|허브|배합|기술|호환|거래|"
        r"수입|시즌|대리점|협력|수확|콜드체인|생산합니다|만듭니다|수량|혼적|소재만|무형광|무포름|경제형|클러스터|"
        r"산지|국내 및|가능",
    ),
)
# Claims strong enough to count even in the sentence that says what the product is.
_CLAIMS_DECISIVE = (
    (
        2,
        r"\bpatent|특허|\baward|수상|world'?s first|세계 최초|국내 최초|업계 최초|\bonly one\b|유일",
    ),
)
_CLAIM_PATTERNS = tuple(
    (weight, re.compile(pattern, re.IGNORECASE))
    for weight, pattern in (*_CLAIMS_DECISIVE, *_CLAIMS_EN, *_CLAIMS_KO)
)


def claim_score(sentence: str) -> int:
    """How strongly a sentence claims something special (sum of the weights of its claim markers)."""
    return sum(weight * len(pattern.findall(sentence)) for weight, pattern in _CLAIM_PATTERNS)


def find_differentiators(descriptions: Sequence[str]) -> list[str]:
    """Return the sentences of the descriptions that claim what is special about the product.

    The first sentence of a description usually says what the product is; it counts only when it
    claims more than one thing.
    """
    out: list[str] = []
    for text in descriptions:
        for index, sentence in enumerate(sentences(text)):
            needed = 5 if index == 0 else 1
            if claim_score(sentence) >= needed and sentence not in out:
                out.append(sentence[:300])
    return out[:MAX_ITEMS]


# --------------------------------------------------------------------------- keywords

STOP_WORDS_EN = frozenset(
    """a about above after again against all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each either every few for from
    further had has have having he her here hers him his how i if in into is it its itself just let me
    more most my no nor not now of off on once one only or other our ours out over own per same she should
    so some such than that the their them then there these they this those through to too under until up
    upon us very via was we were what when where which while who whom why will with within without would
    yet you your yours
    available based best better design designed each easy ensure excellent features good great high
    ideal including kind large latest low made make makes making new offer offers offered our perfect
    premium product products provide provided provides quality range ready series set size small special
    standard suitable superior supply supplied support supported type types use used uses using various
    well wide ml mm cm kg g mg l ea pcs pc x approx etc e.g i.e vs co ltd inc korea korean go get""".split()
)
_EN_TOKEN = re.compile(r"[A-Za-z][A-Za-z0-9']*(?:-[A-Za-z0-9]+)*")

STOP_NOUNS_KO = frozenset(
    """제품 사용 가능 경우 정도 이상 이하 이내 기준 대비 제공 지원 보유 포함 함유
    구성 기능 형태 방식 효과 도움 때 위 등 및 각 해당 자체 모든 국내 해외 기간
    이후 전 후 영업일 본품 선택 수준 부분 관련 정보 다양 우수 최고 최상 고객
    바이어 주문 생산 개발 판매 공급 요청 문의 상담 가격 단가 실적 인증 시험 검사
    문서 자료 교육 영상 설치 수출 현지 협력사 보증 보장 발송 파견 옵션 기존 모델
    타입 시리즈 세트 용 형 개 매 년 월 일 주 분 초 시간""".split()
)


_UNIT_WORDS = frozenset(
    {u.symbol.lower() for u in _UNIT_SPELLINGS.values() if len(u.symbol) <= 4}
    | set("mah kgs lbs hrs hr min mins sec secs ea pcs pc cc ltr gsm rpm".split())
    | set("day days week weeks month months year years hour hours minute minutes second seconds".split())
)


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith("ves") and word[:-3] in ("kni", "shel", "lea"):
        return word[:-3] + "fe" if word[:-3] == "kni" else word[:-3] + "f"
    if len(word) > 4 and re.search(r"(?:ches|shes|sses|xes)$", word):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not re.search(r"(?:ss|us|is|ous|ics)$", word):
        return word[:-1]
    return word


def english_tokens(text: str) -> list[str]:
    """Lower-case, singular English words of ``text`` without stop words, numbers or units."""
    out = []
    for raw in _EN_TOKEN.findall(text):
        for original in raw.split("-"):
            original = original.strip("'")
            if original.endswith("'s"):
                original = original[:-2]
            part = original.lower()
            letters = sum(ch.isalpha() for ch in part)
            if letters < 2 or len(part) > MAX_WORD or part in STOP_WORDS_EN or part in _UNIT_WORDS:
                continue
            # Acronyms keep their final S (SMPS, RoHS).
            word = part if original.isupper() or original[-1:] == "S" else _singular(part)
            if word not in STOP_WORDS_EN:
                out.append(word)
    return out


def _rank(counts: Counter[str], first: dict[str, int], boost: set[str], limit: int) -> list[str]:
    return sorted(counts, key=lambda w: (-(counts[w] + (2 if w in boost else 0)), first[w]))[:limit]


def english_keywords(texts: Sequence[str], names: Sequence[str] = (), limit: int = MAX_KEYWORDS) -> list[str]:
    """The English keywords of ``texts``: words (and the name's word pairs), ranked by frequency."""
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    position = 0
    name_words: set[str] = set()
    pairs: list[str] = []
    for name in names:
        name_words |= set(english_tokens(name))
        if _HANGUL.search(name):
            continue
        for segment in re.split(r"[,;:/()\[\]|]", name):
            words = english_tokens(segment)
            pairs += [f"{a} {b}" for a, b in zip(words, words[1:], strict=False) if a != b]
    for text in [*names, *texts]:
        for word in english_tokens(text):
            counts[word] += 1
            first.setdefault(word, position)
            position += 1
    ranked = _rank(counts, first, name_words, limit)
    # The name's word pairs ("chef knife", "sheet mask") say more than either word alone.
    out = list(dict.fromkeys(pairs))[:3] + ranked
    return list(dict.fromkeys(out))[:limit]


def korean_keywords(texts: Sequence[str], names: Sequence[str] = (), limit: int = MAX_KEYWORDS) -> list[str]:
    """The Korean keywords of ``texts``: Kiwi's nouns, compounds kept together, ranked by frequency."""
    counts: Counter[str] = Counter()
    first: dict[str, int] = {}
    name_words: set[str] = set()
    position = 0
    for is_name, text in [*((True, n) for n in names), *((False, t) for t in texts)]:
        tokens = _kiwi_tokens(text)
        words: list[str] = []
        current: list[Any] = []

        def flush(current: list[Any] = current, words: list[str] = words) -> None:
            if current:
                word = "".join(t.form for t in current)
                if _HANGUL.search(word):
                    words.append(word)
                current.clear()

        for tok in tokens:
            if tok.tag in ("NNG", "NNP") and _HANGUL.search(tok.form):
                if current and current[-1].start + current[-1].len == tok.start:
                    current.append(tok)
                    continue
                flush()
                current.append(tok)
            else:
                flush()
        flush()
        for word in words:
            if not 2 <= len(word) <= MAX_WORD or word in STOP_NOUNS_KO:
                continue
            counts[word] += 1
            first.setdefault(word, position)
            position += 1
            if is_name:
                name_words.add(word)
    return _rank(counts, first, name_words, limit)


# --------------------------------------------------------------------------- the whole profile


def extract_profile(
    *,
    name_ko: str = "",
    name_en: str = "",
    description_ko: str = "",
    description_en: str = "",
    specifications: Mapping[str, Any] | None = None,
    certifications: Sequence[str] | None = None,
) -> ProductProfile:
    """Extract the profile of a product from its names, descriptions and structured fields.

    Parameters
    ----------
    name_ko, name_en, description_ko, description_en : str
        The product's texts; any of them may be empty, in either language or mixed (the "ko" and
        "en" fields are only where the exporter typed them). At most 20,000 characters of each are read.
    specifications : mapping, optional
        The product's structured ``{name: value}`` fields (``{"volume": "50 ml"}``); they come first
        and a description's mention of the same value is not repeated.
    certifications : sequence of str, optional
        Certifications the exporter listed; kept (canonically spelled) ahead of those in the text.

    Returns
    -------
    ProductProfile
        Empty lists where nothing was found; never raises on odd input (binary, emoji, huge text).

    Examples
    --------
    >>> p = extract_profile(description_en="Stainless steel chef knife, 20 cm blade, FDA registered.")
    >>> p.materials, p.certifications, p.specifications[0].name, p.specifications[0].base_value
    (['stainless steel'], ['FDA'], 'blade length', 200.0)
    """
    names = [t for t in (_clean(name_ko), _clean(name_en)) if t]
    descriptions = [t for t in (_clean(description_ko), _clean(description_en)) if t]
    texts = [*names, *descriptions]
    field_specs = specifications_from_fields(specifications or {})
    text_specs: list[Specification] = []
    for text in texts:
        text_specs += find_specifications(text)
    listed = [canonical_certification(c) for c in (certifications or []) if isinstance(c, str) and c.strip()]
    field_texts = [f"{k}: {v}" for k, v in (specifications or {}).items()]
    return ProductProfile(
        materials=find_materials([*texts, *field_texts]),
        specifications=merge_specifications(field_specs, text_specs),
        certifications=list(dict.fromkeys([*listed, *find_certifications(texts)]))[:MAX_ITEMS],
        intended_uses=find_intended_uses(texts),
        differentiators=find_differentiators(descriptions),
        keywords_ko=korean_keywords(descriptions, names),
        keywords_en=english_keywords(descriptions, names),
    )


def profile_of(product: Any) -> ProductProfile:
    """Extract the profile of a product record (anything with the Product model's text fields)."""
    return extract_profile(
        name_ko=product.name_ko or "",
        name_en=product.name_en or "",
        description_ko=product.description_ko or "",
        description_en=product.description_en or "",
        specifications=product.specifications or {},
        certifications=product.certifications or [],
    )
