"""Export consultation meetings (수출상담회), trade missions and online weeks: events, their slots,
participants, interpreters, meeting requests, scheduled meetings and the notifications they cause.

Times are stored in UTC (``DateTime(timezone=True)``); the venue's and each participant's IANA time zone
is kept as a name and applied when a time is shown.
"""

from __future__ import annotations

import enum
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Enum,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    Time,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exportpilot.db.base import Base, TimestampMixin, utcnow


class EventType(enum.StrEnum):
    in_person = "in_person"  # 수출상담회: buyers visit, 1:1 tables at a venue
    trade_mission = "trade_mission"  # 무역사절단: exporters travel to the buyers' market
    online_week = "online_week"  # video meetings across time zones


class EventStatus(enum.StrEnum):
    draft = "draft"  # the organiser prepares it; only staff see it
    open = "open"  # participants request meetings
    scheduled = "scheduled"  # a schedule is stored (re-scheduling stays possible)
    closed = "closed"  # over: nothing changes any more


class ParticipantKind(enum.StrEnum):
    buyer = "buyer"
    exporter = "exporter"


class RequestSide(enum.StrEnum):
    """Who asked for a meeting: one of the two sides, or the organiser (e.g. from the matching engine)."""

    buyer = "buyer"
    exporter = "exporter"
    organiser = "organiser"


class RequestStatus(enum.StrEnum):
    requested = "requested"
    accepted = "accepted"
    declined = "declined"
    withdrawn = "withdrawn"


class MeetingStatus(enum.StrEnum):
    scheduled = "scheduled"  # placed by the scheduler; a re-run may move it
    confirmed = "confirmed"  # published by the organiser: a re-run keeps it in its slot and at its table
    cancelled = "cancelled"


