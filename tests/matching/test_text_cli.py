"""`exportpilot match texts`: the contract used for external evaluation, end to end on small CSVs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from exportpilot.cli.match import app
from exportpilot.config import get_settings
from exportpilot.matching import text as text_module
from exportpilot.matching.text_reference import ReferenceSet, nomenclature_references

runner = CliRunner()

QUERIES = ["Café, incluso tostado o descafeinado", "Neumáticos nuevos de caucho", "", "Juguetes"]
CORPUS = ["자동차용 타이어", "원두 커피", "어린이 장난감 블록", "냉동 고등어", "   "]


def _small_reference() -> ReferenceSet:
    nomen = nomenclature_references(short_names=False)
    keep = [
        c[:2] in {"03", "09", "40", "95"} and s != "hs22-en"
        for c, s in zip(nomen.codes, nomen.sources, strict=True)
    ]
    return nomen.select(keep)


@pytest.fixture(autouse=True)
def _small_world(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A private var folder and a small HS reference, so the command runs in seconds."""
    monkeypatch.setenv("EXPORTPILOT_VAR_DIR", str(tmp_path / "var"))
    get_settings.cache_clear()
    monkeypatch.setattr(text_module, "default_references", lambda shared: _small_reference())
    yield
    get_settings.cache_clear()


def _csv(path: Path, texts: list[str], column: str = "text") -> Path:
    pd.DataFrame({column: texts, "other": range(len(texts))}).to_csv(path, index=False)
    return path


def _run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["texts", *args])


class TestMatchTexts:
    def test_writes_ranked_matches_for_every_query(self, tmp_path: Path) -> None:
        q = _csv(tmp_path / "q.csv", QUERIES)
        c = _csv(tmp_path / "c.csv", CORPUS)
        out = tmp_path / "out" / "m.csv"
        result = _run(
            "--queries", str(q), "--corpus", str(c), "--text-column", "text", "--top", "3", "--out", str(out)
        )
        assert result.exit_code == 0, result.output
        m = pd.read_csv(out)
        assert list(m.columns) == ["query_row", "rank", "corpus_row", "score"]
        assert len(m) == len(QUERIES) * 3
        assert sorted(m["query_row"].unique()) == list(range(len(QUERIES)))
        for _, group in m.groupby("query_row"):
            assert list(group["rank"]) == [1, 2, 3]
            assert list(group["score"]) == sorted(group["score"], reverse=True)
            assert group["corpus_row"].between(0, len(CORPUS) - 1).all()
        best = m[m["rank"] == 1].set_index("query_row")["corpus_row"]
        # coffee -> 원두 커피, tyres -> 자동차용 타이어, toys -> 장난감
        assert best[0] == 1 and best[1] == 0 and best[3] == 2
        assert not list(out.parent.glob(".*.tmp"))

    def test_top_larger_than_the_corpus(self, tmp_path: Path) -> None:
        q = _csv(tmp_path / "q.csv", QUERIES[:1])
        c = _csv(tmp_path / "c.csv", CORPUS[:2])
        out = tmp_path / "m.csv"
        result = _run(
            "--queries", str(q), "--corpus", str(c), "--top", "10", "--out", str(out), "--no-bridge"
        )
        assert result.exit_code == 0, result.output
        assert len(pd.read_csv(out)) == 2

    @pytest.mark.parametrize(
        ("queries", "message"),
        [
            ("missing-column", "no column 'text'"),
            ("not-a-file", "not found"),
            ("binary", "not a readable UTF-8 CSV"),
            ("empty", "not a readable UTF-8 CSV"),
        ],
    )
    def test_bad_input_exits_2_without_output(self, tmp_path: Path, queries: str, message: str) -> None:
        q = tmp_path / "q.csv"
        if queries == "missing-column":
            _csv(q, QUERIES, column="description")
        elif queries == "binary":
            q.write_bytes(b"\xff\xfe\x00\x81\x00garbage\x00\xc3\x28")
        elif queries == "empty":
            q.write_bytes(b"")
        c = _csv(tmp_path / "c.csv", CORPUS)
        out = tmp_path / "m.csv"
        out.write_text("previous results\n")
        result = _run("--queries", str(q), "--corpus", str(c), "--out", str(out))
        assert result.exit_code == 2
        assert message in result.output
        assert out.read_text() == "previous results\n"  # untouched
        assert not list(tmp_path.glob(".*.tmp"))

    def test_missing_column_in_corpus(self, tmp_path: Path) -> None:
        q = _csv(tmp_path / "q.csv", QUERIES)
        c = _csv(tmp_path / "c.csv", CORPUS, column="name")
        out = tmp_path / "m.csv"
        result = _run("--queries", str(q), "--corpus", str(c), "--text-column", "text", "--out", str(out))
        assert result.exit_code == 2 and "corpus file" in result.output
        assert not out.exists()
