"""`exportpilot markets ...`: rank export markets, back-test the ranking, try what-if scenarios."""

from __future__ import annotations

import os
import tempfile
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import pandas as pd
import typer
from pydantic import ValidationError
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from exportpilot.config import get_settings
from exportpilot.errors import ExportPilotError
from exportpilot.markets.store import NoTradeData
from exportpilot.trade.panel import TradePanel
from exportpilot.trade.report import TradeDataError
from exportpilot.trade.warehouse import Warehouse

if TYPE_CHECKING:
    from exportpilot.markets.firm import FirmRanking
    from exportpilot.markets.store import MarketSnapshot

app = typer.Typer(
    help="Export-market recommendation: rank partner countries, back-test the ranking, what-if scenarios.",
    no_args_is_help=True,
)
console = Console(stderr=True)

#: Exit code for bad input (usage errors), as click uses for its own.
BAD_INPUT = 2
CONTRACT_COLUMNS = ["exporter_iso3", "product_group", "rank", "partner_iso3", "score"]


@app.callback()
def main() -> None:
    """Export-market recommendation: rank partner countries, back-test the ranking, what-if scenarios."""


def _fail(message: str) -> typer.Exit:
    console.print(f"[bold red]Error:[/] {message}", soft_wrap=True)
    return typer.Exit(code=BAD_INPUT)


def _split(values: list[str] | None) -> list[str]:
    return [v.strip().upper() for value in values or [] for v in value.split(",") if v.strip()]


def _default_trade_dir() -> Path | None:
    shared = get_settings().shared_data
    return shared / "trade" if shared is not None and (shared / "trade").is_dir() else None


def _open_panel(trade_dir: Path | None, max_year: int | None) -> TradePanel:
    """Read the panel from ``trade_dir``, else the warehouse, else the shared data folder."""
    if trade_dir is not None:
        return TradePanel.from_trade_dir(trade_dir, max_year=max_year)
    warehouse = Warehouse.from_settings()
    if "flows_group" in warehouse.tables():
        return TradePanel.from_warehouse(warehouse, max_year=max_year)
    fallback = _default_trade_dir()
    if fallback is None:
        raise ExportPilotError("no trade data: pass --trade-dir, or run `exportpilot data load ots`")
    return TradePanel.from_trade_dir(fallback, max_year=max_year)


@app.command()
def rank(
    trade_dir: Annotated[
        Path,
        typer.Option(
            "--trade-dir",
            help="Folder laid out like shared/data/trade (every bilateral_groups_*.parquet is read).",
        ),
    ],
    as_of: Annotated[int, typer.Option("--as-of", help="Last year of data used; nothing after it is read.")],
    out: Annotated[Path, typer.Option("--out", help="Parquet file to write.")],
    level: Annotated[
        str, typer.Option("--level", help="Product level of the ranking; the OTS folder has `group`.")
    ] = "group",
    exporters: Annotated[
        list[str] | None,
        typer.Option("--exporters", help="ALL, or ISO3 codes (comma-separated or repeated)."),
    ] = None,
    top: Annotated[int, typer.Option("--top", help="Partners kept per exporter × product group.")] = 20,
) -> None:
    """Rank partner markets for every exporter × product group that has exports; write a Parquet file.

    Columns: exporter_iso3, product_group, rank (1 = best), partner_iso3, score (expected gain in exports over
    the next three years, USD a year). Bad input exits with code 2 and writes nothing.
    """
    from exportpilot.markets.recommender import MarketRecommender, NotEnoughHistory

    started = time.perf_counter()
    if level != "group":
        raise _fail(f"--level {level!r}: the trade folder holds product groups only; use --level group")
    if top < 1:
        raise _fail("--top must be at least 1")
    if not trade_dir.is_dir():
        raise _fail(f"--trade-dir {trade_dir} is not a folder")
    if out.exists() and out.is_dir():
        raise _fail(f"--out {out} is a folder")
    if not out.parent.is_dir():
        raise _fail(f"--out: folder {out.parent} does not exist")
    codes = _split(exporters) or ["ALL"]
    selected = None if "ALL" in codes else codes
    try:
        panel = TradePanel.from_trade_dir(trade_dir, max_year=as_of)
        if panel.max_year < as_of:
            raise _fail(f"--as-of {as_of}: the data in {trade_dir} ends in {panel.max_year}")
        if selected is not None:
            unknown = sorted(set(selected) - set(panel.exporters()))
            if unknown:
                raise _fail(f"--exporters: no exports up to {as_of} for {', '.join(unknown)}")
        rec = MarketRecommender(as_of_year=as_of).fit(panel)
        ranking = rec.rank_all(exporters=selected, top=top).rename(columns={"product": "product_group"})
    except NotEnoughHistory as exc:
        raise _fail(f"--as-of {as_of}: {exc}") from exc
    except ExportPilotError as exc:
        raise _fail(exc.message) from exc
    tmp = out.with_name(f".{out.name}.{uuid.uuid4().hex}.tmp")
    try:
        ranking[CONTRACT_COLUMNS].to_parquet(tmp, index=False)
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    lists = ranking.groupby(["exporter_iso3", "product_group"]).ngroups
    console.print(
        f"wrote {len(ranking):,} rows ({lists:,} exporter × product lists, as of {as_of}) to {out} "
        f"in {time.perf_counter() - started:.0f} s"
    )


