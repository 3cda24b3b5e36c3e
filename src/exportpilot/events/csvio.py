"""CSV files of the scheduling contract: read with errors that name the file and the line, write atomically.

Formats (header row first; column order free, extra columns ignored, blank lines skipped):

- participants: ``id, kind, languages, timezone, max_meetings, available_slots`` — ``kind`` is ``buyer`` or
  ``exporter``; ``languages`` and ``available_slots`` are space-separated (an empty ``available_slots``
  means every slot; an empty ``max_meetings`` means no cap beyond the slots; an empty ``timezone`` means UTC);
- slots: ``id, start, end`` — ISO 8601 with a UTC offset;
- requests: ``buyer_id, exporter_id, weight`` — a positive number; a pair requested twice keeps its
  largest weight;
- interpreters: ``language, slot_id, count``;
- schedule (written): ``buyer_id, exporter_id, slot_id, table``.
"""

from __future__ import annotations

import csv
import math
import os
import re
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from exportpilot.errors import InvalidInput
from exportpilot.events.instance import (
    KINDS,
    Instance,
    Meeting,
    Participant,
    Request,
    Slot,
    normalize_language,
)

PARTICIPANT_COLUMNS = ("id", "kind", "languages", "timezone", "max_meetings", "available_slots")
SLOT_COLUMNS = ("id", "start", "end")
REQUEST_COLUMNS = ("buyer_id", "exporter_id", "weight")
INTERPRETER_COLUMNS = ("language", "slot_id", "count")
SCHEDULE_COLUMNS = ("buyer_id", "exporter_id", "slot_id", "table")
_LIST_SEP = re.compile(r"[\s,;]+")


class CsvInputError(InvalidInput):
    """A CSV file is malformed; the message names the file and the line (the header is line 1)."""

    def __init__(self, path: Path | str, line: int | None, message: str) -> None:
        where = f"{path}" if line is None else f"{path} line {line}"
        super().__init__(f"{where}: {message}")
        self.path = str(path)
        self.line = line


@dataclass(slots=True)
class LoadedInstance:
    """An instance read from CSV files, with what was tolerated on the way."""

    instance: Instance
    merged_duplicate_requests: int
    overlapping_slot_pairs: int


