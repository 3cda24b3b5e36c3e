"""Market recommendation for the faces (API, pages, CLI): who may see what, input checks, errors, output."""

from __future__ import annotations

import csv
import functools
import io
import re
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from exportpilot.audit import service as audit
from exportpilot.auth import policy
from exportpilot.config import Settings
from exportpilot.errors import Conflict, InvalidInput, NotFound
from exportpilot.markets import whatif
from exportpilot.markets.features import FEATURE_FAMILIES
from exportpilot.markets.firm import (
    COMPONENTS,
    FirmRanking,
    NoExportsOfProduct,
    UnknownProductGroup,
    rank_markets,
)
from exportpilot.markets.hs import UnknownHSCode
from exportpilot.markets.schemas import (
    ExportMarketsUpdate,
    MarketModelStatus,
    MarketRanking,
    MarketRow,
    ProductPlacement,
    Scenario,
)
from exportpilot.markets.store import MarketSnapshot, NoTradeData, current_snapshot
from exportpilot.models import Company, CompanyExportMarket, Country, Product, User
from exportpilot.reference import service as reference

#: Years of a firm's recorded exports that make its "current" markets and exports (latest recorded year and
#: the two before it, averaged).
CURRENT_YEARS = 3
MAX_TARIFF_PCT = 1000.0
_ISO3 = re.compile(r"^[A-Z]{3}$")
_HS = re.compile(r"^[0-9][0-9. ]*$")


# ---------------------------------------------------------------------------------------------- input
def parse_block(values: Iterable[str] | None) -> list[str]:
    """Return the ISO3 codes of ``values`` (repeated or comma-separated), upper-cased, de-duplicated.

    Raises
    ------
    InvalidInput
        A value that is not three letters.
    """
    out: list[str] = []
    for value in values or []:
        for code in str(value).split(","):
            code = code.strip().upper()
            if not code:
                continue
            if not _ISO3.match(code):
                raise InvalidInput(f"block: {code!r} is not an ISO3 country code (e.g. USA)", field="block")
            if code not in out:
                out.append(code)
    return out


def parse_tariffs(values: Iterable[str] | None) -> dict[str, float]:
    """Return ``{ISO3: percent}`` from ``ISO3:PERCENT`` (or ``ISO3=PERCENT``) items, comma-separated or not.

    Raises
    ------
    InvalidInput
        A malformed item, a percent outside ``0 < p <= 1000`` or a country given twice.
    """
    out: dict[str, float] = {}
    for value in values or []:
        for item in str(value).split(","):
            item = item.strip()
            if not item:
                continue
            code, sep, pct = item.replace("=", ":").partition(":")
            code = code.strip().upper()
            try:
                percent = float(pct)
            except ValueError:
                percent = float("nan")
            if not sep or not _ISO3.match(code) or not (0 < percent <= MAX_TARIFF_PCT):
                raise InvalidInput(
                    f"tariff: {item!r} — use ISO3:PERCENT with 0 < PERCENT <= {MAX_TARIFF_PCT:g}, "
                    "e.g. USA:25",
                    field="tariff",
                )
            if code in out:
                raise InvalidInput(f"tariff: {code} is given twice", field="tariff")
            out[code] = percent
    return out


def _exporter(value: str | None) -> str:
    code = (value or "KOR").strip().upper()
    if not _ISO3.match(code):
        raise InvalidInput(f"exporter: {value!r} is not an ISO3 country code (e.g. KOR)", field="exporter")
    return code


# ---------------------------------------------------------------------------------------------- ranking
def _run(snapshot: MarketSnapshot, **kwargs: object) -> FirmRanking:
    """Call ``rank_markets`` and turn its errors into 4xx errors with a reason."""
    try:
        return rank_markets(snapshot, **kwargs)  # type: ignore[arg-type]
    except (UnknownHSCode, UnknownProductGroup) as exc:
        raise NotFound(str(exc), field="product") from exc
    except NoExportsOfProduct as exc:
        raise NotFound(str(exc), field="product") from exc
    except ValueError as exc:
        message = str(exc)
        field = "block" if "not a partner" in message else "product"
        raise InvalidInput(message, field=field) from exc


