"""The regions file: Korea's provinces mapped to the 5 poles and 3 special provinces and to regional HQs."""

from __future__ import annotations

import tomllib
from collections import Counter
from pathlib import Path
from typing import Any, Literal

import pycountry
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from exportpilot.config import get_settings
from exportpilot.errors import ExportPilotError

SHIPPED_REGIONS_FILE = Path(__file__).parent / "data" / "regions.toml"

_SLUG = r"^[a-z][a-z0-9-]{0,19}$"


class RegionsFileError(ExportPilotError):
    """The regions file is missing, not TOML, or maps a province to an unknown region or HQ."""

    status_code = 500


class RegionEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(pattern=_SLUG)
    name_ko: str = Field(min_length=1, max_length=40)
    name_en: str = Field(min_length=1, max_length=80)
    kind: Literal["pole", "special"]
    sort_order: int = 0


class HQEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(pattern=_SLUG)
    name_ko: str = Field(min_length=1, max_length=60)
    name_en: str = Field(min_length=1, max_length=120)
    city_ko: str = Field(min_length=1, max_length=40)


class ProvinceEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str = Field(pattern=r"^KR-\d{2}$")
    name_ko: str = Field(min_length=1, max_length=40)
    name_en: str = Field(min_length=1, max_length=80)
    region: str
    hq: str


class RegionsFile(BaseModel):
    """The parsed and cross-checked content of a regions file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    regions: list[RegionEntry] = Field(min_length=1)
    hqs: list[HQEntry] = Field(min_length=1)
    provinces: list[ProvinceEntry] = Field(min_length=1)


def regions_file_path() -> Path:
    """Return the configured regions file, or the shipped one."""
    return get_settings().regions_file or SHIPPED_REGIONS_FILE


def read_regions_file(path: Path | None = None) -> RegionsFile:
    """Parse and validate a regions file (default: the configured one).

    Parameters
    ----------
    path
        TOML file to read; ``None`` means ``Settings.regions_file`` or the shipped mapping.

    Raises
    ------
    RegionsFileError
        When the file cannot be read, is not valid TOML, lacks a field, or maps a province to an
        unknown region or HQ; the message names the file and the offending entry.
    """
    path = Path(path) if path is not None else regions_file_path()
    try:
        with path.open("rb") as fh:
            raw = tomllib.load(fh)
    except OSError as exc:
        raise RegionsFileError(f"regions file {path}: cannot be read ({exc.strerror or exc})") from exc
    except tomllib.TOMLDecodeError as exc:
        raise RegionsFileError(f"regions file {path}: not valid TOML ({exc})") from exc
    try:
        data = RegionsFile.model_validate(raw)
    except ValidationError as exc:
        details = "; ".join(_describe(err, raw) for err in exc.errors())
        raise RegionsFileError(f"regions file {path}: {details}") from exc
    problems = _cross_check(data)
    if problems:
        raise RegionsFileError(f"regions file {path}: " + "; ".join(problems))
    return data


def _describe(err: Any, raw: dict[str, Any]) -> str:
    """Render one pydantic error as `provinces[3] (KR-45).region: message`."""
    loc = list(err["loc"])
    where = ""
    if len(loc) >= 2 and isinstance(loc[0], str) and isinstance(loc[1], int):
        section, index = loc[0], loc[1]
        where = f"{section}[{index}]"
        entries = raw.get(section)
        if isinstance(entries, list) and index < len(entries) and isinstance(entries[index], dict):
            code = entries[index].get("code")
            if code is not None:
                where += f" ({code})"
        rest = loc[2:]
    else:
        rest = loc
    if rest:
        where = f"{where}." if where else ""
        where += ".".join(str(part) for part in rest)
    value = f" (got {err['input']!r})" if err["type"] not in ("missing", "extra_forbidden") else ""
    return f"{where or 'file'}: {err['msg']}{value}"


def _cross_check(data: RegionsFile) -> list[str]:
    """List every duplicate code, unknown reference and missing province of a parsed file."""
    problems: list[str] = []
    for section, entries in (("regions", data.regions), ("hqs", data.hqs), ("provinces", data.provinces)):
        for code, n in Counter(e.code for e in entries).items():
            if n > 1:
                problems.append(f"{section}: code {code!r} appears {n} times")
    regions = {r.code for r in data.regions}
    hqs = {h.code for h in data.hqs}
    iso = {s.code: s.name for s in pycountry.subdivisions.get(country_code="KR") or []}
    for p in data.provinces:
        label = f"province {p.code} ({p.name_ko})"
        if p.code not in iso:
            problems.append(f"{label}: {p.code!r} is not an ISO 3166-2 subdivision of Korea")
        if p.region not in regions:
            problems.append(f"{label}: unknown region {p.region!r} (known: {', '.join(sorted(regions))})")
        if p.hq not in hqs:
            problems.append(f"{label}: unknown hq {p.hq!r} (known: {', '.join(sorted(hqs))})")
    missing = sorted(set(iso) - {p.code for p in data.provinces})
    if missing:
        problems.append(
            "provinces missing from the file: " + ", ".join(f"{code} ({iso[code]})" for code in missing)
        )
    return problems
