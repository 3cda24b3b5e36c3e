"""Availability windows → bookable slots, across time zones and daylight-saving changes.

Pure functions, no database. A window is wall-clock time in the advisor's IANA time zone, either every
given weekday or on one date; an end at or before the start means the window runs past midnight into
the next day. Windows are turned into UTC intervals first and slots are stepped in real (UTC) time, so
a window across a daylight-saving change holds as many slots as it has real hours: a 01:00–04:00 window
in Los Angeles is 2 hours long on the night the clocks spring forward and 4 on the night they fall back.
Local times that do not exist (skipped by a spring-forward) are moved to the moment the clocks jump, so
a window inside the gap holds no time that day; repeated local times (fall-back) are read as their first
occurrence.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from exportpilot.errors import InvalidInput

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAYS_KO = ("월", "화", "수", "목", "금", "토", "일")
_FULL = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
#: Accepted names of weekdays: mon / monday / 월 / 월요일 …
WEEKDAY_NAMES = {
    name: n for n in range(7) for name in (WEEKDAYS[n], _FULL[n], WEEKDAYS_KO[n], f"{WEEKDAYS_KO[n]}요일")
}
_WINDOW = re.compile(r"^\s*(?P<day>[^\s]+)\s+(?P<start>\d{1,2}:\d{2})\s*[-–~]\s*(?P<end>\d{1,2}:\d{2})\s*$")


@lru_cache(maxsize=1)
def timezone_names() -> frozenset[str]:
    """Every IANA time zone name known to this system (from ``tzdata`` when the OS has none)."""
    return frozenset(available_timezones())


def zone(name: str | None, field: str = "timezone") -> ZoneInfo:
    """Return the IANA time zone ``name`` or raise :class:`InvalidInput` naming ``field``."""
    value = (name or "").strip()
    if value not in timezone_names():
        raise InvalidInput(
            f"{field}: {name!r} is not an IANA time zone (e.g. 'Asia/Seoul', 'Europe/Berlin')", field=field
        )
    return ZoneInfo(value)


def as_utc(value: datetime) -> datetime:
    """``value`` in UTC; a naive value (as SQLite returns timestamps) is taken to be UTC already."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


@dataclass(frozen=True, slots=True)
class Window:
    """One availability window in local time: every ``weekday`` (0 = Monday) or on ``on_date``."""

    start: time
    end: time
    weekday: int | None = None
    on_date: date | None = None

    def __post_init__(self) -> None:
        if (self.weekday is None) == (self.on_date is None):
            raise InvalidInput("windows: give either a weekday or a date for each window", field="windows")
        if self.weekday is not None and not 0 <= self.weekday <= 6:
            raise InvalidInput("windows: weekday must be 0 (Monday) to 6 (Sunday)", field="windows")
        if self.start == self.end:
            raise InvalidInput(f"windows: {self.label()} starts and ends at the same time", field="windows")
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise InvalidInput("windows: give local times without a UTC offset", field="windows")

    @property
    def crosses_midnight(self) -> bool:
        return self.end <= self.start

    def minutes(self) -> int:
        """Nominal length in minutes (wall clock; a daylight-saving change can make it differ)."""
        start = self.start.hour * 60 + self.start.minute
        end = self.end.hour * 60 + self.end.minute
        return end - start if end > start else end + 24 * 60 - start

    def applies(self, day: date) -> bool:
        return self.on_date == day if self.on_date is not None else day.weekday() == self.weekday

    def label(self) -> str:
        """The window in the text form :func:`parse_window` reads, e.g. ``mon 09:00-12:00``."""
        day = self.on_date.isoformat() if self.on_date is not None else WEEKDAYS[self.weekday or 0]
        return f"{day} {self.start:%H:%M}-{self.end:%H:%M}"


def _clock(text: str, what: str) -> time:
    hours, _, minutes = text.partition(":")
    h, m = int(hours), int(minutes)
    if h == 24 and m == 0:
        return time(0, 0)  # "24:00": midnight at the end of the day
    if not (0 <= h <= 23 and 0 <= m <= 59):
        raise InvalidInput(f"windows: {what} {text!r} is not a time of day (HH:MM)", field="windows")
    return time(h, m)