def _rows(path: Path, required: Sequence[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield (line number, row) with lower-cased, stripped column names and stripped values."""
    try:
        handle = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise CsvInputError(path, None, f"cannot read the file ({exc.strerror})") from exc
    with handle:
        reader = csv.reader(handle, skipinitialspace=True)
        try:
            header = next(reader, None)
            while header is not None and not any(h.strip() for h in header):
                header = next(reader, None)
            if header is None:
                raise CsvInputError(
                    path, None, f"the file is empty; expected the columns {', '.join(required)}"
                )
            names = [h.strip().lower() for h in header]
            header_line = reader.line_num
            missing = [c for c in required if c not in names]
            if missing:
                raise CsvInputError(
                    path, header_line, f"missing column(s) {', '.join(missing)} (found: {', '.join(names)})"
                )
            dup = sorted({n for n in names if n and names.count(n) > 1})
            if dup:
                raise CsvInputError(path, header_line, f"duplicate column(s) {', '.join(dup)}")
            for values in reader:
                if not any(v.strip() for v in values):
                    continue
                if len(values) > len(names) and any(v.strip() for v in values[len(names) :]):
                    raise CsvInputError(
                        path, reader.line_num, f"{len(values)} values but the header has {len(names)} columns"
                    )
                row = {n: (values[i].strip() if i < len(values) else "") for i, n in enumerate(names)}
                yield reader.line_num, row
        except csv.Error as exc:
            raise CsvInputError(path, reader.line_num, f"not valid CSV ({exc})") from exc
        except UnicodeDecodeError as exc:
            raise CsvInputError(path, None, "not UTF-8 text") from exc


def _split(value: str) -> list[str]:
    return [x for x in _LIST_SEP.split(value) if x]


def _parse_time(path: Path, line: int, column: str, value: str) -> datetime:
    if not value:
        raise CsvInputError(path, line, f"{column} is empty")
    try:
        t = datetime.fromisoformat(value)
    except ValueError as exc:
        raise CsvInputError(path, line, f"{column} {value!r} is not an ISO 8601 date-time") from exc
    if t.tzinfo is None or t.utcoffset() is None:
        raise CsvInputError(path, line, f"{column} {value!r} has no UTC offset (e.g. 2025-06-10T09:00+09:00)")
    return t


def read_slots(path: Path) -> tuple[list[Slot], dict[str, int]]:
    """Read the slots file; return the slots and the line of each id."""
    slots: list[Slot] = []
    lines: dict[str, int] = {}
    for line, row in _rows(path, SLOT_COLUMNS):
        sid = row["id"]
        if not sid:
            raise CsvInputError(path, line, "id is empty")
        if sid in lines:
            raise CsvInputError(path, line, f"duplicate slot id {sid!r} (first on line {lines[sid]})")
        start = _parse_time(path, line, "start", row["start"])
        end = _parse_time(path, line, "end", row["end"])
        if end <= start:
            raise CsvInputError(
                path, line, f"slot {sid!r} ends ({row['end']}) before it starts ({row['start']})"
            )
        lines[sid] = line
        slots.append(Slot(sid, start, end))
    return slots, lines


def read_participants(path: Path, slot_ids: Iterable[str]) -> tuple[list[Participant], dict[str, int]]:
    """Read the participants file against the known slot ids."""
    known_slots = set(slot_ids)
    out: list[Participant] = []
    lines: dict[str, int] = {}
    for line, row in _rows(path, PARTICIPANT_COLUMNS):
        pid = row["id"]
        if not pid:
            raise CsvInputError(path, line, "id is empty")
        if pid in lines:
            raise CsvInputError(path, line, f"duplicate participant id {pid!r} (first on line {lines[pid]})")
        kind = row["kind"].lower()
        if kind not in KINDS:
            raise CsvInputError(path, line, f"kind must be buyer or exporter, not {row['kind']!r}")
        try:
            languages = tuple(dict.fromkeys(normalize_language(x) for x in _split(row["languages"])))
        except ValueError as exc:
            raise CsvInputError(path, line, f"languages: {exc}") from exc
        tz = row["timezone"] or "UTC"
        try:
            ZoneInfo(tz)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise CsvInputError(
                path, line, f"unknown time zone {tz!r} (an IANA name like Asia/Seoul)"
            ) from exc
        cap: int | None = None
        if row["max_meetings"]:
            try:
                value = float(row["max_meetings"])
            except ValueError:
                value = math.nan
            if not (math.isfinite(value) and value >= 0 and value == int(value)):
                raise CsvInputError(
                    path, line, f"max_meetings must be a whole number >= 0, not {row['max_meetings']!r}"
                )
            cap = int(value)
        available: frozenset[str] | None = None
        if row["available_slots"]:
            listed = _split(row["available_slots"])
            unknown = [s for s in listed if s not in known_slots]
            if unknown:
                raise CsvInputError(
                    path,
                    line,
                    f"participant {pid!r}: unknown slot id(s) in available_slots: {', '.join(unknown[:5])}",
                )
            available = frozenset(listed)
        lines[pid] = line
        out.append(Participant(pid, kind, languages, tz, cap, available))  # type: ignore[arg-type]
    return out, lines


def read_requests(path: Path, kinds: Mapping[str, str]) -> tuple[list[Request], int]:
    """Read the requests file; a pair listed twice keeps its largest weight. Return (requests, merged)."""
    best: dict[tuple[str, str], Request] = {}
    merged = 0
    for line, row in _rows(path, REQUEST_COLUMNS):
        for column, kind in (("buyer_id", "buyer"), ("exporter_id", "exporter")):
            pid = row[column]
            if not pid:
                raise CsvInputError(path, line, f"{column} is empty")
            actual = kinds.get(pid)
            if actual is None:
                raise CsvInputError(path, line, f"unknown participant {column} {pid!r}")
            if actual != kind:
                raise CsvInputError(
                    path,
                    line,
                    f"{column} {pid!r} is an exporter, not a buyer"
                    if kind == "buyer"
                    else f"{column} {pid!r} is a buyer, not an exporter",
                )
        try:
            weight = float(row["weight"])
        except ValueError as exc:
            raise CsvInputError(
                path, line, f"weight must be a positive number, not {row['weight']!r}"
            ) from exc
        if not (math.isfinite(weight) and weight > 0):
            raise CsvInputError(path, line, f"weight must be a positive number, not {row['weight']!r}")
        key = (row["buyer_id"], row["exporter_id"])
        old = best.get(key)
        if old is not None:
            merged += 1
            if weight <= old.weight:
                continue
        best[key] = Request(key[0], key[1], weight)
    return list(best.values()), merged


def read_interpreters(path: Path, slot_ids: Iterable[str]) -> dict[tuple[str, str], int]:
    """Read the interpreters file: count per (language, slot id)."""
    known = set(slot_ids)
    out: dict[tuple[str, str], int] = {}
    lines: dict[tuple[str, str], int] = {}
    for line, row in _rows(path, INTERPRETER_COLUMNS):
        try:
            lang = normalize_language(row["language"])
        except ValueError as exc:
            raise CsvInputError(path, line, f"language: {exc}") from exc
        sid = row["slot_id"]
        if sid not in known:
            raise CsvInputError(path, line, f"unknown slot_id {sid!r}")
        try:
            value = float(row["count"])
        except ValueError:
            value = math.nan
        if not (math.isfinite(value) and value >= 0 and value == int(value)):
            raise CsvInputError(path, line, f"count must be a whole number >= 0, not {row['count']!r}")
        key = (lang, sid)
        if key in lines:
            raise CsvInputError(path, line, f"duplicate row for ({lang}, {sid}) (first on line {lines[key]})")
        lines[key] = line
        out[key] = int(value)
    return out


def load_instance(
    *,
    participants: Path,
    slots: Path,
    requests: Path,
    interpreters: Path | None,
    tables: int,
) -> LoadedInstance:
    """Read the contract's CSV files into a validated :class:`Instance` (all slots in person).

    Raises
    ------
    CsvInputError
        Naming the file and the line of the first problem.
    """
    slot_list, _ = read_slots(slots)
    parts, _ = read_participants(participants, (s.id for s in slot_list))
    kinds = {p.id: p.kind for p in parts}
    reqs, merged = read_requests(requests, kinds)
    interp = read_interpreters(interpreters, (s.id for s in slot_list)) if interpreters is not None else None
    ordered = sorted(slot_list, key=lambda s: s.start)
    overlaps = 0
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            if b.start >= a.end:
                break
            overlaps += 1
    instance = Instance(parts, slot_list, reqs, tables=tables, interpreters=interp)
    return LoadedInstance(instance, merged, overlaps)


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _atomic_write(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the file the usual permissions
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def write_schedule_csv(path: Path, meetings: Sequence[Meeting], instance: Instance) -> None:
    """Write ``buyer_id, exporter_id, slot_id, table`` by slot start and table, atomically (temp + rename)."""
    order = sorted(
        meetings, key=lambda m: (instance.slot(m.slot_id).start, m.slot_id, m.table or 0, m.buyer_id)
    )
    _atomic_write(path, SCHEDULE_COLUMNS, ((m.buyer_id, m.exporter_id, m.slot_id, m.table) for m in order))


def read_schedule_csv(path: Path) -> list[Meeting]:
    """Read a schedule written by :func:`write_schedule_csv`."""
    out = []
    for line, row in _rows(path, SCHEDULE_COLUMNS):
        try:
            table = int(row["table"])
        except ValueError as exc:
            raise CsvInputError(path, line, f"table must be a whole number, not {row['table']!r}") from exc
        out.append(Meeting(row["buyer_id"], row["exporter_id"], row["slot_id"], table))
    return out


def write_instance_csv(instance: Instance, directory: Path) -> dict[str, Path]:
    """Write ``participants.csv``, ``slots.csv``, ``requests.csv`` and (if any) ``interpreters.csv``."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = {
        "participants": directory / "participants.csv",
        "slots": directory / "slots.csv",
        "requests": directory / "requests.csv",
    }
    _atomic_write(
        paths["participants"],
        PARTICIPANT_COLUMNS,
        (
            (
                p.id,
                p.kind,
                " ".join(p.languages),
                p.timezone,
                "" if p.max_meetings is None else p.max_meetings,
                "" if p.available_slots is None else " ".join(sorted(p.available_slots)),
            )
            for p in instance.participants
        ),
    )
    _atomic_write(
        paths["slots"], SLOT_COLUMNS, ((s.id, s.start.isoformat(), s.end.isoformat()) for s in instance.slots)
    )
    _atomic_write(
        paths["requests"],
        REQUEST_COLUMNS,
        ((r.buyer_id, r.exporter_id, f"{r.weight:.15g}") for r in instance.requests),
    )
    if instance.interpreters is not None:
        paths["interpreters"] = directory / "interpreters.csv"
        _atomic_write(
            paths["interpreters"],
            INTERPRETER_COLUMNS,
            ((lang, sid, n) for (lang, sid), n in sorted(instance.interpreters.items())),
        )
    return paths