class Event(TimestampMixin, Base):
    """One event: where and when, how many tables, the default local working hours for video meetings."""

    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint("tables >= 1", name="tables_positive"),
        CheckConstraint("working_end > working_start", name="working_hours_order"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[EventType] = mapped_column(Enum(EventType, native_enum=False, length=16))
    status: Mapped[EventStatus] = mapped_column(
        Enum(EventStatus, native_enum=False, length=16), default=EventStatus.draft, index=True
    )
    venue: Mapped[str | None] = mapped_column(String(200), nullable=True)
    timezone: Mapped[str] = mapped_column(String(64))  # IANA, validated with zoneinfo
    description: Mapped[str | None] = mapped_column(Text, nullable=True)
    tables: Mapped[int] = mapped_column(Integer, default=10)
    # Local working hours of the participants of online slots, unless a participant has its own.
    working_start: Mapped[time] = mapped_column(Time, default=time(8, 0))
    working_end: Mapped[time] = mapped_column(Time, default=time(20, 0))
    # The last scheduler run: weight, bound, greedy baseline, meetings, moved, seconds (for the organiser).
    last_run: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    scheduled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    is_generated: Mapped[bool] = mapped_column(Boolean, default=False)

    slots: Mapped[list[EventSlot]] = relationship(
        back_populates="event", cascade="all, delete-orphan", order_by="EventSlot.starts_at"
    )


class EventSlot(Base):
    """A meeting slot ``[starts_at, ends_at)``; ``online`` slots are video meetings (working hours apply)."""

    __tablename__ = "event_slots"
    __table_args__ = (CheckConstraint("ends_at > starts_at", name="ends_after_start"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(40))
    day: Mapped[date] = mapped_column(Date)  # the venue's local date
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    online: Mapped[bool] = mapped_column(Boolean, default=False)

    event: Mapped[Event] = relationship(back_populates="slots")


class EventParticipant(TimestampMixin, Base):
    """A buyer (from ``buyers``) or an exporter (a company from ``companies``) taking part in an event."""

    __tablename__ = "event_participants"
    __table_args__ = (
        UniqueConstraint("event_id", "buyer_id", name="uq_event_participants_event_buyer"),
        UniqueConstraint("event_id", "company_id", name="uq_event_participants_event_company"),
        CheckConstraint(
            "(kind = 'buyer' AND buyer_id IS NOT NULL AND company_id IS NULL) OR "
            "(kind = 'exporter' AND company_id IS NOT NULL AND buyer_id IS NULL)",
            name="one_party",
        ),
        CheckConstraint("max_meetings IS NULL OR max_meetings >= 0", name="max_meetings_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ParticipantKind] = mapped_column(Enum(ParticipantKind, native_enum=False, length=16))
    buyer_id: Mapped[int | None] = mapped_column(
        ForeignKey("buyers.id", ondelete="CASCADE"), nullable=True, index=True
    )
    company_id: Mapped[int | None] = mapped_column(
        ForeignKey("companies.id", ondelete="CASCADE"), nullable=True, index=True
    )
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)  # ISO 639-1
    max_meetings: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # Ids of the event's slots the participant can attend; None: every slot.
    available_slot_ids: Mapped[list[int] | None] = mapped_column(JSON, nullable=True)
    # Own IANA time zone (for online slots and for its agenda); None: the venue's.
    timezone: Mapped[str | None] = mapped_column(String(64), nullable=True)
    working_start: Mapped[time | None] = mapped_column(Time, nullable=True)
    working_end: Mapped[time | None] = mapped_column(Time, nullable=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class EventInterpreter(Base):
    """How many interpreters of a language work in a slot (no rows at all: interpretation is free)."""

    __tablename__ = "event_interpreters"
    __table_args__ = (
        UniqueConstraint("slot_id", "language", name="uq_event_interpreters_slot_language"),
        CheckConstraint("count >= 0", name="count_non_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("event_slots.id", ondelete="CASCADE"), index=True)
    language: Mapped[str] = mapped_column(String(8))
    count: Mapped[int] = mapped_column(Integer)


class MeetingRequest(TimestampMixin, Base):
    """A wish that one buyer and one exporter meet; one row per pair and event.

    Each side's priority (1-5) is recorded when that side asks; when both sides ask, the request is
    ``mutual`` and weighs more in the schedule.
    """

    __tablename__ = "event_requests"
    __table_args__ = (
        UniqueConstraint("buyer_participant_id", "exporter_participant_id", name="uq_event_requests_pair"),
        CheckConstraint("buyer_priority IS NULL OR buyer_priority BETWEEN 1 AND 5", name="buyer_priority"),
        CheckConstraint(
            "exporter_priority IS NULL OR exporter_priority BETWEEN 1 AND 5", name="exporter_priority"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    buyer_participant_id: Mapped[int] = mapped_column(
        ForeignKey("event_participants.id", ondelete="CASCADE"), index=True
    )
    exporter_participant_id: Mapped[int] = mapped_column(
        ForeignKey("event_participants.id", ondelete="CASCADE"), index=True
    )
    requested_by: Mapped[RequestSide] = mapped_column(Enum(RequestSide, native_enum=False, length=16))
    status: Mapped[RequestStatus] = mapped_column(
        Enum(RequestStatus, native_enum=False, length=16), default=RequestStatus.requested, index=True
    )
    buyer_priority: Mapped[int | None] = mapped_column(Integer, nullable=True)
    exporter_priority: Mapped[int | None] = mapped_column(Integer, nullable=True)
    mutual: Mapped[bool] = mapped_column(Boolean, default=False)
    # The matching engine's score when the organiser added the pair from its recommendations.
    match_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    note: Mapped[str | None] = mapped_column(String(500), nullable=True)
    requested_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    responded_by_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    responded_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class Meeting(TimestampMixin, Base):
    """A scheduled meeting of an accepted request: slot, table (from 1) and interpreter language."""

    __tablename__ = "event_meetings"
    __table_args__ = (
        UniqueConstraint("request_id", name="uq_event_meetings_request_id"),
        CheckConstraint("table_no >= 1", name="table_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("event_requests.id", ondelete="CASCADE"))
    slot_id: Mapped[int] = mapped_column(ForeignKey("event_slots.id", ondelete="CASCADE"), index=True)
    table: Mapped[int] = mapped_column("table_no", Integer)
    interpreter: Mapped[str | None] = mapped_column(String(8), nullable=True)
    status: Mapped[MeetingStatus] = mapped_column(
        Enum(MeetingStatus, native_enum=False, length=16), default=MeetingStatus.scheduled, index=True
    )
    # iCalendar SEQUENCE: raised each time the meeting moves or is cancelled (its UID never changes).
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    cancelled_reason: Mapped[str | None] = mapped_column(String(500), nullable=True)


class Notification(Base):
    """A message to a participant (and its users) about a change: a request, an answer, a schedule."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), nullable=True, index=True
    )
    participant_id: Mapped[int | None] = mapped_column(
        ForeignKey("event_participants.id", ondelete="CASCADE"), nullable=True, index=True
    )
    event_id: Mapped[int | None] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), nullable=True, index=True
    )
    kind: Mapped[str] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(String(1000))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    read_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