def rank_product(
    *,
    actor: User | None,
    product: str,
    exporter: str | None = "KOR",
    block: Sequence[str] = (),
    tariff: Mapping[str, float] | None = None,
    snapshot: MarketSnapshot | None = None,
    settings: Settings | None = None,
) -> FirmRanking:
    """Rank markets for one product (an HS code or a product group) of an exporter country.

    ``actor=None`` is the operator at the command line.

    Raises
    ------
    NoTradeData
        (409) No trade data or no market model.
    NotFound
        (404) Unknown product, or the exporter has no exports of it.
    InvalidInput
        (422) Bad exporter code or what-if.
    """
    if actor is not None:
        policy.require(policy.can_view_market_ranking(actor), "buyers do not see market rankings")
    code = _exporter(exporter)
    text = (product or "").strip()
    if not text:
        raise InvalidInput("product: give an HS code (e.g. 8542) or a product group", field="product")
    snap = snapshot or current_snapshot(settings)
    known = {str(p) for p in snap.recommender.products_}
    if code not in {str(c) for c in snap.recommender.countries_}:
        raise NotFound(f"exporter: {code} is not a country of the trade data", field="exporter")
    kwargs: dict[str, object] = {"exporter": code, "block": block, "tariff_increase": tariff or None}
    if _HS.match(text):
        kwargs["hs_codes"] = [text]
    else:
        by_lower = {p.lower(): p for p in known}
        kwargs["groups"] = [by_lower.get(text.lower(), text)]
    kwargs["per_exporter_usd"] = True
    return _run(snap, **kwargs)


def current_position(session: Session, company: Company) -> tuple[dict[str, float], float | None]:
    """Return the company's current markets (ISO3 → mean USD a year) and its yearly exports, if known.

    Both average the latest ``CURRENT_YEARS`` recorded years (markets: of the market rows; totals: of the
    company's yearly exports, else the sum of its markets).
    """
    rows = session.scalars(
        select(CompanyExportMarket).where(CompanyExportMarket.company_id == company.id)
    ).all()
    markets: dict[str, float] = {}
    if rows:
        last = max(r.year for r in rows)
        years = range(last - CURRENT_YEARS + 1, last + 1)
        recent = [r for r in rows if r.year in years]
        n_years = len({r.year for r in recent})
        for r in recent:
            markets[r.country_code] = markets.get(r.country_code, 0.0) + r.value_usd / n_years
        markets = {k: v for k, v in markets.items() if v > 0}
    totals = sorted(company.exports, key=lambda e: e.year)[-CURRENT_YEARS:]
    exports = float(np.mean([e.value_usd for e in totals])) if totals else None
    if not exports:
        exports = sum(markets.values()) or None
    return markets, exports


def get_company(session: Session, *, company_id: int, actor: User | None) -> Company:
    company = session.get(Company, company_id)
    if company is None:
        raise NotFound(f"company {company_id} not found")
    if actor is not None:
        policy.require(policy.can_view_company_markets(actor, company), "you may not see this company")
    return company


def rank_company(
    session: Session,
    *,
    company_id: int,
    actor: User | None,
    block: Sequence[str] = (),
    tariff: Mapping[str, float] | None = None,
    snapshot: MarketSnapshot | None = None,
    settings: Settings | None = None,
) -> tuple[Company, FirmRanking]:
    """Rank markets for a company from its products' HS codes and its current markets.

    Raises
    ------
    NotFound
        (404) No such company.
    PermissionDenied
        (403) An exporter asking for another company, or a buyer.
    Conflict
        (409) The company has no product with an HS code; ``NoTradeData`` (409) nothing loaded.
    """
    company = get_company(session, company_id=company_id, actor=actor)
    codes = [
        c
        for c in session.scalars(
            select(Product.hs_code).where(Product.company_id == company.id).order_by(Product.id)
        ).all()
        if c
    ]
    if not codes:
        raise Conflict(
            f"company {company_id} has no product with an HS code yet: set one on a product page "
            "(or accept an HS suggestion), then its markets can be ranked",
            field="products",
        )
    snap = snapshot or current_snapshot(settings)
    markets, exports = current_position(session, company)
    ranking = _run(
        snap,
        hs_codes=codes,
        exporter="KOR",
        current_markets=markets,
        exports_usd=exports,
        block=block,
        tariff_increase=tariff or None,
    )
    return company, ranking