@app.command(context_settings={"allow_extra_args": True})
def backtest(
    ctx: typer.Context,
    as_of: Annotated[
        list[str] | None,
        typer.Option(
            "--as-of", help="As-of years, e.g. --as-of 2006 2009 2012 (at most the data's last year - 3)."
        ),
    ] = None,
    exporters: Annotated[
        list[str] | None,
        typer.Option("--exporters", help="Scopes to judge: KOR, ALL, or other ISO3 codes (comma-separated)."),
    ] = None,
    trade_dir: Annotated[
        Path | None,
        typer.Option("--trade-dir", help="Trade folder; default: the warehouse, else shared data."),
    ] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Also write the table as JSON.")] = None,
) -> None:
    """Back-test the recommender and the baselines: rank with data ≤ T, judge on T+1..T+3."""
    from exportpilot.markets.backtest import margins, run_backtest

    raw_years = [*(as_of or []), *ctx.args]
    try:
        years = sorted({int(y) for value in raw_years for y in str(value).split(",") if y.strip()})
    except ValueError as exc:
        raise _fail(f"--as-of takes years, got {' '.join(raw_years)}") from exc
    if not years:
        years = [2006, 2009, 2012]
    scopes_codes = _split(exporters) or ["KOR", "ALL"]
    scopes = {code: (None if code == "ALL" else [code]) for code in scopes_codes}
    try:
        panel = _open_panel(trade_dir, None)
        too_late = [y for y in years if y + 3 > panel.max_year]
        if too_late:
            raise _fail(
                f"--as-of {too_late}: judging needs three later years; the data ends in {panel.max_year}"
            )
        table = run_backtest(panel, years, scopes=scopes, progress=lambda m: console.print(f"[dim]{m}[/]"))
    except ExportPilotError as exc:
        raise _fail(exc.message) from exc
    except ValueError as exc:
        raise _fail(str(exc)) from exc
    out = Console()
    grid = Table(title="Back-test: gain-weighted NDCG@10 and new-market precision@10 (T+1..T+3)")
    for col in ("as-of", "exporters", "method", "NDCG@10", "new P@10", "lists", "lists w/ new"):
        grid.add_column(col, justify="right" if col not in ("method", "exporters") else "left")
    for row in table.itertuples():
        style = "bold" if row.method == "recommender" else ""
        grid.add_row(
            str(row.as_of),
            row.scope,
            row.method,
            f"{row.ndcg_at_10:.3f}",
            f"{row.precision_new_at_10:.3f}",
            str(row.lists),
            str(row.lists_with_new_markets),
            style=style,
        )
    out.print(grid)
    lead = margins(table)
    lead_table = Table(title="Recommender's lead over the best baseline")
    for col in ("as-of", "exporters", "NDCG@10 lead", "best baseline", "new P@10 lead", "best baseline "):
        lead_table.add_column(col)
    for row in lead.itertuples():
        lead_table.add_row(
            str(row.as_of),
            row.scope,
            f"{row.ndcg_at_10_lead:+.3f}",
            row.ndcg_at_10_best_baseline_name,
            f"{row.precision_new_at_10_lead:+.3f}",
            row.precision_new_at_10_best_baseline_name,
        )
    out.print(lead_table)
    if json_out is not None:
        json_out.write_text(table.to_json(orient="records", indent=2))


