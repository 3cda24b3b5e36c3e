"""Shapes of the online consultation room's requests and answers."""

from __future__ import annotations

import datetime as dt

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator, model_validator

from exportpilot.models import ConsultationStatus, ConsultationTopic

MIN_SLOT_MINUTES = 10
MAX_SLOT_MINUTES = 240
MAX_WINDOWS = 60
MAX_SLOT_DAYS = 31


def _codes(values: list[str], length: int, what: str) -> list[str]:
    out: list[str] = []
    for raw in values:
        code = raw.strip().lower() if length == 2 else raw.strip().upper()
        if not code:
            continue
        if length == 2 and not (len(code) == 2 and code.isalpha()):
            raise ValueError(f"{raw!r} is not an ISO 639-1 {what} code (two letters, e.g. 'ko')")
        if code not in out:
            out.append(code)
    return out


class WindowIn(BaseModel):
    """A window in the advisor's local time: every ``weekday`` (0 = Monday … 6 = Sunday) or on ``date``.

    An ``end`` at or before ``start`` means the window ends the next day (e.g. 21:00–01:00).
    """

    model_config = ConfigDict(extra="forbid")

    weekday: int | None = Field(None, ge=0, le=6, description="0 = Monday … 6 = Sunday")
    date: dt.date | None = Field(None, description="a single date instead of a weekday")
    start: dt.time = Field(description="local start, HH:MM")
    end: dt.time = Field(description="local end, HH:MM; at or before the start: the next day")

    @model_validator(mode="after")
    def _one_kind(self) -> WindowIn:
        if (self.weekday is None) == (self.date is None):
            raise ValueError("give either weekday or date")
        if self.start == self.end:
            raise ValueError("start and end are the same time")
        if self.start.tzinfo is not None or self.end.tzinfo is not None:
            raise ValueError("give local times without a UTC offset")
        return self


class WindowRead(BaseModel):
    weekday: int | None
    date: dt.date | None
    start: dt.time
    end: dt.time
    label: str = Field(description="the window as text, e.g. 'mon 09:00-12:00'")


