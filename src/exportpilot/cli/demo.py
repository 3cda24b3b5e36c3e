"""`exportpilot demo ...`: load the generated demo data set."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from exportpilot.cli._steps import print_counts, step_progress
from exportpilot.db.session import unit_of_work
from exportpilot.demo.generator import DEFAULT_SEED, DEMO_EMAIL_DOMAIN, DEMO_PASSWORD, generate_demo
from exportpilot.demo.loader import STEPS, load_demo

app = typer.Typer(
    help="Demo data: generated Korean SMEs with products, overseas buyers and demo users (not real).",
    no_args_is_help=True,
)


@app.callback()
def main() -> None:
    """Demo data: generated Korean SMEs with products, overseas buyers and demo users (not real)."""


@app.command()
def load(
    seed: Annotated[int, typer.Option("--seed", help="Random seed; the same seed gives the same data.")] = (
        DEFAULT_SEED
    ),
    companies: Annotated[int, typer.Option("--companies", min=1, help="Number of Korean companies.")] = 320,
    buyers: Annotated[int, typer.Option("--buyers", min=0, help="Number of overseas buyers.")] = 2200,
) -> None:
    """Replace the demo data (clearly marked as generated) with a freshly generated set; safe to re-run.

    Needs the reference data: run `exportpilot reference load` first.
    """
    console = Console()
    with step_progress(console, STEPS, first="Generating") as on_step:
        data = generate_demo(seed, companies=companies, buyers=buyers)
        with unit_of_work() as session:
            counts = load_demo(session, data, progress=on_step)
    print_counts(console, f"Demo data (seed {seed})", counts)
    console.print(
        f"Demo users: advisor01…, exporter001…, buyer001…@{DEMO_EMAIL_DOMAIN}, "
        f"password [bold]{DEMO_PASSWORD}[/] (demo only: never on a reachable server).",
        soft_wrap=True,
    )