def fit_market_model(warehouse: Warehouse, out: Console) -> None:
    """Fit the market model on the warehouse's data and save it, with a progress bar (exit 1 on failure)."""
    from exportpilot.markets.store import build_from_warehouse, model_folder

    steps = [
        "reading the trade panel",
        "fitting the market recommender",
        "learning the neighbour uplift",
        "scoring every exporter",
    ]
    started = time.perf_counter()
    with Progress(
        TextColumn("{task.description:<40}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=out,
    ) as progress:
        task = progress.add_task("Market model", total=len(steps))

        def on_step(message: str) -> None:
            done = next((i for i, step in enumerate(steps) if message.startswith(step)), 0)
            progress.update(task, description=message[:40], completed=done)

        try:
            snapshot = build_from_warehouse(warehouse, model_folder(), progress=on_step)
        except ExportPilotError as exc:
            progress.stop()
            out.print(f"[bold red]Error:[/] {exc.message}", soft_wrap=True)
            raise typer.Exit(code=1) from exc
        progress.update(task, description="Market model saved", completed=len(steps))
    rec = snapshot.recommender
    out.print(
        f"market model as of {snapshot.as_of_year} (trained on {rec.train_years_}, "
        f"{rec.n_train_rows_:,} rows; neighbour uplift {snapshot.neighbour_uplift:.2f}) saved to "
        f"{snapshot.folder} in {time.perf_counter() - started:.0f} s"
    )


@app.command()
def fit() -> None:
    """Fit the market recommender on the loaded trade data and save it for the web pages, API and CLI.

    `exportpilot data load ots` does this after loading; run it again after changing the model's code.
    """
    warehouse = Warehouse.from_settings()
    if "flows_group" not in warehouse.tables():
        console.print("[bold red]Error:[/] no trade data loaded: run `exportpilot data load ots` first")
        raise typer.Exit(code=1)
    fit_market_model(warehouse, console)


def _snapshot_for(trade_dir: Path | None, as_of: int | None) -> MarketSnapshot:
    """The saved market model, or (with --trade-dir / --as-of) one fitted now on that data."""
    from exportpilot.markets.store import (
        build_snapshot,
        current_snapshot,
        hs_tables_from_trade_dir,
        hs_tables_from_warehouse,
    )

    if trade_dir is None and as_of is None:
        return current_snapshot()
    panel = _open_panel(trade_dir, as_of)
    if as_of is not None and panel.max_year < as_of:
        raise _fail(f"--as-of {as_of}: the data ends in {panel.max_year}")
    if trade_dir is not None:
        groups, imports = hs_tables_from_trade_dir(trade_dir)
    else:
        groups, imports = hs_tables_from_warehouse(Warehouse.from_settings())
    folder = Path(tempfile.mkdtemp(prefix="exportpilot-markets-")) / "model"
    with console.status(f"fitting the market recommender as of {panel.max_year}…"):
        return build_snapshot(panel, folder, hs_groups=groups, hs4_imports=imports)


@app.command()
def recommend(
    product: Annotated[
        str | None,
        typer.Option("--product", help="HS code (e.g. 854231) or product group (e.g. Machines)."),
    ] = None,
    company: Annotated[
        int | None,
        typer.Option("--company", help="Company id: rank from its products' HS codes and current markets."),
    ] = None,
    exporter: Annotated[
        str, typer.Option("--exporter", help="Exporting country (ISO3), with --product.")
    ] = "KOR",
    as_of: Annotated[
        int | None,
        typer.Option("--as-of", help="Fit now on data up to this year instead of the saved model."),
    ] = None,
    top: Annotated[int, typer.Option("--top", help="New markets to show.")] = 15,
    block: Annotated[
        list[str] | None, typer.Option("--block", help="What-if: partner closed (ISO3; repeatable).")
    ] = None,
    tariff: Annotated[
        list[str] | None,
        typer.Option(
            "--tariff", help="What-if: ISO3=PERCENT (or ISO3:PERCENT) tariff increase, e.g. USA=25."
        ),
    ] = None,
    trade_dir: Annotated[
        Path | None,
        typer.Option("--trade-dir", help="Fit now on this trade folder instead of the saved model."),
    ] = None,
    csv: Annotated[
        Path | None, typer.Option("--csv", help="Also write every market with its evidence as CSV.")
    ] = None,
    lang: Annotated[str, typer.Option("--lang", help="Country names: en or ko.")] = "en",
) -> None:
    """Rank export markets for a product of a country, or for a company, with the evidence and a what-if.

    With --company, the markets the company already sells in are its current position (listed apart,
    never recommended as new) and new markets next to them are scored up. Uses the model saved by
    `exportpilot data load ots` / `exportpilot markets fit` unless --trade-dir or --as-of is given.
    """
    from exportpilot.db.session import unit_of_work
    from exportpilot.markets import service

    if (product is None) == (company is None):
        raise _fail("give either --product HS|GROUP (with --exporter) or --company ID")
    if top < 1:
        raise _fail("--top must be at least 1")
    if lang not in ("en", "ko"):
        raise _fail("--lang is en or ko")
    try:
        blocked, tariffs = service.parse_block(block), service.parse_tariffs(tariff)
        snapshot = _snapshot_for(trade_dir, as_of)
        if company is not None:
            with unit_of_work() as session:
                firm, ranking = service.rank_company(
                    session, company_id=company, actor=None, block=blocked, tariff=tariffs, snapshot=snapshot
                )
                title = f"{firm.name_en} (company {company})"
                names = service.country_names(session, lang)
        else:
            ranking = service.rank_product(
                actor=None,
                product=str(product),
                exporter=exporter,
                block=blocked,
                tariff=tariffs,
                snapshot=snapshot,
            )
            title = f"{ranking.exporter} · {product}"
            names = service.country_names(None, lang)
    except NoTradeData as exc:
        console.print(f"[bold red]Error:[/] {exc.message}", soft_wrap=True)
        raise typer.Exit(code=1) from exc
    except ExportPilotError as exc:
        raise _fail(exc.message) from exc
    except TradeDataError as exc:
        raise _fail(exc.report.summary()) from exc
    if csv is not None:
        csv.write_text(service.to_csv(ranking, names=names))
    _print_ranking(ranking, names, title=title, top=top)


def _money(value: float) -> str:
    if pd.isna(value):
        return ""
    return f"{value / 1e6:,.2f}" if abs(value) < 1e8 else f"{value / 1e6:,.0f}"


def _print_ranking(ranking: FirmRanking, names: dict[str, str], *, title: str, top: int) -> None:
    whatif = "rank_before" in ranking.markets
    unit = "$M/yr" if ranking.unit == "usd" else "per $ exported"
    places = ", ".join(
        f"{m.code}→{m.group}" + (" (by chapter)" if m.via == "chapter" else "") for m in ranking.products
    )
    subtitle = f"as of {ranking.as_of_year}" + (f" · {places}" if places else "")
    if ranking.skipped_groups:
        subtitle += f" · no exports of {', '.join(ranking.skipped_groups)}"
    out = Console()
    for label, frame in (
        ("new markets", ranking.new_markets.head(top)),
        ("current markets", ranking.current),
    ):
        if frame.empty:
            continue
        grid = Table(title=f"{title} — {label}", caption=subtitle)
        cols = [
            "rank",
            "market",
            f"expected gain {unit}",
            "firm $M" if ranking.current_markets else "",
            "imports $M",
        ]
        cols += ["import growth 3y", "km", "FTA/RTA", "near", "HS4 mix"]
        if whatif:
            cols[1:1] = ["was"]
            cols += ["displaced $M", "absorbed $M"]
        cols = [c for c in cols if c]
        for col in cols:
            grid.add_column(col)
        for row in frame.itertuples():
            gain = _money(row.expected_gain_usd) if ranking.unit == "usd" else f"{row.score:.4f}"
            cells = [
                "" if pd.isna(row.rank) else str(row.rank),
                f"{names.get(row.partner_iso3, row.partner_iso3)} ({row.partner_iso3})",
                gain,
            ]
            if ranking.current_markets:
                cells.append(_money(row.firm_exports_usd))
            cells += [
                _money(row.import_demand_usd),
                "" if pd.isna(row.import_growth_3y) else f"{row.import_growth_3y:+.0%}",
                "" if pd.isna(row.distance_km) else f"{row.distance_km:,.0f}",
                (row.korea_fta if isinstance(row.korea_fta, str) else "RTA") if row.rta is True else "",
                row.near_current,
                f"{row.demand_mix:.2f}",
            ]
            if whatif:
                cells[1:1] = ["" if pd.isna(row.rank_before) else str(row.rank_before)]
                cells += [_money(row.displaced_usd), _money(row.absorbed_usd)]
            grid.add_row(*cells)
        out.print(grid)


@app.command("company-markets")
def company_markets(
    company: Annotated[int, typer.Option("--company", help="Company id.")],
    year: Annotated[
        int | None, typer.Option("--year", help="Year of the exports to record (with --set).")
    ] = None,
    set_: Annotated[
        list[str] | None,
        typer.Option(
            "--set", help="ISO3=USD exports to a country in --year (repeatable); replaces that year."
        ),
    ] = None,
) -> None:
    """Show, or record (--year with --set), a company's exports by destination: its current markets."""
    from exportpilot.db.session import unit_of_work
    from exportpilot.markets import service
    from exportpilot.markets.schemas import ExportMarketIn, ExportMarketsUpdate

    try:
        with unit_of_work() as session:
            if set_:
                if year is None:
                    raise _fail("--set needs --year")
                markets = []
                for item in set_:
                    code, _, value = item.replace(":", "=").partition("=")
                    try:
                        markets.append(ExportMarketIn(country=code.strip(), value_usd=int(float(value))))
                    except (ValueError, ValidationError) as exc:
                        raise _fail(f"--set {item!r}: use ISO3=USD, e.g. VNM=250000") from exc
                try:
                    data = ExportMarketsUpdate(year=year, markets=markets)
                except ValidationError as exc:
                    raise _fail(f"--year/--set: {exc.errors()[0]['msg']}") from exc
                service.set_export_markets(session, company_id=company, actor=None, data=data)
            rows = service.list_export_markets(session, company_id=company, actor=None)
            grid = Table(title=f"Company {company}: exports by destination")
            for col in ("year", "country", "USD"):
                grid.add_column(col, justify="right" if col == "USD" else "left")
            for r in rows:
                grid.add_row(str(r.year), r.country_code, f"{r.value_usd:,}")
    except ExportPilotError as exc:
        raise _fail(exc.message) from exc
    Console().print(grid if rows else f"company {company} has no recorded export markets")
