"""`exportpilot reference ...`: load the reference tables."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from exportpilot.db.session import unit_of_work
from exportpilot.errors import ExportPilotError
from exportpilot.reference.loader import STEPS, load_reference

app = typer.Typer(
    help="Reference data: countries, currencies, languages, Korea's provinces and regions, HS codes.",
    no_args_is_help=True,
)


@app.callback()
def main() -> None:
    """Reference data: countries, currencies, languages, Korea's provinces and regions, HS codes."""


@app.command()
def load(
    regions_file: Annotated[
        Path | None,
        typer.Option(
            "--regions-file",
            help="Regions TOML to use instead of EXPORTPILOT_REGIONS_FILE or the shipped mapping.",
            exists=True,
            dir_okay=False,
        ),
    ] = None,
) -> None:
    """Insert or update every reference table; safe to re-run."""
    console = Console()
    try:
        with Progress(
            TextColumn("{task.description:<24}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
        ) as progress:
            task = progress.add_task("Loading", total=len(STEPS))

            def on_step(step: str) -> None:
                progress.update(task, description=f"Loading {step}", completed=STEPS.index(step))

            with unit_of_work() as session:
                counts = load_reference(session, progress=on_step, regions_file=regions_file)
            progress.update(task, description="Loaded", completed=len(STEPS))
    except ExportPilotError as exc:
        console.print(f"[bold red]Error:[/] {exc.message}", soft_wrap=True)
        raise typer.Exit(code=1) from exc

    table = Table(title="Reference tables")
    table.add_column("Table")
    table.add_column("Rows", justify="right")
    for name, count in counts.items():
        table.add_row(name, f"{count:,}")
    console.print(table)