# ---------------------------------------------------------------------------------------------- markets
def list_export_markets(
    session: Session, *, company_id: int, actor: User | None
) -> list[CompanyExportMarket]:
    """Return the company's recorded exports by destination, latest year first."""
    get_company(session, company_id=company_id, actor=actor)
    return list(
        session.scalars(
            select(CompanyExportMarket)
            .where(CompanyExportMarket.company_id == company_id)
            .order_by(CompanyExportMarket.year.desc(), CompanyExportMarket.value_usd.desc())
        ).all()
    )


def set_export_markets(
    session: Session, *, company_id: int, actor: User | None, data: ExportMarketsUpdate
) -> list[CompanyExportMarket]:
    """Replace the company's exports by destination for ``data.year`` (all or nothing)."""
    company = get_company(session, company_id=company_id, actor=actor)
    if actor is not None:
        policy.require(policy.can_edit_company_markets(actor, company), "you may not edit this company")
    countries = [reference.get_country(session, m.country, field="markets").iso3 for m in data.markets]
    if "KOR" in countries:
        raise InvalidInput("markets: Korea is the home market, not an export market", field="markets")
    if len(set(countries)) != len(countries):
        raise InvalidInput("markets: each country may appear only once", field="markets")
    old = session.scalars(
        select(CompanyExportMarket).where(
            CompanyExportMarket.company_id == company_id, CompanyExportMarket.year == data.year
        )
    ).all()
    for row in old:
        session.delete(row)
    session.flush()
    rows = [
        CompanyExportMarket(company_id=company_id, year=data.year, country_code=code, value_usd=m.value_usd)
        for code, m in zip(countries, data.markets, strict=True)
    ]
    session.add_all(rows)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="set_export_markets",
        entity="company",
        entity_id=company_id,
        changes={"year": data.year, "markets": {r.country_code: r.value_usd for r in rows}},
    )
    return rows


# ---------------------------------------------------------------------------------------------- output
def country_names(session: Session | None, lang: str) -> dict[str, str]:
    """Return ISO3 → country name in ``lang`` (ko or en); without a session, from the reference source."""
    if session is None:
        return _offline_names(lang)
    rows = session.execute(select(Country.iso3, Country.name_ko, Country.name_en)).all()
    return {iso3: (ko if lang == "ko" else en) for iso3, ko, en in rows}


@functools.lru_cache(maxsize=2)
def _offline_names(lang: str) -> dict[str, str]:
    # The rows `exportpilot reference load` writes to the countries table, for commands without a database.
    from exportpilot.reference.loader import _country_rows

    return {r["iso3"]: str(r["name_ko"] if lang == "ko" else r["name_en"]) for r in _country_rows()}


def _num(value: object) -> float | None:
    if value is None or (isinstance(value, float) and not np.isfinite(value)) or value is pd.NA:
        return None
    try:
        out = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return out if np.isfinite(out) else None


def _int(value: object) -> int | None:
    number = _num(value)
    return None if number is None else int(number)