def parse_window(text: str) -> Window:
    """Read ``mon 09:00-12:00``, ``월 09:00-12:00`` or ``2026-03-10 21:00-01:00`` (ends next day).

    Raises
    ------
    InvalidInput
        When the text is not a day (weekday or ISO date) followed by ``HH:MM-HH:MM``.
    """
    match = _WINDOW.match(text)
    if not match:
        raise InvalidInput(
            f"windows: {text.strip()!r} is not 'DAY HH:MM-HH:MM' (DAY: mon…sun, 월…일 or YYYY-MM-DD)",
            field="windows",
        )
    day = match["day"].lower()
    start, end = _clock(match["start"], "start"), _clock(match["end"], "end")
    if day in WEEKDAY_NAMES:
        return Window(start=start, end=end, weekday=WEEKDAY_NAMES[day])
    try:
        on_date = date.fromisoformat(day)
    except ValueError:
        raise InvalidInput(
            f"windows: {match['day']!r} is neither a weekday (mon…sun, 월…일) nor a date (YYYY-MM-DD)",
            field="windows",
        ) from None
    return Window(start=start, end=end, on_date=on_date)


def parse_windows(lines: Iterable[str]) -> list[Window]:
    """Every non-empty line (or comma-separated item) of ``lines`` as a :class:`Window`."""
    items = [part.strip() for line in lines for part in line.replace(";", ",").split(",")]
    return [parse_window(item) for item in items if item]


def _exists(naive: datetime, tz: ZoneInfo) -> datetime | None:
    instant = naive.replace(tzinfo=tz).astimezone(UTC)
    return instant if instant.astimezone(tz).replace(tzinfo=None) == naive else None


def local_instant(day: date, clock: time, tz: ZoneInfo) -> datetime:
    """The UTC instant of wall-clock ``clock`` on ``day`` in ``tz``.

    A repeated wall time (clocks falling back) is its first occurrence; a skipped one (clocks springing
    forward) is the moment the clocks jump, i.e. the first wall time after the gap.
    """
    naive = datetime.combine(day, clock)
    instant = _exists(naive, tz)
    probe = naive
    while instant is None:  # inside a gap: at most a few hours, on a handful of days a year
        probe += timedelta(minutes=1)
        instant = _exists(probe, tz)
    return instant


def window_intervals(
    windows: Sequence[Window],
    tz: ZoneInfo,
    first: date,
    last: date,
    *,
    valid_from: date | None = None,
    valid_until: date | None = None,
) -> list[tuple[datetime, datetime]]:
    """The UTC intervals of ``windows`` that start on local dates ``first`` to ``last`` (inclusive),
    merged where they overlap or touch, in order.

    ``valid_from`` / ``valid_until`` (local dates, inclusive) bound the days on which windows start.
    """
    raw: list[tuple[datetime, datetime]] = []
    day = first
    while day <= last:
        if (valid_from is None or day >= valid_from) and (valid_until is None or day <= valid_until):
            for w in windows:
                if w.applies(day):
                    end_day = day + timedelta(days=1) if w.crosses_midnight else day
                    start, end = local_instant(day, w.start, tz), local_instant(end_day, w.end, tz)
                    if end > start:  # a window swallowed by a spring-forward gap has no time left
                        raw.append((start, end))
        day += timedelta(days=1)
    raw.sort()
    merged: list[tuple[datetime, datetime]] = []
    for start, end in raw:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def slot_starts(intervals: Iterable[tuple[datetime, datetime]], minutes: int) -> list[datetime]:
    """Start times (UTC) of consecutive ``minutes``-long slots that fit inside each interval."""
    if minutes <= 0:
        raise InvalidInput("slot_minutes: must be positive", field="slot_minutes")
    step = timedelta(minutes=minutes)
    starts: list[datetime] = []
    for start, end in intervals:
        at = start
        while at + step <= end:
            starts.append(at)
            at += step
    return starts


def local_dates(start: datetime, end: datetime, tz: ZoneInfo) -> tuple[date, date]:
    """The local dates in ``tz`` on which windows that overlap ``start``–``end`` can begin (one day
    earlier, for windows that cross midnight)."""
    return start.astimezone(tz).date() - timedelta(days=1), end.astimezone(tz).date()


def utc_offset_label(value: datetime) -> str:
    """``UTC+09:00`` style label of an aware datetime's offset."""
    offset = value.utcoffset() or timedelta(0)
    sign = "+" if offset >= timedelta(0) else "−"
    total = abs(int(offset.total_seconds())) // 60
    return f"UTC{sign}{total // 60:02d}:{total % 60:02d}"
