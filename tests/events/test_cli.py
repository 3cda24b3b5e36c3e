from __future__ import annotations

import csv
import itertools
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from exportpilot.cli.events import app
from exportpilot.events.check import check_schedule
from exportpilot.events.csvio import load_instance, read_schedule_csv
from tests.events.helpers import brute_force_optimum

runner = CliRunner()

PARTICIPANTS = """id,kind,languages,timezone,max_meetings,available_slots
b1,buyer,en,America/New_York,3,
b2,buyer,es,America/Mexico_City,2,s1 s2
b3,buyer,zh en,Asia/Shanghai,,s2 s3
e1,exporter,ko,Asia/Seoul,3,
e2,exporter,ko en,Asia/Seoul,2,s1 s3
e3,exporter,ko zh,Asia/Seoul,1,
"""
SLOTS = """id,start,end
s1,2025-06-10T09:00:00+09:00,2025-06-10T09:30:00+09:00
s2,2025-06-10T09:30:00+09:00,2025-06-10T10:00:00+09:00
s3,2025-06-10T10:00:00+09:00,2025-06-10T10:30:00+09:00
"""
REQUESTS = """buyer_id,exporter_id,weight
b1,e1,3
b1,e2,2
b2,e1,5
b2,e2,1
b3,e1,2
b3,e3,4
b1,e3,1
"""
INTERPRETERS = """language,slot_id,count
en,s1,1
en,s2,1
en,s3,0
es,s1,1
es,s2,0
es,s3,0
"""


def _write(tmp: Path, **overrides: str) -> dict[str, Path]:
    files = {"participants": PARTICIPANTS, "slots": SLOTS, "requests": REQUESTS, "interpreters": INTERPRETERS}
    files.update(overrides)
    paths = {}
    for name, text in files.items():
        paths[name] = tmp / f"{name[0].upper()}.csv"
        paths[name].write_text(text, encoding="utf-8")
    return paths


def _run(paths: dict[str, Path], out: Path, *extra: str, interpreters: bool = True):  # type: ignore[no-untyped-def]
    args = [
        "schedule",
        "--participants",
        str(paths["participants"]),
        "--slots",
        str(paths["slots"]),
        "--requests",
        str(paths["requests"]),
        "--tables",
        "2",
        "--time-limit",
        "3",
        "--out",
        str(out),
        *extra,
    ]
    if interpreters:
        args += ["--interpreters", str(paths["interpreters"])]
    return runner.invoke(app, args)


class TestScheduleCommand:
    def test_end_to_end_writes_a_feasible_schedule(self, tmp_path: Path) -> None:
        paths = _write(tmp_path)
        out = tmp_path / "schedule.csv"
        result = _run(paths, out)
        assert result.exit_code == 0, result.output
        with out.open() as f:
            header = next(csv.reader(f))
        assert header == ["buyer_id", "exporter_id", "slot_id", "table"]
        meetings = read_schedule_csv(out)
        inst = load_instance(
            participants=paths["participants"],
            slots=paths["slots"],
            requests=paths["requests"],
            interpreters=paths["interpreters"],
            tables=2,
        ).instance
        assert meetings
        pairs = {m.pair for m in meetings}
        assert ("b2", "e1") in pairs  # the heaviest request
        for word in ("weight", "upper bound", "gap", "greedy"):
            assert word in result.stderr
        assert all(1 <= m.table <= 2 for m in meetings)
        by_slot = {}
        for m in meetings:
            by_slot.setdefault(m.slot_id, []).append(m)
            assert inst.can_attend(m.buyer_id, m.slot_id) and inst.can_attend(m.exporter_id, m.slot_id)
        for ms in by_slot.values():
            people = [p for m in ms for p in m.pair]
            assert len(people) == len(set(people))
            assert len({m.table for m in ms}) == len(ms)

    def test_the_output_is_optimal_and_respects_every_rule(self, tmp_path: Path) -> None:
        paths = _write(tmp_path)
        inst = load_instance(
            participants=paths["participants"],
            slots=paths["slots"],
            requests=paths["requests"],
            interpreters=paths["interpreters"],
            tables=2,
        ).instance
        out = tmp_path / "o.csv"
        assert _run(paths, out).exit_code == 0
        meetings = read_schedule_csv(out)
        # The CSV has no interpreter column: find interpreter languages that fit, by brute force.
        options = [
            [None] if not inst.needs_interpreter(*m.pair) else list(inst.participant(m.buyer_id).languages)
            for m in meetings
        ]
        fits = [
            check_schedule(
                inst, [replace(m, interpreter=lang) for m, lang in zip(meetings, choice, strict=True)]
            )
            for choice in itertools.product(*options)
        ]
        assert [] in fits, fits[0]
        weights = {(r.buyer_id, r.exporter_id): r.weight for r in inst.requests}
        assert sum(weights[m.pair] for m in meetings) == brute_force_optimum(inst)

    def test_duplicates_are_merged_and_overlaps_noted(self, tmp_path: Path) -> None:
        slots = SLOTS + "s4,2025-06-10T10:15:00+09:00,2025-06-10T10:45:00+09:00\n"
        paths = _write(tmp_path, requests=REQUESTS + "b1,e1,7\nb1,e1,1\n", slots=slots)
        result = _run(paths, tmp_path / "o.csv", interpreters=False)
        assert result.exit_code == 0, result.output
        assert "2 duplicate request(s)" in result.stderr and "largest weight" in result.stderr
        assert "1 pair(s) of overlapping slots" in result.stderr
        assert "interpretation is not constrained" in result.stderr

    def test_empty_requests_give_an_empty_schedule(self, tmp_path: Path) -> None:
        paths = _write(tmp_path, requests="buyer_id,exporter_id,weight\n")
        out = tmp_path / "o.csv"
        result = _run(paths, out)
        assert result.exit_code == 0, result.output
        assert out.read_text().strip() == "buyer_id,exporter_id,slot_id,table"


