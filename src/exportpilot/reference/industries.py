"""Industries a company is registered under, with Korean and English labels (``data/industries.toml``)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from exportpilot.errors import InvalidInput

INDUSTRIES_FILE = Path(__file__).parent / "data" / "industries.toml"


@dataclass(frozen=True)
class Industry:
    code: str
    name_ko: str
    name_en: str


@lru_cache
def list_industries() -> tuple[Industry, ...]:
    """Return every industry in the order of the file."""
    data = tomllib.loads(INDUSTRIES_FILE.read_text(encoding="utf-8"))
    return tuple(Industry(**entry) for entry in data["industries"])


def get_industry(value: str | None, field: str = "industry") -> Industry:
    """Return the industry named by its code or its Korean or English label (any case)."""
    wanted = (value or "").strip().casefold()
    for industry in list_industries():
        if wanted in (industry.code, industry.name_ko.casefold(), industry.name_en.casefold()):
            return industry
    codes = ", ".join(i.code for i in list_industries())
    raise InvalidInput(f"{field}: unknown industry {value!r} (expected one of: {codes})", field=field)


def industry_label(code: str, lang: str) -> str:
    """The label of ``code`` in ``lang``; the code itself for an industry no longer listed."""
    for industry in list_industries():
        if industry.code == code:
            return industry.name_ko if lang == "ko" else industry.name_en
    return code
