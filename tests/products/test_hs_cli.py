"""`exportpilot hs classify`, the contract used for external evaluation, end to end."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from typer.testing import CliRunner

from exportpilot.cli.hs import app
from exportpilot.config import get_settings
from exportpilot.products.hs_model import model_dir

if TYPE_CHECKING:  # the engine itself is imported by the fixture, not when tests are collected
    from exportpilot.products.hs_classifier import HSClassifier

runner = CliRunner()


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


TEXTS = [
    "Meat of bovine animals; frozen; boneless",
    "냉동 돼지고기 삼겹살",
    "",
    "x" * 20_000,
    "😀😀😀",
    "Polyethylene bag for packing; 12oz",
    "SHAFT ASSY-DRIVE ; 49500A7000 ; KR",
]


class TestClassifyCommand:
    def test_writes_row_rank_hs6_score_for_every_row(
        self, small_hs_model: HSClassifier, hs_var_dir: Path, tmp_path: Path
    ) -> None:
        small_hs_model.save(model_dir(get_settings()))
        source = write_csv(
            tmp_path / "in.csv", ["id", "description"], [[str(i), t] for i, t in enumerate(TEXTS)]
        )
        target = tmp_path / "out" / "pred.csv"
        result = runner.invoke(
            app,
            [
                "classify",
                "--in",
                str(source),
                "--text-column",
                "description",
                "--out",
                str(target),
                "--top",
                "3",
            ],
        )
        assert result.exit_code == 0, result.output
        with target.open(newline="") as handle:
            reader = csv.DictReader(handle)
            assert reader.fieldnames == ["row", "rank", "hs6", "score"]
            rows = list(reader)
        assert len(rows) == 3 * len(TEXTS)
        for i in range(len(TEXTS)):
            mine = [r for r in rows if r["row"] == str(i)]
            assert [r["rank"] for r in mine] == ["1", "2", "3"]
            scores = [float(r["score"]) for r in mine]
            assert scores == sorted(scores, reverse=True) and sum(scores) <= 1.0 + 1e-5
            assert all(len(r["hs6"]) == 6 and r["hs6"].isdigit() for r in mine)
        first = [r for r in rows if r["row"] == "0"]
        assert first[0]["hs6"].startswith("02")
        assert all(float(r["score"]) < 0.5 for r in rows if r["row"] in ("2", "4"))
        assert "need expert review" in result.stderr

    def test_missing_text_column_exits_2_without_output(self, hs_var_dir: Path, tmp_path: Path) -> None:
        source = write_csv(tmp_path / "in.csv", ["name"], [["beef"]])
        target = tmp_path / "pred.csv"
        result = runner.invoke(app, ["classify", "--in", str(source), "--out", str(target)])
        assert result.exit_code == 2
        assert "no column 'text'" in " ".join(result.stderr.split())
        assert not target.exists() and list(tmp_path.iterdir()) == [source]

    def test_trains_from_the_nomenclature_when_there_is_no_model_and_no_cases(
        self, hs_var_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("EXPORTPILOT_SHARED_DATA", str(tmp_path / "no-shared-data"))
        get_settings.cache_clear()
        source = write_csv(tmp_path / "in.csv", ["text"], [["frozen boneless meat of bovine animals"], [""]])
        target = tmp_path / "pred.csv"
        result = runner.invoke(app, ["classify", "--in", str(source), "--out", str(target), "--top", "5"])
        assert result.exit_code == 0, result.output
        stderr = " ".join(result.stderr.split())
        assert "No HS model" in stderr and "nomenclature alone" in stderr
        assert (hs_var_dir / "models" / "hs" / "hs_classifier.joblib").is_file()
        with target.open(newline="") as handle:
            rows = list(csv.DictReader(handle))
        assert len(rows) == 10
        assert any(r["hs6"].startswith("0202") for r in rows if r["row"] == "0")
