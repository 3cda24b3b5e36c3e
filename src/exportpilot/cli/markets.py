"""`exportpilot markets ...`: rank export markets, back-test the ranking, try what-if scenarios."""

from __future__ import annotations

import os
import time
import uuid
from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from exportpilot.config import get_settings
from exportpilot.errors import ExportPilotError
from exportpilot.trade.panel import TradePanel
from exportpilot.trade.warehouse import Warehouse

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


@app.command()
def recommend(
    product: Annotated[str, typer.Option("--product", help="Product group, e.g. Machines.")],
    exporter: Annotated[str, typer.Option("--exporter", help="Exporting country (ISO3).")] = "KOR",
    as_of: Annotated[
        int | None, typer.Option("--as-of", help="Last year of data; default: the latest.")
    ] = None,
    top: Annotated[int, typer.Option("--top", help="Markets to show.")] = 15,
    block: Annotated[
        list[str] | None, typer.Option("--block", help="What-if: partner closed (ISO3; repeatable).")
    ] = None,
    tariff: Annotated[
        list[str] | None, typer.Option("--tariff", help="What-if: ISO3=PERCENT tariff increase, e.g. USA=25.")
    ] = None,
    trade_dir: Annotated[
        Path | None,
        typer.Option("--trade-dir", help="Trade folder; default: the warehouse, else shared data."),
    ] = None,
    csv: Annotated[
        Path | None, typer.Option("--csv", help="Also write every market with its evidence as CSV.")
    ] = None,
) -> None:
    """Rank markets for one exporter and product group, with the evidence and an optional what-if."""
    from exportpilot.markets.recommender import MarketRecommender, NotEnoughHistory

    tariffs: dict[str, float] = {}
    for item in tariff or []:
        code, _, pct = item.partition("=")
        try:
            tariffs[code.strip().upper()] = float(pct)
        except ValueError as exc:
            raise _fail(f"--tariff {item!r}: use ISO3=PERCENT, e.g. USA=25") from exc
    try:
        panel = _open_panel(trade_dir, as_of)
        rec = MarketRecommender(as_of_year=as_of).fit(panel)
        ranking = rec.rank(exporter.upper(), product, block=_split(block), tariff_increase=tariffs)
    except (NotEnoughHistory, KeyError, ValueError) as exc:
        raise _fail(str(exc)) from exc
    except ExportPilotError as exc:
        raise _fail(exc.message) from exc
    if csv is not None:
        ranking.to_csv(csv, index=False)
    whatif = "rank_before" in ranking
    grid = Table(
        title=f"{exporter.upper()} · {product} · as of {rec.as_of_year_}: where exports will grow most"
    )
    cols = [
        "rank",
        "market",
        "expected gain $M/yr",
        "exports $M",
        "imports $M",
        "import growth 3y",
        "km",
        "RTA",
    ]
    if whatif:
        cols[1:1] = ["was"]
        cols += ["displaced $M", "absorbed $M"]
    cols.append("drivers")
    for col in cols:
        grid.add_column(col)
    for row in ranking.head(top).itertuples():
        cells = [
            str(row.rank),
            row.partner_iso3,
            f"{row.score / 1e6:,.1f}",
            f"{row.exports_usd / 1e6:,.1f}",
            f"{row.import_demand_usd / 1e6:,.0f}",
            "" if pd.isna(row.import_growth_3y) else f"{row.import_growth_3y:+.0%}",
            "" if pd.isna(row.distance_km) else f"{row.distance_km:,.0f}",
            (row.korea_fta if isinstance(row.korea_fta, str) else "yes") if row.rta else "",
        ]
        if whatif:
            cells[1:1] = [str(row.rank_before)]
            cells += [f"{row.displaced_usd / 1e6:,.1f}", f"{row.absorbed_usd / 1e6:,.1f}"]
        cells.append(row.drivers)
        grid.add_row(*cells)
    Console().print(grid)
