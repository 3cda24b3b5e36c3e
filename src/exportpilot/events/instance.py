"""The data of a meeting-scheduling problem: participants, slots, requests, tables and interpreters.

The rules that the scheduler and :func:`exportpilot.events.check.check_schedule` both enforce:

- a participant meets at most one partner at a time; two slots that overlap in time count as the same
  time (for participants, tables and interpreters alike);
- a participant meets only in the slots where it is available and, for *online* slots only, inside its
  own local working hours (default 08:00–20:00 in its IANA time zone);
- a participant has at most ``max_meetings`` meetings; a pair meets at most once;
- a slot has ``tables`` tables (numbered from 1); two meetings at the same time never share a table;
- **interpreters**: a meeting whose buyer and exporter share no language needs one interpreter, and that
  interpreter's language must be one of the *buyer's* languages (agency interpreters translate between
  Korean, the exporters' side, and the visiting buyer's language). Interpreter capacity is a count per
  language per slot; when no interpreter counts are given at all, interpretation is not constrained.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from exportpilot.errors import InvalidInput

Kind = Literal["buyer", "exporter"]
KINDS: tuple[str, ...] = ("buyer", "exporter")
DEFAULT_WORKING_HOURS: tuple[time, time] = (time(8, 0), time(20, 0))
_LANGUAGE = re.compile(r"^[a-z]{2,3}(?:-[a-z0-9]{2,8})*$")


class InvalidInstance(InvalidInput):
    """The problem data break a rule (an unknown id, an impossible fixed meeting, ...)."""


def normalize_language(code: str) -> str:
    """Return ``code`` lower-cased (``"EN"`` → ``"en"``); raise ``ValueError`` when it is not a code."""
    value = code.strip().lower().replace("_", "-")
    if not _LANGUAGE.match(value):
        raise ValueError(f"{code!r} is not a language code (ISO 639-1, e.g. 'ko' or 'en')")
    return value


@dataclass(frozen=True, slots=True)
class Participant:
    """A buyer or an exporter.

    Parameters
    ----------
    id : str
        Unique among all participants (buyers and exporters share one id space).
    kind : {"buyer", "exporter"}
    languages : tuple of str
        ISO 639-1 codes the participant can hold a meeting in.
    timezone : str
        IANA time zone; used for working hours in online slots.
    max_meetings : int or None
        Cap on the participant's meetings; ``None`` for no cap beyond the slots.
    available_slots : frozenset of str or None
        Slot ids the participant can attend; ``None`` for all slots.
    working_hours : tuple of datetime.time or None
        Local (start, end) for online slots; ``None`` uses the instance's default.
    """

    id: str
    kind: Kind
    languages: tuple[str, ...] = ()
    timezone: str = "UTC"
    max_meetings: int | None = None
    available_slots: frozenset[str] | None = None
    working_hours: tuple[time, time] | None = None


@dataclass(frozen=True, slots=True)
class Slot:
    """A meeting slot ``[start, end)`` with time-zone-aware datetimes; ``online`` for video meetings."""

    id: str
    start: datetime
    end: datetime
    online: bool = False


@dataclass(frozen=True, slots=True)
class Request:
    """A wish that ``buyer_id`` and ``exporter_id`` meet, worth ``weight`` (> 0) when scheduled."""

    buyer_id: str
    exporter_id: str
    weight: float


@dataclass(frozen=True, slots=True)
class Meeting:
    """A scheduled meeting. ``table`` counts from 1; ``interpreter`` is the interpreter's language or
    ``None`` when the two sides share a language."""

    buyer_id: str
    exporter_id: str
    slot_id: str
    table: int | None = None
    interpreter: str | None = None

    @property
    def pair(self) -> tuple[str, str]:
        return (self.buyer_id, self.exporter_id)


@dataclass(slots=True)
class Instance:
    """A scheduling problem; validated on construction.

    Parameters
    ----------
    participants : sequence of Participant
    slots : sequence of Slot
    requests : sequence of Request
        At most one request per (buyer, exporter) pair; see :func:`merge_duplicate_requests`.
    tables : int or mapping of slot id to int
        Tables per slot, the same for every slot when an int.
    interpreters : mapping of (language, slot id) to int, or None
        Interpreters available per language and slot (missing pairs: none). ``None``: interpretation is
        not constrained.
    working_hours : tuple of datetime.time
        Default local working hours for online slots.

    Raises
    ------
    InvalidInstance
        When an id is duplicated or unknown, a slot ends before it starts, a weight is not positive, ...
    """

    participants: Sequence[Participant]
    slots: Sequence[Slot]
    requests: Sequence[Request]
    tables: int | Mapping[str, int] = 1
    interpreters: Mapping[tuple[str, str], int] | None = None
    working_hours: tuple[time, time] = DEFAULT_WORKING_HOURS
    _by_id: dict[str, Participant] = field(init=False, repr=False)
    _slot_by_id: dict[str, Slot] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.participants = tuple(self.participants)
        self.slots = tuple(self.slots)
        self.requests = tuple(self.requests)
        self._by_id = {}
        for p in self.participants:
            if p.id in self._by_id:
                raise InvalidInstance(f"duplicate participant id {p.id!r}")
            if p.kind not in KINDS:
                raise InvalidInstance(f"participant {p.id!r}: kind must be buyer or exporter, not {p.kind!r}")
            if p.max_meetings is not None and p.max_meetings < 0:
                raise InvalidInstance(f"participant {p.id!r}: max_meetings must be >= 0")
            try:
                ZoneInfo(p.timezone)
            except (ZoneInfoNotFoundError, ValueError) as exc:
                raise InvalidInstance(f"participant {p.id!r}: unknown time zone {p.timezone!r}") from exc
            self._by_id[p.id] = p
        self._slot_by_id = {}
        for s in self.slots:
            if s.id in self._slot_by_id:
                raise InvalidInstance(f"duplicate slot id {s.id!r}")
            if s.start.tzinfo is None or s.end.tzinfo is None:
                raise InvalidInstance(f"slot {s.id!r}: start and end need a UTC offset")
            if s.end <= s.start:
                raise InvalidInstance(f"slot {s.id!r} ends ({s.end.isoformat()}) before it starts")
            self._slot_by_id[s.id] = s
        for p in self.participants:
            unknown = sorted((p.available_slots or frozenset()) - self._slot_by_id.keys())
            if unknown:
                raise InvalidInstance(f"participant {p.id!r}: unknown slot ids {unknown[:5]}")
        seen: set[tuple[str, str]] = set()
        for i, r in enumerate(self.requests):
            self._check_pair(r.buyer_id, r.exporter_id, f"request {i + 1}")
            if not (isinstance(r.weight, int | float) and math.isfinite(r.weight) and r.weight > 0):
                raise InvalidInstance(f"request {i + 1}: weight must be a positive number, not {r.weight!r}")
            if (r.buyer_id, r.exporter_id) in seen:
                raise InvalidInstance(
                    f"request {i + 1}: a second request for ({r.buyer_id}, {r.exporter_id}); "
                    "merge duplicates first (merge_duplicate_requests keeps the larger weight)"
                )
            seen.add((r.buyer_id, r.exporter_id))
        if isinstance(self.tables, int):
            if self.tables < 0:
                raise InvalidInstance("tables must be >= 0")
        else:
            unknown = sorted(set(self.tables) - self._slot_by_id.keys())
            if unknown:
                raise InvalidInstance(f"tables: unknown slot ids {unknown[:5]}")
            if any(v < 0 for v in self.tables.values()):
                raise InvalidInstance("tables must be >= 0")
        if self.interpreters is not None:
            for (lang, slot_id), count in self.interpreters.items():
                if slot_id not in self._slot_by_id:
                    raise InvalidInstance(f"interpreters: unknown slot id {slot_id!r}")
                if count < 0:
                    raise InvalidInstance(f"interpreters ({lang}, {slot_id}): count must be >= 0")
        start, end = self.working_hours
        if end <= start:
            raise InvalidInstance("working hours must end after they start")

    def _check_pair(self, buyer_id: str, exporter_id: str, where: str) -> None:
        for pid, kind, role in ((buyer_id, "buyer", "buyer_id"), (exporter_id, "exporter", "exporter_id")):
            p = self._by_id.get(pid)
            if p is None:
                raise InvalidInstance(f"{where}: unknown participant {role} {pid!r}")
            if p.kind != kind:
                raise InvalidInstance(f"{where}: {role} {pid!r} is {_a(p.kind)}, not {_a(kind)}")

    def participant(self, participant_id: str) -> Participant:
        """Return the participant with this id (``KeyError`` when unknown)."""
        return self._by_id[participant_id]

    def slot(self, slot_id: str) -> Slot:
        """Return the slot with this id (``KeyError`` when unknown)."""
        return self._slot_by_id[slot_id]

    def tables_in(self, slot_id: str) -> int:
        """Return the number of tables in a slot."""
        if isinstance(self.tables, int):
            return self.tables
        return int(self.tables.get(slot_id, 0))

    def interpreters_in(self, language: str, slot_id: str) -> int | None:
        """Return the interpreters of ``language`` in a slot, ``None`` when interpretation is free."""
        if self.interpreters is None:
            return None
        return int(self.interpreters.get((language, slot_id), 0))

    def needs_interpreter(self, buyer_id: str, exporter_id: str) -> bool:
        """Whether the buyer and the exporter share no language."""
        b, e = self._by_id[buyer_id], self._by_id[exporter_id]
        return not set(b.languages) & set(e.languages)

    def can_attend(self, participant_id: str, slot_id: str) -> bool:
        """Whether the participant is available in the slot (and, if online, within working hours)."""
        p, s = self._by_id[participant_id], self._slot_by_id[slot_id]
        if p.available_slots is not None and slot_id not in p.available_slots:
            return False
        if not s.online:
            return True
        return within_working_hours(s, ZoneInfo(p.timezone), p.working_hours or self.working_hours)

    def overlaps(self, a: str, b: str) -> bool:
        """Whether two slots overlap in time (a slot overlaps itself)."""
        sa, sb = self._slot_by_id[a], self._slot_by_id[b]
        return sa.start < sb.end and sb.start < sa.end


def within_working_hours(slot: Slot, tz: ZoneInfo, hours: tuple[time, time]) -> bool:
    """Whether ``slot`` lies inside the local working hours ``hours`` of a day in time zone ``tz``."""
    start = slot.start.astimezone(tz)
    day = start.replace(hour=0, minute=0, second=0, microsecond=0, tzinfo=None)
    open_at = (day + timedelta(hours=hours[0].hour, minutes=hours[0].minute)).replace(tzinfo=tz)
    close_at = (day + timedelta(hours=hours[1].hour, minutes=hours[1].minute)).replace(tzinfo=tz)
    return open_at <= slot.start and slot.end <= close_at


def merge_duplicate_requests(requests: Iterable[Request]) -> tuple[list[Request], int]:
    """Keep one request per (buyer, exporter) pair, the one with the largest weight.

    Returns
    -------
    requests : list of Request
        In first-seen order.
    dropped : int
        How many duplicates were merged away.
    """
    best: dict[tuple[str, str], Request] = {}
    dropped = 0
    for r in requests:
        key = (r.buyer_id, r.exporter_id)
        old = best.get(key)
        if old is None:
            best[key] = r
        else:
            dropped += 1
            if r.weight > old.weight:
                best[key] = Request(r.buyer_id, r.exporter_id, r.weight)
    return list(best.values()), dropped


def _a(kind: str) -> str:
    return f"an {kind}" if kind[0] in "aeiou" else f"a {kind}"
