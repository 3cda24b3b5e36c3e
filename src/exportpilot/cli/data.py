"""`exportpilot data ...`: load trade data into the warehouse and download BACI releases."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from rich.table import Table

from exportpilot.config import get_settings
from exportpilot.errors import ExportPilotError
from exportpilot.trade.download import BACI_URL_TEMPLATE, baci_url, download
from exportpilot.trade.report import LoadReport, TradeDataError
from exportpilot.trade.warehouse import Warehouse, load_baci, load_context, load_open_trade_statistics

app = typer.Typer(help="Trade data: load the warehouse, download BACI.", no_args_is_help=True)
load_app = typer.Typer(
    help="Load trade files into the warehouse (atomic; re-runnable).", no_args_is_help=True
)
download_app = typer.Typer(help="Download publishers' releases (resumable).", no_args_is_help=True)
app.add_typer(load_app, name="load")
app.add_typer(download_app, name="download")
console = Console()


@app.callback()
def main() -> None:
    """Trade data: load the warehouse, download BACI."""


def _print_reports(reports: list[LoadReport]) -> None:
    table = Table(title="Warehouse load")
    for col in ("table", "rows read", "rows loaded", "dropped", "seconds"):
        table.add_column(col, justify="left" if col in ("table", "dropped") else "right")
    for r in reports:
        dropped = ", ".join(f"{k}: {v:,}" for k, v in r.dropped.items() if v) or "-"
        table.add_row(r.table, f"{r.rows_read:,}", f"{r.rows_loaded:,}", dropped, f"{r.seconds:.1f}")
    console.print(table)


def _rejected(exc: TradeDataError) -> typer.Exit:
    console.print(
        f"[bold red]Rejected[/] — the warehouse is unchanged.\n{exc.report.summary()}", soft_wrap=True
    )
    return typer.Exit(code=1)


@load_app.command("ots")
def load_ots(
    trade_dir: Annotated[
        Path | None,
        typer.Option(
            "--trade-dir", help="Folder like shared/data/trade; default: EXPORTPILOT_SHARED_DATA/trade."
        ),
    ] = None,
    model: Annotated[
        bool,
        typer.Option(
            "--model/--no-model",
            help="Then fit and save the market model the web pages and API rank with (about a minute).",
        ),
    ] = True,
) -> None:
    """Load Open Trade Statistics flows, HS4 totals, RTAs and gravity/GDP context into the warehouse.

    Then (unless --no-model) fit the market recommender on the loaded data and save it, as
    `exportpilot markets fit` does.
    """
    if trade_dir is None:
        shared = get_settings().shared_data
        if shared is None:
            console.print("[bold red]Error:[/] no --trade-dir and no shared data folder")
            raise typer.Exit(code=2)
        trade_dir = shared / "trade"
    warehouse = Warehouse.from_settings()
    try:
        with console.status("checking and loading…"):
            reports = load_open_trade_statistics(warehouse, trade_dir)
            reports += load_context(warehouse, trade_dir)
    except TradeDataError as exc:
        raise _rejected(exc) from exc
    _print_reports(reports)
    console.print(f"warehouse: {warehouse.root}")
    if model:
        from exportpilot.cli.markets import fit_market_model

        fit_market_model(warehouse, console)


@load_app.command("baci")
def load_baci_command(
    paths: Annotated[
        list[Path], typer.Argument(help="BACI CSV files or release zips.", exists=True, dir_okay=False)
    ],
    hs: Annotated[
        str | None, typer.Option("--hs", help="HS revision (HS17); default: from the file names.")
    ] = None,
    drop_unknown: Annotated[
        bool,
        typer.Option("--drop-unknown", help="Drop rows with unknown country codes instead of rejecting."),
    ] = False,
) -> None:
    """Load BACI files into the warehouse (table baci_<hs>); their years replace the same years."""
    warehouse = Warehouse.from_settings()
    try:
        with console.status("checking and loading…"):
            report = load_baci(warehouse, paths, hs=hs, on_unknown="drop" if drop_unknown else "reject")
    except TradeDataError as exc:
        raise _rejected(exc) from exc
    _print_reports([report])
    if report.dropped:
        console.print(f"dropped: {report.dropped}")


@download_app.command("baci")
def download_baci(
    release: Annotated[str, typer.Option("--release", help="BACI release, e.g. 202401b.")],
    hs: Annotated[
        str, typer.Option("--hs", help="HS revision: HS92, HS96, HS02, HS07, HS12, HS17 or HS22.")
    ] = "HS17",
    dest: Annotated[Path | None, typer.Option("--dest", help="Folder; default: <var_dir>/downloads.")] = None,
    url_template: Annotated[
        str,
        typer.Option(
            "--url-template",
            envvar="EXPORTPILOT_BACI_URL_TEMPLATE",
            help="URL with {hs} and {release}; default: CEPII's download address.",
        ),
    ] = BACI_URL_TEMPLATE,
    retries: Annotated[
        int, typer.Option("--retries", help="Resumed attempts after a dropped connection.")
    ] = 5,
    load: Annotated[
        bool, typer.Option("--load/--no-load", help="Load the release into the warehouse after.")
    ] = False,
) -> None:
    """Download a BACI release from CEPII, resuming an interrupted download (HTTP Range)."""
    try:
        url = baci_url(release, hs, url_template)
    except ValueError as exc:
        console.print(f"[bold red]Error:[/] {exc}")
        raise typer.Exit(code=2) from exc
    folder = dest or get_settings().var_dir / "downloads"
    target = folder / Path(url.split("?")[0]).name
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeRemainingColumn(),
        console=console,
    ) as progress:
        task = progress.add_task(target.name, total=None)

        def on_chunk(done: int, total: int | None) -> None:
            progress.update(task, completed=done, total=total)

        try:
            result = download(url, target, progress=on_chunk, retries=retries)
        except ExportPilotError as exc:
            progress.stop()
            console.print(f"[bold red]Error:[/] {exc.message}", soft_wrap=True)
            raise typer.Exit(code=1) from exc
    resumed = f", resumed at {result.resumed_from:,} bytes" if result.resumed_from else ""
    console.print(f"{result.path} ({result.bytes:,} bytes{resumed})")
    if load:
        try:
            report = load_baci(Warehouse.from_settings(), [result.path], hs=hs)
        except TradeDataError as exc:
            raise _rejected(exc) from exc
        _print_reports([report])


@app.command("status")
def status() -> None:
    """List the warehouse's tables with their rows and load time."""
    warehouse = Warehouse.from_settings()
    table = Table(title=f"Warehouse {warehouse.root}")
    for col in ("table", "rows", "loaded at", "size"):
        table.add_column(col)
    for name in warehouse.tables():
        manifest = warehouse.manifest(name) or {}
        size = os.path.getsize(warehouse.table_path(name))
        table.add_row(
            name, f"{manifest.get('rows', 0):,}", str(manifest.get("loaded_at", "?")), f"{size / 1e6:,.1f} MB"
        )
    console.print(table)