BAD = [
    ("requests", REQUESTS + "bX,e1,1\n", "R.csv line 9: unknown participant buyer_id 'bX'"),
    ("requests", REQUESTS + "e1,e2,1\n", "R.csv line 9: buyer_id 'e1' is an exporter, not a buyer"),
    ("requests", REQUESTS + "b1,b2,1\n", "R.csv line 9: exporter_id 'b2' is a buyer, not an exporter"),
    ("requests", REQUESTS + "b1,e1,-2\n", "R.csv line 9: weight must be a positive number"),
    ("requests", REQUESTS + "b1,e1,0\n", "R.csv line 9: weight must be a positive number"),
    ("requests", REQUESTS + "b1,e1,lots\n", "R.csv line 9: weight must be a positive number, not 'lots'"),
    ("requests", REQUESTS + "b1,e1,nan\n", "R.csv line 9: weight"),
    ("requests", "buyer_id,exporter_id\nb1,e1\n", "R.csv line 1: missing column(s) weight"),
    (
        "participants",
        PARTICIPANTS + "b1,buyer,en,UTC,1,\n",
        "P.csv line 8: duplicate participant id 'b1' (first on line 2)",
    ),
    ("participants", PARTICIPANTS + "b9,agent,en,UTC,1,\n", "P.csv line 8: kind must be buyer or exporter"),
    (
        "participants",
        PARTICIPANTS + "b9,buyer,en,Mars/Base,1,\n",
        "P.csv line 8: unknown time zone 'Mars/Base'",
    ),
    (
        "participants",
        PARTICIPANTS + "b9,buyer,en,UTC,-1,\n",
        "P.csv line 8: max_meetings must be a whole number",
    ),
    (
        "participants",
        PARTICIPANTS + "b9,buyer,en,UTC,2,s1 s7\n",
        "P.csv line 8: participant 'b9': unknown slot id(s) in available_slots: s7",
    ),
    ("participants", PARTICIPANTS + "b9,buyer,english!,UTC,2,\n", "P.csv line 8: languages:"),
    (
        "participants",
        "id,kind,languages\nb1,buyer,en\n",
        "P.csv line 1: missing column(s) timezone, max_meetings, available_slots",
    ),
    (
        "slots",
        SLOTS + "s4,2025-06-10T11:00:00+09:00,2025-06-10T10:30:00+09:00\n",
        "S.csv line 5: slot 's4' ends",
    ),
    (
        "slots",
        SLOTS + "s1,2025-06-10T11:00:00+09:00,2025-06-10T11:30:00+09:00\n",
        "S.csv line 5: duplicate slot id 's1' (first on line 2)",
    ),
    (
        "slots",
        SLOTS + "s4,2025-06-10T11:00:00,2025-06-10T11:30:00\n",
        "S.csv line 5: start '2025-06-10T11:00:00' has no UTC offset",
    ),
    (
        "slots",
        SLOTS + "s4,tomorrow,2025-06-10T11:30:00+09:00\n",
        "S.csv line 5: start 'tomorrow' is not an ISO 8601",
    ),
    ("slots", "", "S.csv: the file is empty"),
    ("interpreters", INTERPRETERS + "en,s9,1\n", "I.csv line 8: unknown slot_id 's9'"),
    (
        "interpreters",
        INTERPRETERS + "en,s1,2\n",
        "I.csv line 8: duplicate row for (en, s1) (first on line 2)",
    ),
    ("interpreters", INTERPRETERS + "fr,s1,-1\n", "I.csv line 8: count must be a whole number"),
]


class TestBadInput:
    @pytest.mark.parametrize(("file", "text", "message"), BAD, ids=[b[2][:40] for b in BAD])
    def test_bad_input_names_file_and_line_exits_2_and_writes_nothing(
        self, tmp_path: Path, file: str, text: str, message: str
    ) -> None:
        paths = _write(tmp_path, **{file: text})
        out = tmp_path / "schedule.csv"
        out.write_text("old schedule\n")
        result = _run(paths, out)
        assert result.exit_code == 2, result.output
        assert message in result.stderr, result.stderr
        assert out.read_text() == "old schedule\n"  # untouched, never half-written
        assert sorted(p.name for p in tmp_path.iterdir()) == [
            "I.csv",
            "P.csv",
            "R.csv",
            "S.csv",
            "schedule.csv",
        ]

    def test_missing_file_and_missing_output_directory(self, tmp_path: Path) -> None:
        paths = _write(tmp_path)
        paths["requests"] = tmp_path / "nope.csv"
        result = _run(paths, tmp_path / "o.csv")
        assert result.exit_code == 2 and "nope.csv: cannot read the file" in result.stderr
        result = _run(_write(tmp_path), tmp_path / "no-dir" / "o.csv")
        assert result.exit_code == 2 and "does not exist" in result.stderr

    def test_missing_option_is_a_usage_error(self, tmp_path: Path) -> None:
        result = runner.invoke(app, ["schedule", "--participants", "P.csv"])
        assert result.exit_code == 2
