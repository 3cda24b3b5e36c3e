"""Windows → slots without a database: daylight-saving changes, windows past midnight, the text form."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from exportpilot.consultations.timeslots import (
    Window,
    local_instant,
    parse_window,
    parse_windows,
    slot_starts,
    utc_offset_label,
    window_intervals,
    zone,
)
from exportpilot.errors import InvalidInput

LA = ZoneInfo("America/Los_Angeles")
SPRING_FORWARD = date(2026, 3, 8)  # 02:00 PST → 03:00 PDT
FALL_BACK = date(2026, 11, 1)  # 02:00 PDT → 01:00 PST


def _slots(spec: str, day: date, minutes: int, tz: ZoneInfo = LA) -> list[str]:
    intervals = window_intervals([parse_window(spec)], tz, day, day)
    return [f"{s:%H:%M}Z={s.astimezone(tz):%H:%M%Z}" for s in slot_starts(intervals, minutes)]


class TestDaylightSaving:
    def test_an_ordinary_sunday_has_three_hourly_slots(self) -> None:
        assert _slots("sun 01:00-04:00", date(2026, 3, 1), 60) == [
            "09:00Z=01:00PST",
            "10:00Z=02:00PST",
            "11:00Z=03:00PST",
        ]

    def test_spring_forward_night_is_an_hour_shorter(self) -> None:
        assert _slots("sun 01:00-04:00", SPRING_FORWARD, 60) == ["09:00Z=01:00PST", "10:00Z=03:00PDT"]

    def test_fall_back_night_is_an_hour_longer_and_repeats_01_00(self) -> None:
        assert _slots("sun 01:00-04:00", FALL_BACK, 60) == [
            "08:00Z=01:00PDT",
            "09:00Z=01:00PST",
            "10:00Z=02:00PST",
            "11:00Z=03:00PST",
        ]

    def test_a_window_inside_the_skipped_hour_has_no_time_that_day(self) -> None:
        assert _slots("sun 02:00-02:30", SPRING_FORWARD, 30) == []
        assert _slots("sun 02:00-02:30", date(2026, 3, 1), 30) == ["10:00Z=02:00PST"]

    def test_a_window_ending_in_the_gap_ends_when_the_clocks_jump(self) -> None:
        assert _slots("sun 01:30-02:30", SPRING_FORWARD, 30) == ["09:30Z=01:30PST"]

    def test_skipped_and_repeated_wall_times(self) -> None:
        # 02:30 does not exist on 8 March: it becomes 03:00 PDT, the moment the clocks jump.
        assert local_instant(SPRING_FORWARD, time(2, 30), LA) == datetime(2026, 3, 8, 10, 0, tzinfo=UTC)
        # 01:30 happens twice on 1 November: the first time (PDT) is meant.
        assert local_instant(FALL_BACK, time(1, 30), LA) == datetime(2026, 11, 1, 8, 30, tzinfo=UTC)

    def test_the_same_weekly_window_moves_for_seoul_when_berlin_changes_its_clocks(self) -> None:
        berlin, seoul = ZoneInfo("Europe/Berlin"), ZoneInfo("Asia/Seoul")
        intervals = window_intervals(
            [parse_window("mon 09:00-10:00")], berlin, date(2026, 3, 23), date(2026, 3, 30)
        )
        seen = [start.astimezone(seoul).strftime("%m-%d %H:%M") for start, _ in intervals]
        assert seen == ["03-23 17:00", "03-30 16:00"]  # CET +8 h, then CEST +7 h


class TestAcrossMidnight:
    def test_a_window_ending_at_or_before_its_start_runs_into_the_next_day(self) -> None:
        w = parse_window("mon 22:00-01:00")
        assert w.crosses_midnight and w.minutes() == 180
        monday = date(2026, 3, 2)
        starts = slot_starts(window_intervals([w], LA, monday, monday), 30)
        local = [s.astimezone(LA).strftime("%a %H:%M") for s in starts]
        assert local == ["Mon 22:00", "Mon 22:30", "Mon 23:00", "Mon 23:30", "Tue 00:00", "Tue 00:30"]

    def test_24_00_is_midnight_at_the_end_of_the_day(self) -> None:
        w = parse_window("fri 20:00-24:00")
        assert w.end == time(0, 0) and w.crosses_midnight and w.minutes() == 240

    def test_touching_and_overlapping_windows_merge_into_one_run_of_slots(self) -> None:
        windows = parse_windows(["mon 09:00-10:00, mon 10:00-11:00", "mon 10:30-11:30"])
        intervals = window_intervals(windows, LA, date(2026, 3, 2), date(2026, 3, 2))
        assert len(intervals) == 1
        assert len(slot_starts(intervals, 30)) == 5

    def test_dated_windows_apply_only_on_their_date(self) -> None:
        w = parse_window("2026-03-10 21:00-01:00")
        intervals = window_intervals([w], LA, date(2026, 3, 9), date(2026, 3, 11))
        assert [(s.astimezone(LA).day, e.astimezone(LA).day) for s, e in intervals] == [(10, 11)]

    def test_validity_dates_bound_the_days_windows_start(self) -> None:
        w = parse_window("mon 09:00-10:00")
        intervals = window_intervals(
            [w],
            LA,
            date(2026, 3, 1),
            date(2026, 3, 31),
            valid_from=date(2026, 3, 9),
            valid_until=date(2026, 3, 16),
        )
        assert [s.astimezone(LA).day for s, _ in intervals] == [9, 16]


class TestTextForm:
    @pytest.mark.parametrize(
        ("text", "weekday"),
        [("mon 09:00-12:00", 0), ("Tuesday 9:00-12:00", 1), ("수 09:00~12:00", 2), ("일요일 09:00-12:00", 6)],
    )
    def test_weekday_names_in_english_and_korean(self, text: str, weekday: int) -> None:
        w = parse_window(text)
        assert (w.weekday, w.start, w.end) == (weekday, time(9), time(12))

    @pytest.mark.parametrize(
        ("text", "reason"),
        [
            ("someday 09:00-10:00", "neither a weekday"),
            ("mon 25:00-26:00", "not a time of day"),
            ("mon 09:00-09:00", "same time"),
            ("mon 0900-1000", "DAY HH:MM-HH:MM"),
            ("2026-02-30 09:00-10:00", "neither a weekday"),
        ],
    )
    def test_bad_windows_say_what_is_wrong(self, text: str, reason: str) -> None:
        with pytest.raises(InvalidInput, match=reason) as err:
            parse_window(text)
        assert err.value.field == "windows"

    def test_label_reads_back(self) -> None:
        for text in ("mon 09:00-12:00", "2026-03-10 21:00-01:00"):
            assert parse_window(text).label() == text

    def test_a_window_needs_exactly_one_kind_of_day(self) -> None:
        with pytest.raises(InvalidInput):
            Window(start=time(9), end=time(10))
        with pytest.raises(InvalidInput):
            Window(start=time(9), end=time(10), weekday=1, on_date=date(2026, 3, 3))


class TestZones:
    def test_iana_names_only(self) -> None:
        assert zone("Asia/Seoul").key == "Asia/Seoul"
        for bad in ("Seoul", "KST", "", "../etc/passwd", None):
            with pytest.raises(InvalidInput, match="not an IANA time zone"):
                zone(bad)

    def test_offset_label(self) -> None:
        assert utc_offset_label(datetime(2026, 3, 2, 9, tzinfo=ZoneInfo("Asia/Seoul"))) == "UTC+09:00"
        assert utc_offset_label(datetime(2026, 3, 2, 9, tzinfo=LA)) == "UTC−08:00"
        assert utc_offset_label(datetime(2026, 3, 2, 9, tzinfo=ZoneInfo("Asia/Kolkata"))) == "UTC+05:30"