class _AvailabilityFields(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("languages", check_fields=False)
    @classmethod
    def _languages(cls, v: list[str] | None) -> list[str] | None:
        return None if v is None else _codes(v, 2, "language")

    @field_validator("markets", check_fields=False)
    @classmethod
    def _markets(cls, v: list[str] | None) -> list[str] | None:
        return None if v is None else _codes(v, 3, "country")


class AvailabilityCreate(_AvailabilityFields):
    advisor_id: int | None = Field(None, description="admins only: the advisor; default: yourself")
    office: str = Field(min_length=1, max_length=120, description="e.g. '호치민무역관 (Ho Chi Minh City)'")
    city: str = Field(min_length=1, max_length=120)
    country_code: str = Field(min_length=2, max_length=3, description="the office's country, ISO 3166-1")
    timezone: str = Field(min_length=1, max_length=64, description="IANA time zone, e.g. 'Asia/Ho_Chi_Minh'")
    slot_minutes: int = Field(30, ge=MIN_SLOT_MINUTES, le=MAX_SLOT_MINUTES)
    languages: list[str] = Field(default_factory=list, max_length=10, description="ISO 639-1")
    topics: list[ConsultationTopic] = Field(
        default_factory=list, max_length=len(ConsultationTopic), description="empty: any topic"
    )
    markets: list[str] = Field(
        default_factory=list, max_length=40, description="countries covered; empty: the office's country"
    )
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    note: str | None = Field(None, max_length=2000)
    is_active: bool = True
    windows: list[WindowIn] = Field(min_length=1, max_length=MAX_WINDOWS)


class AvailabilityUpdate(_AvailabilityFields):
    office: str | None = Field(None, min_length=1, max_length=120)
    city: str | None = Field(None, min_length=1, max_length=120)
    country_code: str | None = Field(None, min_length=2, max_length=3)
    timezone: str | None = Field(None, min_length=1, max_length=64)
    slot_minutes: int | None = Field(None, ge=MIN_SLOT_MINUTES, le=MAX_SLOT_MINUTES)
    languages: list[str] | None = Field(None, max_length=10)
    topics: list[ConsultationTopic] | None = Field(None, max_length=len(ConsultationTopic))
    markets: list[str] | None = Field(None, max_length=40)
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    note: str | None = Field(None, max_length=2000)
    is_active: bool | None = None
    windows: list[WindowIn] | None = Field(None, min_length=1, max_length=MAX_WINDOWS)


class AvailabilityRead(BaseModel):
    id: int
    advisor_id: int
    advisor_name: str
    office: str
    city: str
    country_code: str
    timezone: str
    slot_minutes: int
    languages: list[str]
    topics: list[ConsultationTopic]
    markets: list[str]
    valid_from: dt.date | None
    valid_until: dt.date | None
    note: str | None
    is_active: bool
    is_generated: bool
    windows: list[WindowRead]


class AvailabilityFilter(BaseModel):
    model_config = ConfigDict(extra="forbid")

    advisor_id: int | None = None
    market: str | None = Field(None, min_length=2, max_length=3)
    topic: ConsultationTopic | None = None
    active: bool | None = None


class SlotQuery(BaseModel):
    """Which slots to list; dates are in the exporter's time zone ``tz``."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    advisor_id: int | None = None
    availability_id: int | None = None
    market: str | None = Field(None, min_length=2, max_length=3)
    topic: ConsultationTopic | None = None
    language: str | None = Field(None, min_length=2, max_length=2)
    from_date: dt.date | None = Field(None, alias="from", description="first day (default: today)")
    days: int = Field(14, ge=1, le=MAX_SLOT_DAYS)
    tz: str | None = Field(None, description="the exporter's IANA time zone (default: the setting)")


class LocalTime(BaseModel):
    timezone: str
    start: dt.datetime = Field(description="local start with its UTC offset")
    end: dt.datetime
    offset: str = Field(description="e.g. 'UTC+09:00'")


class SlotRead(BaseModel):
    availability_id: int
    advisor_id: int
    advisor_name: str
    office: str
    city: str
    country_code: str
    starts_at: dt.datetime = Field(description="UTC")
    ends_at: dt.datetime = Field(description="UTC")
    exporter: LocalTime
    advisor: LocalTime
    languages: list[str]
    topics: list[ConsultationTopic]
    markets: list[str]


class SlotList(BaseModel):
    timezone: str
    from_date: dt.date
    days: int
    slots: list[SlotRead]


class BookingCreate(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    availability_id: int
    starts_at: AwareDatetime = Field(description="the slot's start, ISO 8601 with a UTC offset")
    topic: ConsultationTopic
    market: str | None = Field(None, min_length=2, max_length=3, description="default: the office's country")
    language: str | None = Field(None, min_length=2, max_length=2)
    notes: str | None = Field(None, max_length=2000)
    company_id: int | None = Field(None, description="staff booking for a firm; exporters: their own")
    exporter_timezone: str | None = Field(None, max_length=64, description="default: the setting")


class ReasonIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: str | None = Field(None, max_length=500)


class BookingFilter(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: ConsultationStatus | None = None
    upcoming: bool | None = Field(None, description="only bookings that have not ended yet")


class PartyRead(BaseModel):
    id: int
    name: str
    email: str | None = None


class BookingRead(BaseModel):
    id: int
    status: ConsultationStatus
    availability_id: int | None
    advisor: PartyRead
    company_id: int
    company_name_ko: str
    company_name_en: str
    requested_by: PartyRead | None
    starts_at: dt.datetime
    ends_at: dt.datetime
    exporter: LocalTime
    advisor_local: LocalTime
    office: str
    city: str
    topic: ConsultationTopic
    market: str | None
    language: str | None
    notes: str | None
    decided_at: dt.datetime | None
    decided_by_id: int | None
    cancelled_at: dt.datetime | None
    cancelled_by_id: int | None
    status_reason: str | None
    meeting_link: str | None = Field(description="shown once the advisor confirmed")
    ics_url: str
    created_at: dt.datetime
