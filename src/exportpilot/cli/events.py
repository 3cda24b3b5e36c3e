"""`exportpilot events ...`: export consultation meetings."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from exportpilot.errors import InvalidInput

app = typer.Typer(help="Export consultation meetings: 1:1 meeting schedules.", no_args_is_help=True)

EXIT_BAD_INPUT = 2


@app.callback()
def main() -> None:
    """Export consultation meetings: 1:1 meeting schedules."""


def _reserve(time_limit: float) -> float:
    """Seconds kept back from the solver for writing the output and exiting."""
    return min(3.0, max(0.4, 0.04 * time_limit))


@app.command("schedule")
def schedule(
    participants: Annotated[
        Path,
        typer.Option(
            "--participants",
            help="CSV: id, kind (buyer|exporter), languages (space-separated ISO 639-1), timezone (IANA), "
            "max_meetings, available_slots (space-separated slot ids; empty = all).",
            dir_okay=False,
        ),
    ],
    slots: Annotated[
        Path,
        typer.Option("--slots", help="CSV: id, start, end (ISO 8601 with a UTC offset).", dir_okay=False),
    ],
    requests: Annotated[
        Path,
        typer.Option(
            "--requests",
            help="CSV: buyer_id, exporter_id, weight (> 0); a pair listed twice keeps its largest weight.",
            dir_okay=False,
        ),
    ],
    tables: Annotated[int, typer.Option("--tables", help="Tables in every slot.", min=1)],
    time_limit: Annotated[
        float,
        typer.Option("--time-limit", help="Seconds for everything, reading and writing included.", min=0.1),
    ],
    out: Annotated[
        Path,
        typer.Option(
            "--out", help="Output CSV: buyer_id, exporter_id, slot_id, table (from 1).", dir_okay=False
        ),
    ],
    interpreters: Annotated[
        Path | None,
        typer.Option(
            "--interpreters",
            help="CSV: language, slot_id, count. Without it, interpretation is not constrained.",
            dir_okay=False,
        ),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Random seed of the search.")] = 0,
    workers: Annotated[int, typer.Option("--workers", help="Solver threads.", min=1)] = 1,
) -> None:
    """Schedule 1:1 meetings: maximise the total weight of the scheduled requests.

    Every slot is in person; slots that overlap count as the same time. A meeting whose sides share no
    language needs an interpreter of one of the buyer's languages. Prints the weight, the proven upper
    bound, the gap and the greedy baseline to stderr. Bad input: a message naming the file and line,
    exit code 2, and no output file.
    """
    started = time.monotonic()
    from exportpilot.events.csvio import load_instance, write_schedule_csv
    from exportpilot.events.scheduler import Scheduler

    def fail(message: str) -> typer.Exit:
        typer.echo(f"error: {message}", err=True)
        return typer.Exit(code=EXIT_BAD_INPUT)

    out_dir = out.parent if str(out.parent) else Path(".")
    if not out_dir.is_dir():
        raise fail(f"--out: the directory {out_dir} does not exist")
    try:
        loaded = load_instance(
            participants=participants,
            slots=slots,
            requests=requests,
            interpreters=interpreters,
            tables=tables,
        )
    except InvalidInput as exc:
        raise fail(exc.message) from exc
    instance = loaded.instance
    if loaded.merged_duplicate_requests:
        typer.echo(
            f"note: {loaded.merged_duplicate_requests} duplicate request(s) for the same pair merged, "
            "keeping the largest weight",
            err=True,
        )
    if loaded.overlapping_slot_pairs:
        typer.echo(
            f"note: {loaded.overlapping_slot_pairs} pair(s) of overlapping slots, treated as the same time",
            err=True,
        )
    if interpreters is None:
        typer.echo("note: no --interpreters file, interpretation is not constrained", err=True)

    budget = time_limit - (time.monotonic() - started) - _reserve(time_limit)
    result = Scheduler(time_limit=max(0.05, budget), seed=seed, workers=workers).solve(instance)
    write_schedule_csv(out, result.meetings, instance)

    share = result.greedy_weight / result.upper_bound if result.upper_bound > 0 else 1.0
    typer.echo(
        f"scheduled {len(result.meetings)} meetings for {len(instance.requests)} requests in "
        f"{time.monotonic() - started:.1f} s -> {out}",
        err=True,
    )
    typer.echo(
        f"weight {result.weight:g}  upper bound {result.upper_bound:.6g}  gap {100 * result.gap:.2f}%  "
        f"greedy {result.greedy_weight:g} ({100 * share:.2f}% of the bound)",
        err=True,
    )
