"""`exportpilot match ...`: cross-lingual text matching without a database."""

from __future__ import annotations

import csv
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    help="Match buyer inquiries and exporters' products across languages.",
    no_args_is_help=True,
)


@app.callback()
def main() -> None:
    """Match buyer inquiries and exporters' products across languages."""


class InputError(Exception):
    """A CSV that cannot be used; the message says which file and why."""


def _read_column(path: Path, column: str, what: str) -> list[str]:
    import pandas as pd

    if not path.is_file():
        raise InputError(f"{what} file not found: {path}")
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError, OSError) as exc:
        raise InputError(f"{what} file {path} is not a readable UTF-8 CSV: {exc}") from exc
    if column not in df.columns:
        found = ", ".join(map(str, df.columns)) or "none"
        raise InputError(f"{what} file {path} has no column {column!r} (columns: {found})")
    return df[column].tolist()


def _write_atomic(out: Path, rows: list[tuple[int, int, int, float]]) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(["query_row", "rank", "corpus_row", "score"])
            for q, rank, c, s in rows:
                writer.writerow([q, rank, c, f"{s:.6f}"])
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@app.command("texts")
def texts(
    queries: Annotated[Path, typer.Option("--queries", help="CSV of query texts (e.g. buyer inquiries).")],
    corpus: Annotated[Path, typer.Option("--corpus", help="CSV of texts to search (e.g. product texts).")],
    out: Annotated[Path, typer.Option("--out", help="Where to write the matches CSV.")],
    text_column: Annotated[
        str, typer.Option("--text-column", help="Column holding the text in both CSVs.")
    ] = "text",
    top: Annotated[int, typer.Option("--top", min=1, help="Matches per query.")] = 10,
    no_bridge: Annotated[
        bool, typer.Option("--no-bridge", help="Skip the HS-code bridge (embeddings and lexical only).")
    ] = False,
) -> None:
    """Rank corpus rows for each query row: writes query_row, rank, corpus_row, score.

    Rows are 0-based data rows (the header is not counted); rank 1 is the best match. The output is
    written to a temporary file and renamed, so a failed run leaves no partial file.
    """
    started = time.perf_counter()
    try:
        q_texts = _read_column(queries, text_column, "queries")
        c_texts = _read_column(corpus, text_column, "corpus")
    except InputError as exc:
        typer.echo(f"Error: {exc}", err=True)
        raise typer.Exit(code=2) from exc

    from exportpilot.matching.text import TextMatcher

    matcher = TextMatcher(use_bridge=not no_bridge).fit(c_texts, queries=q_texts)
    results = matcher.search(q_texts, top=top)
    rows = [
        (qi, rank, ci, score)
        for qi, hits in enumerate(results)
        for rank, (ci, score) in enumerate(hits, start=1)
    ]
    try:
        _write_atomic(out, rows)
    except OSError as exc:
        typer.echo(f"Error: cannot write {out}: {exc}", err=True)
        raise typer.Exit(code=2) from exc
    elapsed = time.perf_counter() - started
    typer.echo(
        f"{len(q_texts)} queries x {len(c_texts)} corpus texts -> {len(rows)} matches in {out} "
        f"({elapsed:.1f} s)",
        err=True,
    )


@app.command("warm")
def warm() -> None:
    """Fit and cache the HS bridge (its reference texts' lexical model) ahead of the first match."""
    from exportpilot.matching.text import TextMatcher

    started = time.perf_counter()
    TextMatcher().fit(["warm-up"])
    json.dump({"seconds": round(time.perf_counter() - started, 1)}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    app()
