"""REST face of the online consultation room: ``/api/consultations``."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Query, Response, status
from sqlalchemy.orm import Session

from exportpilot.api.deps import CurrentUser, PageDep, SessionDep
from exportpilot.consultations import service
from exportpilot.consultations.ics import MEDIA_TYPE
from exportpilot.consultations.schemas import (
    AvailabilityCreate,
    AvailabilityFilter,
    AvailabilityRead,
    AvailabilityUpdate,
    BookingCreate,
    BookingFilter,
    BookingRead,
    LocalTime,
    PartyRead,
    ReasonIn,
    SlotList,
    SlotQuery,
    SlotRead,
    WindowRead,
)
from exportpilot.consultations.timeslots import as_utc, utc_offset_label
from exportpilot.kit.pagination import Page
from exportpilot.models import AdvisorAvailability, Company, ConsultationBooking, ConsultationTopic, User

router = APIRouter(prefix="/consultations", tags=["consultations"])


def local_time(start: datetime, end: datetime, tz_name: str) -> LocalTime:
    tz = ZoneInfo(tz_name)
    local_start = as_utc(start).astimezone(tz)
    return LocalTime(
        timezone=tz_name,
        start=local_start,
        end=as_utc(end).astimezone(tz),
        offset=utc_offset_label(local_start),
    )


def availability_read(session: Session, a: AdvisorAvailability) -> AvailabilityRead:
    advisor = session.get(User, a.advisor_id)
    return AvailabilityRead(
        id=a.id,
        advisor_id=a.advisor_id,
        advisor_name=advisor.full_name if advisor else "",
        office=a.office,
        city=a.city,
        country_code=a.country_code,
        timezone=a.timezone,
        slot_minutes=a.slot_minutes,
        languages=list(a.languages or ()),
        topics=[ConsultationTopic(t) for t in a.topics or ()],
        markets=list(a.markets or ()),
        valid_from=a.valid_from,
        valid_until=a.valid_until,
        note=a.note,
        is_active=a.is_active,
        is_generated=a.is_generated,
        windows=[
            WindowRead(weekday=w.weekday, date=w.on_date, start=w.start_time, end=w.end_time, label=label)
            for w, label in zip(a.windows, (w.label() for w in service.windows_of(a)), strict=True)
        ],
    )


def slot_read(slot: service.Slot, tz_name: str) -> SlotRead:
    a = slot.availability
    return SlotRead(
        availability_id=a.id,
        advisor_id=slot.advisor.id,
        advisor_name=slot.advisor.full_name,
        office=a.office,
        city=a.city,
        country_code=a.country_code,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        exporter=local_time(slot.starts_at, slot.ends_at, tz_name),
        advisor=local_time(slot.starts_at, slot.ends_at, a.timezone),
        languages=list(a.languages or ()),
        topics=[ConsultationTopic(t) for t in a.topics or ()],
        markets=list(a.markets or ()),
    )


def _party(user: User | None) -> PartyRead | None:
    return PartyRead(id=user.id, name=user.full_name, email=user.email) if user is not None else None


def booking_read(session: Session, b: ConsultationBooking) -> BookingRead:
    advisor = session.get(User, b.advisor_id)
    company = session.get(Company, b.company_id)
    requester = session.get(User, b.requested_by_id) if b.requested_by_id is not None else None
    assert advisor is not None
    assert company is not None
    return BookingRead(
        id=b.id,
        status=b.status,
        availability_id=b.availability_id,
        advisor=PartyRead(id=advisor.id, name=advisor.full_name, email=advisor.email),
        company_id=company.id,
        company_name_ko=company.name_ko,
        company_name_en=company.name_en,
        requested_by=_party(requester),
        starts_at=as_utc(b.starts_at),
        ends_at=as_utc(b.ends_at),
        exporter=local_time(b.starts_at, b.ends_at, b.exporter_timezone),
        advisor_local=local_time(b.starts_at, b.ends_at, b.advisor_timezone),
        office=b.office,
        city=b.city,
        topic=b.topic,
        market=b.market,
        language=b.language,
        notes=b.notes,
        decided_at=as_utc(b.decided_at) if b.decided_at else None,
        decided_by_id=b.decided_by_id,
        cancelled_at=as_utc(b.cancelled_at) if b.cancelled_at else None,
        cancelled_by_id=b.cancelled_by_id,
        status_reason=b.status_reason,
        meeting_link=service.shown_link(b),
        ics_url=f"/api/consultations/bookings/{b.id}/invite.ics",
        created_at=as_utc(b.created_at),
    )


# Availability ----------------------------------------------------------------------------------------------


@router.get(
    "/availabilities",
    response_model=list[AvailabilityRead],
    summary="Advisors' published availability (staff and exporters)",
)
def list_availabilities(
    session: SessionDep,
    user: CurrentUser,
    filters: Annotated[AvailabilityFilter, Depends()],
    mine: Annotated[bool, Query(description="only your own (advisors)")] = False,
) -> list[AvailabilityRead]:
    items = service.list_availabilities(session, actor=user, filters=filters, mine=mine)
    return [availability_read(session, a) for a in items]


@router.post(
    "/availabilities",
    response_model=AvailabilityRead,
    status_code=status.HTTP_201_CREATED,
    summary="Publish availability at an overseas office (an advisor for themself; an admin for any advisor)",
)
def create_availability(body: AvailabilityCreate, session: SessionDep, user: CurrentUser) -> AvailabilityRead:
    return availability_read(session, service.create_availability(session, data=body, actor=user))


@router.get("/availabilities/{availability_id}", response_model=AvailabilityRead, summary="One availability")
def get_availability(availability_id: int, session: SessionDep, user: CurrentUser) -> AvailabilityRead:
    return availability_read(
        session, service.get_availability(session, availability_id=availability_id, actor=user)
    )


@router.patch(
    "/availabilities/{availability_id}",
    response_model=AvailabilityRead,
    summary="Change an availability (its advisor or an admin); given windows replace the old ones",
)
def update_availability(
    availability_id: int, body: AvailabilityUpdate, session: SessionDep, user: CurrentUser
) -> AvailabilityRead:
    availability = service.update_availability(
        session, availability_id=availability_id, data=body, actor=user
    )
    return availability_read(session, availability)


@router.delete(
    "/availabilities/{availability_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Withdraw an availability (409 while it has upcoming consultations)",
)
def delete_availability(availability_id: int, session: SessionDep, user: CurrentUser) -> Response:
    service.delete_availability(session, availability_id=availability_id, actor=user)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


# Slots -----------------------------------------------------------------------------------------------------


def slot_query(
    advisor_id: int | None = None,
    availability_id: int | None = None,
    market: Annotated[str | None, Query(min_length=2, max_length=3, description="ISO 3166-1 country")] = None,
    topic: ConsultationTopic | None = None,
    language: Annotated[str | None, Query(min_length=2, max_length=2, description="ISO 639-1")] = None,
    from_: Annotated[date | None, Query(alias="from", description="first day in tz (default: today)")] = None,
    days: Annotated[int, Query(ge=1, le=31, description="how many days")] = 14,
    tz: Annotated[str | None, Query(description="your IANA time zone (default: Asia/Seoul)")] = None,
) -> SlotQuery:
    return SlotQuery.model_validate(
        {
            "advisor_id": advisor_id,
            "availability_id": availability_id,
            "market": market,
            "topic": topic,
            "language": language,
            "from": from_,
            "days": days,
            "tz": tz,
        }
    )


@router.get(
    "/slots",
    response_model=SlotList,
    summary="Bookable slots, in your time zone and the advisor's",
    description="Slots within the minimum notice, beyond the booking horizon or overlapping an active "
    "booking of the advisor (or of your company) are left out.",
)
def list_slots(
    session: SessionDep, user: CurrentUser, query: Annotated[SlotQuery, Depends(slot_query)]
) -> SlotList:
    tz, first, slots = service.list_slots(session, actor=user, query=query)
    return SlotList(
        timezone=tz.key, from_date=first, days=query.days, slots=[slot_read(s, tz.key) for s in slots]
    )


# Bookings --------------------------------------------------------------------------------------------------


@router.get("/bookings", response_model=Page[BookingRead], summary="Consultations you are party to")
def list_bookings(
    session: SessionDep, user: CurrentUser, params: PageDep, filters: Annotated[BookingFilter, Depends()]
) -> Page[BookingRead]:
    items, total = service.list_bookings(session, actor=user, filters=filters, params=params)
    return Page(
        items=[booking_read(session, b) for b in items], total=total, page=params.page, size=params.size
    )


@router.post(
    "/bookings",
    response_model=BookingRead,
    status_code=status.HTTP_201_CREATED,
    summary="Book a published slot (exporters for their own company; staff for any firm)",
    responses={409: {"description": "the advisor or the company is already booked then"}},
)
def book(body: BookingCreate, session: SessionDep, user: CurrentUser) -> BookingRead:
    return booking_read(session, service.book(session, data=body, actor=user))


@router.get(
    "/bookings/{booking_id}", response_model=BookingRead, summary="One consultation (its parties only)"
)
def get_booking(booking_id: int, session: SessionDep, user: CurrentUser) -> BookingRead:
    return booking_read(session, service.get_booking(session, booking_id=booking_id, actor=user))


@router.post(
    "/bookings/{booking_id}/confirm",
    response_model=BookingRead,
    summary="Confirm (the advisor or an admin): makes the meeting link",
)
def confirm(
    booking_id: int, session: SessionDep, user: CurrentUser, body: ReasonIn | None = None
) -> BookingRead:
    booking = service.confirm_booking(
        session, booking_id=booking_id, actor=user, note=body.reason if body else None
    )
    return booking_read(session, booking)


@router.post(
    "/bookings/{booking_id}/decline",
    response_model=BookingRead,
    summary="Decline (the advisor or an admin), with an optional reason",
)
def decline(
    booking_id: int, session: SessionDep, user: CurrentUser, body: ReasonIn | None = None
) -> BookingRead:
    booking = service.decline_booking(
        session, booking_id=booking_id, actor=user, reason=body.reason if body else None
    )
    return booking_read(session, booking)


@router.post(
    "/bookings/{booking_id}/cancel",
    response_model=BookingRead,
    summary="Cancel (either side), with an optional reason",
)
def cancel(
    booking_id: int, session: SessionDep, user: CurrentUser, body: ReasonIn | None = None
) -> BookingRead:
    booking = service.cancel_booking(
        session, booking_id=booking_id, actor=user, reason=body.reason if body else None
    )
    return booking_read(session, booking)


@router.get(
    "/bookings/{booking_id}/invite.ics",
    summary="The consultation's iCalendar invite (REQUEST, or CANCEL once declined or cancelled)",
    response_class=Response,
    responses={200: {"content": {MEDIA_TYPE: {}}, "description": "an iCalendar file"}},
)
def invite(booking_id: int, session: SessionDep, user: CurrentUser) -> Response:
    filename, content = service.invite(session, booking_id=booking_id, actor=user)
    return Response(
        content,
        media_type=f"{MEDIA_TYPE}; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )
