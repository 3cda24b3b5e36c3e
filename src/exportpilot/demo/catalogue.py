"""The product catalogue behind the demo data: one TOML file per industry under ``demo/data/``.

Each file holds the industry's labels, product templates (a real HS 2022 subheading, Korean and English
names and descriptions with a ``{v}`` placeholder for the variant, specifications with units, typical
certifications, MOQ, a USD price range and variants), short differentiator sentences used to vary the
descriptions, and buyer interests (phrases in the buyers' languages tied to HS codes of the templates).

The templates describe typical Korean SME export products; the companies that make them are invented.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).parent / "data"

#: The industries in display order; each has a file ``data/<code>.toml``.
INDUSTRY_CODES: tuple[str, ...] = (
    "cosmetics",
    "processed_food",
    "agri_fishery",
    "machinery",
    "auto_parts",
    "electronic_components",
    "medical_devices",
    "textiles_apparel",
    "chemicals_plastics",
    "metal_tools",
    "household_goods",
    "marine_parts",
)

#: Languages in which buyers describe what they want to source (ISO 639-1); every interest has each.
INTEREST_LANGUAGES: tuple[str, ...] = (
    "en",
    "es",
    "pt",
    "fr",
    "de",
    "vi",
    "zh",
    "ja",
    "ar",
    "id",
    "ru",
    "th",
    "tr",
)


class CatalogueError(ValueError):
    """A catalogue file is malformed; the message names the file and the entry."""


@dataclass(frozen=True, slots=True)
class Variant:
    """A size, grade or model of a template: appended to the name, put in ``{v}`` of the description."""

    ko: str
    en: str
    specs: dict[str, str]
    price_factor: float


@dataclass(frozen=True, slots=True)
class Template:
    key: str
    industry: str
    hs_code: str
    name_ko: str
    name_en: str
    description_ko: str
    description_en: str
    specs: dict[str, str]
    certifications: tuple[str, ...]
    moq: int
    moq_unit: str
    price_min: float
    price_max: float
    variants: tuple[Variant, ...]


@dataclass(frozen=True, slots=True)
class Phrase:
    ko: str
    en: str


@dataclass(frozen=True, slots=True)
class Interest:
    """What a buyer may want from an industry: HS codes of the catalogue and a phrase per language."""

    hs_codes: tuple[str, ...]
    phrases: dict[str, str]


@dataclass(frozen=True, slots=True)
class Industry:
    code: str
    label_ko: str
    label_en: str
    templates: tuple[Template, ...]
    differentiators: tuple[Phrase, ...]
    interests: tuple[Interest, ...]

    @property
    def hs_codes(self) -> frozenset[str]:
        return frozenset(t.hs_code for t in self.templates)


def _str(entry: dict[str, Any], key: str, where: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise CatalogueError(f"{where}: {key!r} must be a non-empty string")
    return value.strip()


def _specs(value: Any, where: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise CatalogueError(f"{where}: 'specs' must be a table")
    return {str(k): str(v) for k, v in value.items()}


def _variant(entry: Any, where: str) -> Variant:
    if not isinstance(entry, dict):
        raise CatalogueError(f"{where}: a variant must be a table")
    factor = float(entry.get("price", 1.0))
    if factor <= 0:
        raise CatalogueError(f"{where}: 'price' factor must be positive")
    return Variant(
        ko=_str(entry, "ko", where),
        en=_str(entry, "en", where),
        specs=_specs(entry.get("specs"), where),
        price_factor=factor,
    )


def _template(entry: dict[str, Any], industry: str, where: str) -> Template:
    key = _str(entry, "key", where)
    where = f"{where} {key!r}"
    hs = _str(entry, "hs", where)
    if len(hs) != 6 or not hs.isdigit():
        raise CatalogueError(f"{where}: 'hs' must be a 6-digit HS subheading, got {hs!r}")
    texts = {k: _str(entry, k, where) for k in ("name_ko", "name_en", "description_ko", "description_en")}
    for k in ("description_ko", "description_en"):
        if "{v}" not in texts[k]:
            raise CatalogueError(f"{where}: {k!r} must contain the variant placeholder '{{v}}'")
    price = entry.get("price_usd")
    if (
        not isinstance(price, list)
        or len(price) != 2
        or not all(isinstance(p, int | float) for p in price)
        or not 0 < price[0] <= price[1]
    ):
        raise CatalogueError(f"{where}: 'price_usd' must be [min, max] with 0 < min <= max")
    moq = entry.get("moq")
    if not isinstance(moq, int) or moq < 1:
        raise CatalogueError(f"{where}: 'moq' must be a positive integer")
    certifications = entry.get("certifications", [])
    if not isinstance(certifications, list) or not certifications:
        raise CatalogueError(f"{where}: 'certifications' must be a non-empty list")
    variants = tuple(_variant(v, f"{where} variant {i}") for i, v in enumerate(entry.get("variants", [])))
    if len(variants) < 2:
        raise CatalogueError(f"{where}: at least 2 variants are required")
    return Template(
        key=key,
        industry=industry,
        hs_code=hs,
        specs=_specs(entry.get("specs"), where),
        certifications=tuple(str(c) for c in certifications),
        moq=moq,
        moq_unit=_str(entry, "moq_unit", where),
        price_min=float(price[0]),
        price_max=float(price[1]),
        variants=variants,
        **texts,
    )


def _interest(entry: Any, hs_codes: frozenset[str], where: str) -> Interest:
    if not isinstance(entry, dict):
        raise CatalogueError(f"{where}: an interest must be a table")
    codes = entry.get("hs")
    if not isinstance(codes, list) or not codes:
        raise CatalogueError(f"{where}: 'hs' must be a non-empty list")
    unknown = [c for c in codes if c not in hs_codes]
    if unknown:
        raise CatalogueError(f"{where}: HS codes {unknown} are not used by any template of the industry")
    phrases = {lang: _str(entry, lang, where) for lang in INTEREST_LANGUAGES}
    return Interest(hs_codes=tuple(str(c) for c in codes), phrases=phrases)


def parse_industry(path: Path) -> Industry:
    """Read and validate one industry file."""
    where = path.name
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise CatalogueError(f"{where}: {exc}") from exc
    code = _str(raw, "code", where)
    if code != path.stem:
        raise CatalogueError(f"{where}: code {code!r} does not match the file name")
    templates = tuple(_template(t, code, f"{where} template") for t in raw.get("templates", []))
    keys = [t.key for t in templates]
    if len(set(keys)) != len(keys):
        raise CatalogueError(f"{where}: template keys must be unique")
    if len(templates) < 8:
        raise CatalogueError(f"{where}: at least 8 templates are required, found {len(templates)}")
    differentiators = tuple(
        Phrase(ko=_str(d, "ko", f"{where} differentiator"), en=_str(d, "en", f"{where} differentiator"))
        for d in raw.get("differentiators", [])
    )
    if len(differentiators) < 6:
        raise CatalogueError(f"{where}: at least 6 differentiators are required")
    codes = frozenset(t.hs_code for t in templates)
    interests = tuple(
        _interest(e, codes, f"{where} interest {i}") for i, e in enumerate(raw.get("interests", []))
    )
    if len(interests) < 3:
        raise CatalogueError(f"{where}: at least 3 interests are required")
    return Industry(
        code=code,
        label_ko=_str(raw, "label_ko", where),
        label_en=_str(raw, "label_en", where),
        templates=templates,
        differentiators=differentiators,
        interests=interests,
    )


@lru_cache
def load_catalogue() -> tuple[Industry, ...]:
    """Return every industry of the catalogue, in the order of :data:`INDUSTRY_CODES`."""
    return tuple(parse_industry(DATA_DIR / f"{code}.toml") for code in INDUSTRY_CODES)


def industry(code: str) -> Industry:
    """Return the industry with ``code`` (e.g. ``"cosmetics"``)."""
    for item in load_catalogue():
        if item.code == code:
            return item
    raise KeyError(code)
