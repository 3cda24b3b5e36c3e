"""Pydantic schemas of export consultation meetings: what the API and the forms accept and return."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from exportpilot.events.instance import normalize_language
from exportpilot.models import (
    EventStatus,
    EventType,
    MeetingStatus,
    ParticipantKind,
    RequestSide,
    RequestStatus,
)

Priority = Field(3, ge=1, le=5, description="how much the side wants the meeting, 1 (low) to 5 (high)")


def check_timezone(value: str) -> str:
    """Return ``value`` when it names an IANA time zone (zoneinfo), else raise ``ValueError``."""
    value = value.strip()
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"{value!r} is not an IANA time zone (e.g. 'Asia/Seoul')") from exc
    return value


def _languages(values: list[str]) -> list[str]:
    out: list[str] = []
    for v in values:
        code = normalize_language(v)
        if code not in out:
            out.append(code)
    return out


class EventCreate(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    type: EventType = EventType.in_person
    timezone: str = Field("Asia/Seoul", description="the venue's IANA time zone")
    venue: str | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=5000)
    tables: int = Field(10, ge=1, le=2000, description="tables (or video rooms) per slot")
    working_start: time = Field(time(8, 0), description="default local working hours for online slots")
    working_end: time = time(20, 0)

    _tz = field_validator("timezone")(check_timezone)

    @model_validator(mode="after")
    def _hours(self) -> EventCreate:
        if self.working_end <= self.working_start:
            raise ValueError("working_end must be after working_start")
        return self


class EventUpdate(BaseModel):
    name: str | None = Field(None, min_length=1, max_length=200)
    status: EventStatus | None = None
    venue: str | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=5000)
    tables: int | None = Field(None, ge=1, le=2000)
    working_start: time | None = None
    working_end: time | None = None


class EventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    type: EventType
    status: EventStatus
    venue: str | None
    timezone: str
    description: str | None
    tables: int
    working_start: time
    working_end: time
    last_run: dict[str, Any] | None
    scheduled_at: datetime | None
    is_generated: bool
    created_at: datetime


class SlotIn(BaseModel):
    """A slot; a start or end without a UTC offset is read in the venue's time zone."""

    label: str | None = Field(None, max_length=40)
    start: datetime
    end: datetime
    online: bool | None = Field(None, description="a video slot; default: true for online weeks")


class SlotsCreate(BaseModel):
    slots: list[SlotIn] = Field(min_length=1, max_length=2000)


class BreakIn(BaseModel):
    start: time
    end: time


class DayPlan(BaseModel):
    """Slots of ``minutes`` each from ``start`` to ``end`` on every day, skipping the breaks."""

    days: list[date] = Field(min_length=1, max_length=31)
    start: time = time(9, 0)
    end: time = time(17, 0)
    minutes: int = Field(30, ge=5, le=480)
    gap_minutes: int = Field(0, ge=0, le=120, description="changeover time between two slots")
    breaks: list[BreakIn] = Field(default_factory=list, max_length=10)
    online: bool | None = None

    @model_validator(mode="after")
    def _order(self) -> DayPlan:
        if self.end <= self.start:
            raise ValueError("end must be after start")
        for b in self.breaks:
            if b.end <= b.start:
                raise ValueError(f"break {b.start:%H:%M}-{b.end:%H:%M} ends before it starts")
        return self


class SlotRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    label: str
    day: date
    starts_at: datetime
    ends_at: datetime
    online: bool


class InterpreterIn(BaseModel):
    language: str
    count: int = Field(ge=0, le=500)
    slot_ids: list[int] | None = Field(None, description="the slots; default: every slot of the event")

    @field_validator("language")
    @classmethod
    def _lang(cls, v: str) -> str:
        return normalize_language(v)


class InterpretersSet(BaseModel):
    interpreters: list[InterpreterIn] = Field(max_length=200)


class InterpreterRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    slot_id: int
    language: str
    count: int


class ParticipantCreate(BaseModel):
    kind: ParticipantKind
    buyer_id: int | None = None
    company_id: int | None = None
    languages: list[str] | None = Field(
        None, max_length=10, description="ISO 639-1; default: the buyer's languages, or ko for an exporter"
    )
    max_meetings: int | None = Field(None, ge=0, le=200)
    available_slot_ids: list[int] | None = Field(None, description="default: every slot")
    timezone: str | None = Field(None, description="own IANA time zone; default: the venue's")
    working_start: time | None = None
    working_end: time | None = None

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str | None) -> str | None:
        return check_timezone(v) if v else None

    @field_validator("languages")
    @classmethod
    def _langs(cls, v: list[str] | None) -> list[str] | None:
        return _languages(v) if v is not None else None

    @model_validator(mode="after")
    def _party(self) -> ParticipantCreate:
        if self.kind == ParticipantKind.buyer and (self.buyer_id is None or self.company_id is not None):
            raise ValueError("a buyer participant needs buyer_id (and no company_id)")
        if self.kind == ParticipantKind.exporter and (self.company_id is None or self.buyer_id is not None):
            raise ValueError("an exporter participant needs company_id (and no buyer_id)")
        if (self.working_start is None) != (self.working_end is None):
            raise ValueError("give both working_start and working_end, or neither")
        if self.working_start and self.working_end and self.working_end <= self.working_start:
            raise ValueError("working_end must be after working_start")
        return self


class ParticipantUpdate(BaseModel):
    languages: list[str] | None = Field(None, max_length=10)
    max_meetings: int | None = Field(None, ge=0, le=200)
    available_slot_ids: list[int] | None = None
    timezone: str | None = None

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str | None) -> str | None:
        return check_timezone(v) if v else None

    @field_validator("languages")
    @classmethod
    def _langs(cls, v: list[str] | None) -> list[str] | None:
        return _languages(v) if v is not None else None


class ParticipantRead(BaseModel):
    id: int
    event_id: int
    kind: ParticipantKind
    buyer_id: int | None
    company_id: int | None
    name: str
    languages: list[str]
    max_meetings: int | None
    available_slot_ids: list[int] | None
    timezone: str
    working_start: time
    working_end: time
    active: bool


class RequestCreate(BaseModel):
    buyer_participant_id: int
    exporter_participant_id: int
    priority: int = Priority
    on_behalf_of: Literal["buyer", "exporter"] | None = Field(
        None, description="staff only: record the request as this side's (default: the organiser's)"
    )
    note: str | None = Field(None, max_length=500)


class RespondIn(BaseModel):
    priority: int | None = Field(None, ge=1, le=5, description="the answering side's interest when accepting")
    note: str | None = Field(None, max_length=500)


class RequestRead(BaseModel):
    id: int
    event_id: int
    buyer_participant_id: int
    exporter_participant_id: int
    buyer_name: str
    exporter_name: str
    requested_by: RequestSide
    status: RequestStatus
    buyer_priority: int | None
    exporter_priority: int | None
    mutual: bool
    weight: float
    match_score: float | None
    note: str | None
    requested_by_user_id: int | None
    responded_by_user_id: int | None
    responded_at: datetime | None
    created_at: datetime


class RecommendIn(BaseModel):
    per_exporter: int = Field(3, ge=1, le=20, description="recommended buyers per exporter")
    min_score: float = Field(0.0, ge=0.0, le=1.0)


class ScheduleRun(BaseModel):
    time_limit: float = Field(10.0, gt=0, le=600, description="seconds for the solver")
    seed: int = 0


class RunSummary(BaseModel):
    event_id: int
    requests: int
    meetings: int
    fixed: int
    new: int
    moved: int
    cancelled: int
    unchanged: int
    weight: float
    upper_bound: float
    gap: float
    greedy_weight: float
    seconds: float
    notified: int


class MeetingRead(BaseModel):
    id: int
    event_id: int
    request_id: int
    slot_id: int
    slot_label: str
    starts_at: datetime
    ends_at: datetime
    table: int
    interpreter: str | None
    status: MeetingStatus
    sequence: int
    buyer_participant_id: int
    exporter_participant_id: int
    buyer_name: str
    exporter_name: str


class CancelIn(BaseModel):
    reason: str | None = Field(None, max_length=500)


class ConfirmIn(BaseModel):
    meeting_ids: list[int] | None = Field(None, description="default: every scheduled meeting")


class AgendaItemRead(BaseModel):
    meeting_id: int
    uid: str
    status: MeetingStatus
    slot_label: str
    starts_at: datetime
    ends_at: datetime
    local_start: str
    local_end: str
    table: int
    interpreter: str | None
    online: bool
    counterpart: str
    counterpart_country: str | None


class AgendaRead(BaseModel):
    event_id: int
    event_name: str
    participant_id: int
    name: str
    timezone: str
    language: str
    items: list[AgendaItemRead]


class GridCell(BaseModel):
    meeting_id: int
    buyer_name: str
    exporter_name: str
    status: MeetingStatus
    interpreter: str | None


class GridRow(BaseModel):
    slot_id: int
    label: str
    starts_at: datetime
    ends_at: datetime
    cells: list[GridCell | None]


class GridRead(BaseModel):
    event_id: int
    tables: int
    rows: list[GridRow]


class NotificationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    event_id: int | None
    participant_id: int | None
    kind: str
    message: str
    params: dict[str, Any]
    created_at: datetime
    read_at: datetime | None
