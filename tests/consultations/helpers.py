"""Shared set-up of the consultation-room tests: an advisor at an overseas office and an exporter."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from exportpilot.consultations import service
from exportpilot.consultations.schemas import AvailabilityCreate, BookingCreate
from exportpilot.models import AdvisorAvailability, Company, ConsultationBooking, Role, User
from tests.factories import make_company, make_user

# Monday 2 March 2026, 09:00 in Seoul: a fixed "now" for the service tests.
NOW = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)


@dataclass
class Room:
    advisor: User
    exporter: User
    company: Company


def make_room(session: Session) -> Room:
    advisor = make_user(session, Role.advisor, full_name="박상담")
    company = make_company(session, name_en="Hanbit Precision Co., Ltd.")
    exporter = make_user(session, Role.exporter, company_id=company.id, full_name="이수출")
    return Room(advisor=advisor, exporter=exporter, company=company)


def publish(
    session: Session,
    advisor: User,
    windows: list[dict[str, Any]],
    *,
    timezone: str = "Asia/Ho_Chi_Minh",
    country_code: str = "VNM",
    slot_minutes: int = 30,
    **kw: Any,
) -> AdvisorAvailability:
    data = AvailabilityCreate(
        office=kw.pop("office", "호치민무역관 (Ho Chi Minh City)"),
        city=kw.pop("city", "Ho Chi Minh City"),
        country_code=country_code,
        timezone=timezone,
        slot_minutes=slot_minutes,
        windows=windows,
        **kw,
    )
    return service.create_availability(session, data=data, actor=advisor)


def weekdays(start: str, end: str, days: range = range(7)) -> list[dict[str, Any]]:
    return [{"weekday": d, "start": start, "end": end} for d in days]


def book(
    session: Session,
    actor: User | None,
    availability: AdvisorAvailability,
    starts_at: datetime,
    *,
    now: datetime = NOW,
    **kw: Any,
) -> ConsultationBooking:
    data = BookingCreate(
        availability_id=availability.id, starts_at=starts_at, topic=kw.pop("topic", "market_entry"), **kw
    )
    return service.book(session, data=data, actor=actor, now=now)


def day_after(now: datetime, days: int) -> date:
    return (now + timedelta(days=days)).date()