def to_schema(
    ranking: FirmRanking,
    *,
    names: Mapping[str, str],
    top: int | None = None,
    company_id: int | None = None,
    block: Sequence[str] = (),
    tariff: Mapping[str, float] | None = None,
) -> MarketRanking:
    """Return the API body of a ranking: the ``top`` new markets (all if None) and every current market."""
    frame = ranking.markets
    new = frame[~frame["current"]]
    if top is not None:
        new = new.head(top)
    shown = pd.concat([new, frame[frame["current"]]])
    rows = []
    for r in shown.to_dict(orient="records"):
        rows.append(
            MarketRow(
                rank=_int(r["rank"]),
                partner_iso3=r["partner_iso3"],
                partner_name=names.get(r["partner_iso3"], r["partner_iso3"]),
                current=bool(r["current"]),
                score=float(r["score"]),
                expected_gain_usd=_num(r["expected_gain_usd"]),
                firm_exports_usd=float(r["firm_exports_usd"]),
                near_current=[c for c in str(r["near_current"]).split(", ") if c],
                uplift=float(r["uplift"]),
                demand_mix=float(r["demand_mix"]),
                import_demand_usd=_num(r["import_demand_usd"]),
                import_growth_3y=_num(r["import_growth_3y"]),
                exports_usd=_num(r["exports_usd"]),
                market_share=_num(r["market_share"]),
                distance_km=_num(r["distance_km"]),
                rta=bool(r["rta"]) if not pd.isna(r["rta"]) else False,
                korea_fta=r["korea_fta"] if isinstance(r["korea_fta"], str) else None,
                itc_potential_usd=_num(r["itc_potential_usd"]),
                itc_untapped_usd=_num(r["itc_untapped_usd"]),
                density=_num(r["density"]),
                components={c[2:]: round(float(r[c]), 4) for c in COMPONENTS if _num(r[c]) is not None},
                rank_before=_int(r.get("rank_before")),
                retained_share=_num(r.get("retained_share")),
                displaced_usd=_num(r.get("displaced_usd")),
                absorbed_usd=_num(r.get("absorbed_usd")),
            )
        )
    scenario = None
    if block or tariff:
        scenario = Scenario(block=list(block), tariff=dict(tariff or {}), elasticity=whatif.ELASTICITY)
    return MarketRanking(
        exporter=ranking.exporter,
        as_of_year=ranking.as_of_year,
        unit=ranking.unit,
        company_id=company_id,
        products=[
            ProductPlacement(code=m.code, hs4=m.hs4, group=m.group, via=m.via) for m in ranking.products
        ],
        groups=ranking.groups,
        skipped_groups=ranking.skipped_groups,
        neighbour_uplift=ranking.neighbour_uplift,
        current_markets=ranking.current_markets,
        scenario=scenario,
        total_markets=len(frame),
        markets=rows,
    )


CSV_COLUMNS = [
    "rank",
    "partner_iso3",
    "partner_name",
    "current",
    "score",
    "expected_gain_usd",
    "firm_exports_usd",
    "near_current",
    "uplift",
    "demand_mix",
    "import_demand_usd",
    "import_growth_3y",
    "exports_usd",
    "market_share",
    "distance_km",
    "rta",
    "korea_fta",
    "itc_potential_usd",
    "itc_untapped_usd",
    "density",
    *COMPONENTS,
]
WHATIF_COLUMNS = ["rank_before", "retained_share", "displaced_usd", "absorbed_usd"]


def to_csv(ranking: FirmRanking, *, names: Mapping[str, str]) -> str:
    """Return every market of the ranking as CSV (new markets by rank, then current markets)."""
    frame = ranking.markets.copy()
    frame["partner_name"] = frame["partner_iso3"].map(lambda c: names.get(c, c))
    columns = CSV_COLUMNS + [c for c in WHATIF_COLUMNS if c in frame]
    buffer = io.StringIO()
    frame[columns].to_csv(buffer, index=False, quoting=csv.QUOTE_MINIMAL, float_format="%.6g")
    return buffer.getvalue()


def status(settings: Settings | None = None) -> MarketModelStatus:
    """Say whether markets can be ranked (and with which model), or what to run first."""
    try:
        snap = current_snapshot(settings)
    except NoTradeData as exc:
        return MarketModelStatus(loaded=False, message=exc.message)
    rec = snap.recommender
    return MarketModelStatus(
        loaded=True,
        as_of_year=snap.as_of_year,
        train_years=list(rec.train_years_),
        product_groups=[str(p) for p in rec.products_],
        neighbour_uplift=snap.neighbour_uplift,
        source=str(snap.meta.get("extra", {}).get("source") or ""),
    )


#: Evidence families in chart order, with their labels (translated by the pages).
COMPONENT_FAMILIES = [*FEATURE_FAMILIES, "hs4_demand", "near_current"]
