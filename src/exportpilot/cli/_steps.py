"""Shared by the commands that load data in named steps: a progress bar, clean errors, a table of counts."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from exportpilot.errors import ExportPilotError


@contextmanager
def step_progress(
    console: Console, steps: Sequence[str], first: str = "Loading"
) -> Iterator[Callable[[str], None]]:
    """Show a bar over ``steps``; yield the callback a loader calls with each step's name.

    A domain error ends the command with its message and exit code 1.
    """
    try:
        with Progress(
            TextColumn("{task.description:<24}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
        ) as progress:
            task = progress.add_task(first, total=len(steps))

            def on_step(step: str) -> None:
                progress.update(task, description=f"Loading {step}", completed=list(steps).index(step))

            yield on_step
            progress.update(task, description="Loaded", completed=len(steps))
    except ExportPilotError as exc:
        console.print(f"[bold red]Error:[/] {exc.message}", soft_wrap=True)
        raise typer.Exit(code=1) from exc


def print_counts(console: Console, title: str, counts: dict[str, int]) -> None:
    """Print the rows per table after a load."""
    table = Table(title=title)
    table.add_column("Table")
    table.add_column("Rows", justify="right")
    for name, count in counts.items():
        table.add_row(name, f"{count:,}")
    console.print(table)
