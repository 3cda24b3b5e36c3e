"""The online consultation room: advisors' published availability and exporters' video consultations.

Times of bookings are stored in UTC; availability windows are wall-clock times in the advisor's own
IANA time zone, so they follow its daylight-saving changes.
"""

from __future__ import annotations

import enum
from datetime import date, datetime, time

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    Time,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exportpilot.db.base import Base, TimestampMixin


class ConsultationStatus(enum.StrEnum):
    requested = "requested"
    confirmed = "confirmed"
    declined = "declined"
    cancelled = "cancelled"


class ConsultationTopic(enum.StrEnum):
    """What an exporter wants to talk about with an overseas trade office."""

    market_entry = "market_entry"
    buyer_search = "buyer_search"
    certification = "certification"
    tariffs_regulation = "tariffs_regulation"
    logistics = "logistics"
    contracts_payment = "contracts_payment"
    marketing = "marketing"
    other = "other"


#: Statuses in which a booking holds its slot (the advisor's and the exporter's time).
ACTIVE_STATUSES = (ConsultationStatus.requested, ConsultationStatus.confirmed)
_ACTIVE_SQL = "status IN ('requested', 'confirmed')"


class AdvisorAvailability(TimestampMixin, Base):
    """An advisor's published availability at an overseas office: windows in the office's time zone."""

    __tablename__ = "advisor_availabilities"

    id: Mapped[int] = mapped_column(primary_key=True)
    advisor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    office: Mapped[str] = mapped_column(String(120))  # e.g. "호치민무역관 (Ho Chi Minh City)"
    city: Mapped[str] = mapped_column(String(120))
    country_code: Mapped[str] = mapped_column(ForeignKey("countries.iso3"), index=True)
    timezone: Mapped[str] = mapped_column(String(64))  # IANA, e.g. Asia/Ho_Chi_Minh
    slot_minutes: Mapped[int] = mapped_column(Integer, default=30)
    languages: Mapped[list[str]] = mapped_column(JSON, default=list)  # ISO 639-1
    topics: Mapped[list[str]] = mapped_column(JSON, default=list)  # ConsultationTopic values
    markets: Mapped[list[str]] = mapped_column(JSON, default=list)  # ISO 3166-1 alpha-3
    valid_from: Mapped[date | None] = mapped_column(Date, nullable=True)
    valid_until: Mapped[date | None] = mapped_column(Date, nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_generated: Mapped[bool] = mapped_column(Boolean, default=False)

    windows: Mapped[list[AvailabilityWindow]] = relationship(
        back_populates="availability",
        cascade="all, delete-orphan",
        lazy="selectin",
        order_by="AvailabilityWindow.id",
    )


class AvailabilityWindow(Base):
    """One window of an availability: every given weekday or on one date, from ``start_time`` to
    ``end_time`` local time. An end at or before the start means the window ends the next day."""

    __tablename__ = "advisor_availability_windows"
    __table_args__ = (
        CheckConstraint(
            "(weekday IS NULL AND on_date IS NOT NULL) OR (weekday IS NOT NULL AND on_date IS NULL)",
            name="weekday_or_date",
        ),
        CheckConstraint("weekday IS NULL OR (weekday >= 0 AND weekday <= 6)", name="weekday_range"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    availability_id: Mapped[int] = mapped_column(
        ForeignKey("advisor_availabilities.id", ondelete="CASCADE"), index=True
    )
    weekday: Mapped[int | None] = mapped_column(Integer, nullable=True)  # 0 = Monday
    on_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    start_time: Mapped[time] = mapped_column(Time)
    end_time: Mapped[time] = mapped_column(Time)

    availability: Mapped[AdvisorAvailability] = relationship(back_populates="windows")


class ConsultationBooking(TimestampMixin, Base):
    """A video consultation an exporter booked with an advisor: requested → confirmed / declined /
    cancelled. The partial unique indexes make a second active booking of the same start fail."""

    __tablename__ = "consultation_bookings"
    __table_args__ = (
        Index(
            "uq_consultation_bookings_advisor_slot",
            "advisor_id",
            "starts_at",
            unique=True,
            sqlite_where=text(_ACTIVE_SQL),
            postgresql_where=text(_ACTIVE_SQL),
        ),
        Index(
            "uq_consultation_bookings_company_slot",
            "company_id",
            "starts_at",
            unique=True,
            sqlite_where=text(_ACTIVE_SQL),
            postgresql_where=text(_ACTIVE_SQL),
        ),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    availability_id: Mapped[int | None] = mapped_column(
        ForeignKey("advisor_availabilities.id", ondelete="SET NULL"), nullable=True, index=True
    )
    advisor_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    company_id: Mapped[int] = mapped_column(ForeignKey("companies.id", ondelete="CASCADE"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True, index=True
    )
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)  # UTC
    ends_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))  # UTC
    # Kept on the booking (not only on the availability) so that its invite stays right if the
    # availability is later edited or removed.
    advisor_timezone: Mapped[str] = mapped_column(String(64))
    exporter_timezone: Mapped[str] = mapped_column(String(64))
    office: Mapped[str] = mapped_column(String(120))
    city: Mapped[str] = mapped_column(String(120))
    topic: Mapped[ConsultationTopic] = mapped_column(Enum(ConsultationTopic, native_enum=False, length=24))
    market: Mapped[str | None] = mapped_column(ForeignKey("countries.iso3"), nullable=True)
    language: Mapped[str | None] = mapped_column(String(2), nullable=True)
    notes: Mapped[str | None] = mapped_column(Text, nullable=True)
    status: Mapped[ConsultationStatus] = mapped_column(
        Enum(ConsultationStatus, native_enum=False, length=16),
        default=ConsultationStatus.requested,
        index=True,
    )
    # Confirmation or decline by the advisor (or an admin); cancellation by either side.
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    cancelled_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    status_reason: Mapped[str | None] = mapped_column(String(500), nullable=True)
    meeting_token: Mapped[str] = mapped_column(String(32))
    meeting_link: Mapped[str | None] = mapped_column(String(500), nullable=True)
    ical_uid: Mapped[str] = mapped_column(String(120), unique=True)
    ical_sequence: Mapped[int] = mapped_column(Integer, default=0)
    is_generated: Mapped[bool] = mapped_column(Boolean, default=False)
