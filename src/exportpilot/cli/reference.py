"""`exportpilot reference ...`: load the reference tables."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from exportpilot.cli._steps import print_counts, step_progress
from exportpilot.db.session import unit_of_work
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
    with step_progress(console, STEPS) as on_step, unit_of_work() as session:
        counts = load_reference(session, progress=on_step, regions_file=regions_file)
    print_counts(console, "Reference tables", counts)
