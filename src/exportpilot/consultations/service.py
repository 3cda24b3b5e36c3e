"""The online consultation room: advisors publish availability, exporters book video consultations.

An advisor at an overseas trade office (해외무역관) publishes windows in the office's own time zone; the
bookable slots are listed in the exporter's time zone (default Asia/Seoul) and the advisor's. A booking
must be one of the published slots, in the future with the minimum notice, and overlap no other active
booking of the advisor or of the exporter's company; a partial unique index makes the second of two
simultaneous bookings of the same slot fail as well. The advisor (or an admin) confirms or declines;
either side cancels. Confirmation makes the meeting link from ``EXPORTPILOT_CONSULTATION_LINK_TEMPLATE``.

Every function takes the acting user (``None``: the operator at the command line, acting as an admin),
checks it against ``auth/policy.py`` and never commits: the caller's unit of work does.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from exportpilot.audit import service as audit
from exportpilot.auth import policy
from exportpilot.config import get_settings
from exportpilot.consultations.repository import AvailabilityRepository, BookingRepository
from exportpilot.consultations.schemas import (
    AvailabilityCreate,
    AvailabilityFilter,
    AvailabilityUpdate,
    BookingCreate,
    BookingFilter,
    SlotQuery,
    WindowIn,
)
from exportpilot.consultations.timeslots import (
    Window,
    as_utc,
    slot_starts,
    window_intervals,
    zone,
)
from exportpilot.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from exportpilot.kit.pagination import PageParams
from exportpilot.models import (
    AdvisorAvailability,
    AvailabilityWindow,
    Company,
    ConsultationBooking,
    ConsultationStatus,
    ConsultationTopic,
    Role,
    User,
)
from exportpilot.models.consultation import ACTIVE_STATUSES
from exportpilot.reference import service as reference


def utcnow() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _actor_id(actor: User | None) -> int | None:
    return actor.id if actor is not None else None


def default_timezone() -> str:
    return get_settings().consultation_default_timezone


# Availability ----------------------------------------------------------------------------------------------


def windows_of(availability: AdvisorAvailability) -> list[Window]:
    """The availability's windows as :class:`~exportpilot.consultations.timeslots.Window` values."""
    return [
        Window(start=w.start_time, end=w.end_time, weekday=w.weekday, on_date=w.on_date)
        for w in availability.windows
    ]


def _windows(items: Sequence[WindowIn], slot_minutes: int) -> list[Window]:
    windows = [Window(start=w.start, end=w.end, weekday=w.weekday, on_date=w.date) for w in items]
    for w in windows:
        if w.minutes() < slot_minutes:
            raise InvalidInput(
                f"windows: {w.label()} is shorter than one {slot_minutes}-minute slot", field="windows"
            )
    seen: set[str] = set()
    for w in windows:
        if w.label() in seen:
            raise InvalidInput(f"windows: {w.label()} is listed twice", field="windows")
        seen.add(w.label())
    return windows


def _advisor(session: Session, advisor_id: int | None, field: str = "advisor_id") -> User:
    advisor = session.get(User, advisor_id) if advisor_id is not None else None
    if advisor is None or advisor.role != Role.advisor or not advisor.is_active:
        raise InvalidInput(f"{field}: {advisor_id} is not an active advisor", field=field)
    return advisor


def _markets(session: Session, codes: Sequence[str], field: str = "markets") -> list[str]:
    return list(dict.fromkeys(reference.get_country(session, c, field).iso3 for c in codes))


def _languages(session: Session, codes: Sequence[str]) -> list[str]:
    return [reference.get_language(session, c, "languages").code for c in codes]


def _check_validity(valid_from: date | None, valid_until: date | None) -> None:
    if valid_from is not None and valid_until is not None and valid_until < valid_from:
        raise InvalidInput("valid_until: ends before valid_from", field="valid_until")


def get_availability(session: Session, *, availability_id: int, actor: User | None) -> AdvisorAvailability:
    """Return one published availability (staff and exporters may look)."""
    policy.require(policy.can_view_availability(actor), "buyers do not book consultations")
    availability = AvailabilityRepository(session).get(availability_id)
    if availability is None:
        raise NotFound(f"availability {availability_id} not found")
    return availability


def list_availabilities(
    session: Session, *, actor: User | None, filters: AvailabilityFilter, mine: bool = False
) -> list[AdvisorAvailability]:
    """List published availabilities; ``mine``: only the acting advisor's own."""
    policy.require(policy.can_view_availability(actor), "buyers do not book consultations")
    only = actor.id if mine and actor is not None else None
    market = reference.get_country(session, filters.market, "market").iso3 if filters.market else None
    repo = AvailabilityRepository(session)
    out = []
    for a in session.scalars(repo.filtered(filters, only_advisor=only)).unique():
        if market and market not in (a.markets or [a.country_code]):
            continue
        if filters.topic and a.topics and filters.topic.value not in a.topics:
            continue
        out.append(a)
    return out


def create_availability(
    session: Session, *, data: AvailabilityCreate, actor: User | None
) -> AdvisorAvailability:
    """Publish an advisor's availability at an overseas office."""
    if actor is not None and actor.role not in (Role.admin, Role.advisor):
        raise PermissionDenied("only advisors publish availability for consultations")
    advisor_id = data.advisor_id
    if advisor_id is None:
        if actor is None or actor.role != Role.advisor:
            raise InvalidInput(
                "advisor_id: give the advisor who publishes this availability", field="advisor_id"
            )
        advisor_id = actor.id
    policy.require(
        policy.can_manage_availability(actor, advisor_id), "advisors publish only their own availability"
    )
    advisor = _advisor(session, advisor_id)
    country = reference.get_country(session, data.country_code, "country_code")
    zone(data.timezone, "timezone")
    windows = _windows(data.windows, data.slot_minutes)
    _check_validity(data.valid_from, data.valid_until)
    availability = AdvisorAvailability(
        advisor_id=advisor.id,
        office=data.office,
        city=data.city,
        country_code=country.iso3,
        timezone=data.timezone.strip(),
        slot_minutes=data.slot_minutes,
        languages=_languages(session, data.languages),
        topics=[t.value for t in dict.fromkeys(data.topics)],
        markets=_markets(session, data.markets) if data.markets else [country.iso3],
        valid_from=data.valid_from,
        valid_until=data.valid_until,
        note=data.note,
        is_active=data.is_active,
        windows=[
            AvailabilityWindow(weekday=w.weekday, on_date=w.on_date, start_time=w.start, end_time=w.end)
            for w in windows
        ],
    )
    AvailabilityRepository(session).add(availability)
    audit.record(
        session,
        actor=actor,
        action="create",
        entity="advisor_availability",
        entity_id=availability.id,
        changes={**data.model_dump(mode="json"), "advisor_id": advisor.id},
    )
    return availability


def update_availability(
    session: Session, *, availability_id: int, data: AvailabilityUpdate, actor: User | None
) -> AdvisorAvailability:
    """Change a published availability; given ``windows`` replace the old ones. Booked consultations
    stay as they are."""
    availability = get_availability(session, availability_id=availability_id, actor=actor)
    policy.require(
        policy.can_manage_availability(actor, availability.advisor_id),
        "advisors edit only their own availability",
    )
    given = data.model_fields_set
    updates: dict[str, Any] = {}
    for name in ("office", "city", "slot_minutes", "note", "is_active", "valid_from", "valid_until"):
        if name in given:
            value = getattr(data, name)
            if value is None and name in ("office", "city", "slot_minutes", "is_active"):
                raise InvalidInput(f"{name}: may not be empty", field=name)
            updates[name] = value
    if "country_code" in given:
        updates["country_code"] = reference.get_country(session, data.country_code, "country_code").iso3
    if "timezone" in given:
        zone(data.timezone, "timezone")
        updates["timezone"] = (data.timezone or "").strip()
    if "languages" in given:
        updates["languages"] = _languages(session, data.languages or [])
    if "topics" in given:
        updates["topics"] = [t.value for t in dict.fromkeys(data.topics or [])]
    if "markets" in given:
        updates["markets"] = (
            _markets(session, data.markets)
            if data.markets
            else [updates.get("country_code", availability.country_code)]
        )
    _check_validity(
        updates.get("valid_from", availability.valid_from),
        updates.get("valid_until", availability.valid_until),
    )
    slot_minutes = updates.get("slot_minutes", availability.slot_minutes)
    changes = audit.diff(availability, updates)
    if data.windows is not None:
        windows = _windows(data.windows, slot_minutes)
        old = [w.label() for w in windows_of(availability)]
        availability.windows = [
            AvailabilityWindow(weekday=w.weekday, on_date=w.on_date, start_time=w.start, end_time=w.end)
            for w in windows
        ]
        if old != [w.label() for w in windows]:
            changes["windows"] = [old, [w.label() for w in windows]]
    else:
        for w in windows_of(availability):
            if w.minutes() < slot_minutes:
                raise InvalidInput(
                    f"slot_minutes: the window {w.label()} is shorter than one {slot_minutes}-minute slot",
                    field="slot_minutes",
                )
    session.flush()
    if changes:
        audit.record(
            session,
            actor=actor,
            action="update",
            entity="advisor_availability",
            entity_id=availability.id,
            changes=changes,
        )
    return availability


def delete_availability(
    session: Session, *, availability_id: int, actor: User | None, now: datetime | None = None
) -> None:
    """Withdraw an availability; refused while it has upcoming requested or confirmed consultations."""
    availability = get_availability(session, availability_id=availability_id, actor=actor)
    policy.require(
        policy.can_manage_availability(actor, availability.advisor_id),
        "advisors remove only their own availability",
    )
    upcoming = BookingRepository(session).upcoming_of_availability(availability.id, now or utcnow())
    if upcoming:
        ids = ", ".join(str(b.id) for b in upcoming[:10])
        raise Conflict(
            f"availability {availability.id} has {len(upcoming)} upcoming consultation(s) ({ids}): "
            "cancel or decline them first, or set it inactive to stop new bookings"
        )
    audit.record(
        session,
        actor=actor,
        action="delete",
        entity="advisor_availability",
        entity_id=availability.id,
        changes={"office": availability.office, "advisor_id": availability.advisor_id},
    )
    AvailabilityRepository(session).delete(availability)


# Slots -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Slot:
    """A bookable slot: its availability, advisor and UTC start and end."""

    availability: AdvisorAvailability
    advisor: User
    starts_at: datetime
    ends_at: datetime

    def local(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        return self.starts_at.astimezone(tz), self.ends_at.astimezone(tz)


def availability_starts(availability: AdvisorAvailability, start: datetime, end: datetime) -> list[datetime]:
    """UTC starts of the availability's slots that begin in ``start``–``end`` (UTC)."""
    tz = ZoneInfo(availability.timezone)
    first = start.astimezone(tz).date() - timedelta(days=1)  # a window from yesterday may cross midnight
    last = end.astimezone(tz).date()
    intervals = window_intervals(
        windows_of(availability),
        tz,
        first,
        last,
        valid_from=availability.valid_from,
        valid_until=availability.valid_until,
    )
    return [s for s in slot_starts(intervals, availability.slot_minutes) if start <= s < end]


def _matches(availability: AdvisorAvailability, query: SlotQuery, market: str | None) -> bool:
    if market and market not in (availability.markets or [availability.country_code]):
        return False
    if query.topic and availability.topics and query.topic.value not in availability.topics:
        return False
    return not (
        query.language and availability.languages and query.language.lower() not in availability.languages
    )


def list_slots(
    session: Session, *, actor: User | None, query: SlotQuery, now: datetime | None = None
) -> tuple[ZoneInfo, date, list[Slot]]:
    """List the bookable slots of ``query.days`` days from ``query.from_date`` in the exporter's zone.

    Slots are left out when they start within the minimum notice or after the booking horizon, when
    the advisor already has an active booking then, or when the acting exporter's company has.

    Returns
    -------
    tuple
        The exporter's time zone, the first day listed and the slots ordered by start.
    """
    policy.require(policy.can_view_availability(actor), "buyers do not book consultations")
    settings = get_settings()
    tz = zone(query.tz or settings.consultation_default_timezone, "tz")
    now = as_utc(now) if now is not None else utcnow()
    first = query.from_date or now.astimezone(tz).date()
    range_start = datetime.combine(first, time(0), tzinfo=tz).astimezone(UTC)
    range_end = datetime.combine(first + timedelta(days=query.days), time(0), tzinfo=tz).astimezone(UTC)
    earliest = max(range_start, now + timedelta(hours=settings.consultation_min_notice_hours))
    latest = min(range_end, now + timedelta(days=settings.consultation_horizon_days))
    market = reference.get_country(session, query.market, "market").iso3 if query.market else None
    ids = [query.availability_id] if query.availability_id is not None else None
    availabilities = [
        a
        for a in AvailabilityRepository(session).active(advisor_id=query.advisor_id, ids=ids)
        if _matches(a, query, market)
    ]
    advisors = {a.advisor_id: session.get(User, a.advisor_id) for a in availabilities}
    slots: dict[tuple[int, datetime], Slot] = {}
    if earliest < latest:
        for a in availabilities:
            advisor = advisors[a.advisor_id]
            if advisor is None or not advisor.is_active or advisor.role != Role.advisor:
                continue
            length = timedelta(minutes=a.slot_minutes)
            for start in availability_starts(a, earliest, latest):
                slots.setdefault((a.advisor_id, start), Slot(a, advisor, start, start + length))
    if not slots:
        return tz, first, []
    repo = BookingRepository(session)
    end_max = max(s.ends_at for s in slots.values())
    busy = repo.overlapping(earliest, end_max, advisor_ids=sorted({k[0] for k in slots}))
    company_busy: list[ConsultationBooking] = []
    if actor is not None and actor.role == Role.exporter and actor.company_id is not None:
        company_busy = repo.overlapping(earliest, end_max, company_id=actor.company_id)

    def free(slot: Slot) -> bool:
        for b in busy:
            if (
                b.advisor_id == slot.advisor.id
                and as_utc(b.starts_at) < slot.ends_at
                and as_utc(b.ends_at) > slot.starts_at
            ):
                return False
        return not any(
            as_utc(b.starts_at) < slot.ends_at and as_utc(b.ends_at) > slot.starts_at for b in company_busy
        )

    ordered = sorted(slots.values(), key=lambda s: (s.starts_at, s.advisor.full_name, s.availability.id))
    return tz, first, [s for s in ordered if free(s)]


# Bookings --------------------------------------------------------------------------------------------------


def get_booking(session: Session, *, booking_id: int, actor: User | None) -> ConsultationBooking:
    """Return a consultation the actor is party to (admins: any)."""
    booking = BookingRepository(session).get(booking_id)
    if booking is None:
        raise NotFound(f"consultation {booking_id} not found")
    policy.require(policy.can_view_booking(actor, booking), "you are not party to this consultation")
    return booking


def list_bookings(
    session: Session,
    *,
    actor: User | None,
    filters: BookingFilter,
    params: PageParams,
    now: datetime | None = None,
) -> tuple[list[ConsultationBooking], int]:
    """List the consultations the actor is party to (admins: all), latest first."""
    repo = BookingRepository(session)
    person = company = None
    if actor is not None and actor.role != Role.admin:
        if actor.role == Role.buyer:
            raise PermissionDenied("buyers have no consultations in the consultation room")
        if actor.role == Role.exporter:
            company = actor.company_id if actor.company_id is not None else -1
        else:
            person = actor.id
    stmt = repo.filtered(filters, now=now or utcnow(), advisor_or_requester=person, company=company)
    items, total = repo.paginate(stmt, params)
    return list(items), total


def _company_for(session: Session, data: BookingCreate, actor: User | None) -> Company:
    company_id = data.company_id
    if company_id is None:
        if actor is not None and actor.role == Role.exporter:
            if actor.company_id is None:
                raise PermissionDenied("your account is not linked to a company yet")
            company_id = actor.company_id
        else:
            raise InvalidInput("company_id: give the firm this consultation is for", field="company_id")
    company = session.get(Company, company_id)
    if company is None:
        if actor is not None and actor.role == Role.exporter:
            raise PermissionDenied("exporters book consultations only for their own company")
        raise InvalidInput(f"company_id: unknown company {company_id}", field="company_id")
    policy.require(
        policy.can_book_consultation(actor, company),
        "exporters book consultations only for their own company",
    )
    return company


def _when(value: datetime) -> str:
    return f"{as_utc(value):%Y-%m-%d %H:%M} UTC"


def book(
    session: Session, *, data: BookingCreate, actor: User | None, now: datetime | None = None
) -> ConsultationBooking:
    """Book one of an advisor's published slots for an exporter's company.

    Raises
    ------
    InvalidInput
        422: unknown availability or company, a start that is not a published slot, in the past,
        within the minimum notice or beyond the horizon, a topic, market or language not offered.
    PermissionDenied
        403: a buyer, or an exporter booking for another company.
    Conflict
        409: the advisor or the company already has a consultation then (also when another booking of
        the same slot wins the race), or the availability was withdrawn.
    """
    if actor is not None and actor.role == Role.buyer:
        raise PermissionDenied("buyers do not book consultations")
    company = _company_for(session, data, actor)
    availability = AvailabilityRepository(session).get(data.availability_id)
    if availability is None:
        raise InvalidInput(
            f"availability_id: unknown availability {data.availability_id}", field="availability_id"
        )
    if not availability.is_active:
        raise Conflict(
            f"availability {availability.id} is no longer open for booking", field="availability_id"
        )
    advisor = session.get(User, availability.advisor_id)
    if advisor is None or not advisor.is_active:
        raise Conflict("the advisor of this availability is no longer active", field="availability_id")
    settings = get_settings()
    exporter_tz = (data.exporter_timezone or settings.consultation_default_timezone).strip()
    zone(exporter_tz, "exporter_timezone")
    now = as_utc(now) if now is not None else utcnow()
    start = as_utc(data.starts_at)
    if start.second or start.microsecond:
        raise InvalidInput("starts_at: slots start on a whole minute", field="starts_at")
    if start <= now:
        raise InvalidInput(f"starts_at: {_when(start)} is in the past", field="starts_at")
    notice = settings.consultation_min_notice_hours
    if start < now + timedelta(hours=notice):
        raise InvalidInput(
            f"starts_at: consultations are booked at least {notice} hours ahead ({_when(start)} is sooner)",
            field="starts_at",
        )
    horizon = settings.consultation_horizon_days
    if start > now + timedelta(days=horizon):
        raise InvalidInput(
            f"starts_at: consultations are booked at most {horizon} days ahead", field="starts_at"
        )
    if start not in availability_starts(availability, start, start + timedelta(minutes=1)):
        local = start.astimezone(ZoneInfo(availability.timezone))
        raise InvalidInput(
            f"starts_at: {_when(start)} ({local:%a %H:%M} {availability.timezone}) is not one of the "
            f"published {availability.slot_minutes}-minute slots of availability {availability.id}",
            field="starts_at",
        )
    if availability.topics and data.topic.value not in availability.topics:
        raise InvalidInput(
            f"topic: {data.topic.value!r} is not offered here (offered: {', '.join(availability.topics)})",
            field="topic",
        )
    markets = availability.markets or [availability.country_code]
    market = reference.get_country(session, data.market, "market").iso3 if data.market else markets[0]
    if market not in markets:
        raise InvalidInput(
            f"market: {market} is not covered by this office (covers: {', '.join(markets)})", field="market"
        )
    language = data.language.lower() if data.language else None
    if language and availability.languages and language not in availability.languages:
        raise InvalidInput(
            f"language: {language!r} is not spoken here (languages: {', '.join(availability.languages)})",
            field="language",
        )
    end = start + timedelta(minutes=availability.slot_minutes)
    repo = BookingRepository(session)
    if taken := repo.overlapping(start, end, advisor_id=advisor.id):
        raise Conflict(
            f"the advisor already has a consultation from {_when(taken[0].starts_at)} to "
            f"{_when(taken[0].ends_at)}: choose another slot",
            field="starts_at",
        )
    if clash := repo.overlapping(start, end, company_id=company.id):
        raise Conflict(
            f"{company.name_en} already has consultation {clash[0].id} from {_when(clash[0].starts_at)} "
            f"to {_when(clash[0].ends_at)}",
            field="starts_at",
        )
    booking = ConsultationBooking(
        availability_id=availability.id,
        advisor_id=advisor.id,
        company_id=company.id,
        requested_by_id=_actor_id(actor),
        starts_at=start,
        ends_at=end,
        advisor_timezone=availability.timezone,
        exporter_timezone=exporter_tz,
        office=availability.office,
        city=availability.city,
        topic=ConsultationTopic(data.topic),
        market=market,
        language=language,
        notes=data.notes or None,
        status=ConsultationStatus.requested,
        meeting_token=secrets.token_hex(8),
        ical_uid=f"consultation-{uuid.uuid4().hex}@exportpilot",
        ical_sequence=0,
    )
    session.add(booking)
    try:
        session.flush()
    except IntegrityError as exc:
        # Two requests for the same slot passed the checks at once; the unique index let one win.
        raise Conflict(
            f"the slot at {_when(start)} was booked by someone else a moment ago: choose another slot",
            field="starts_at",
        ) from exc
    audit.record(
        session,
        actor=actor,
        action="create",
        entity="consultation_booking",
        entity_id=booking.id,
        changes={
            "advisor_id": advisor.id,
            "company_id": company.id,
            "starts_at": start,
            "ends_at": end,
            "topic": booking.topic,
            "market": market,
        },
    )
    return booking


def meeting_link(booking: ConsultationBooking, template: str | None = None) -> str:
    """The booking's video meeting link from ``EXPORTPILOT_CONSULTATION_LINK_TEMPLATE`` (or ``template``)."""
    template = template or get_settings().consultation_link_template
    return template.format(
        booking_id=booking.id,
        token=booking.meeting_token,
        advisor_id=booking.advisor_id,
        company_id=booking.company_id,
        date=f"{as_utc(booking.starts_at):%Y%m%d}",
    )


def _decide(
    session: Session,
    *,
    booking_id: int,
    actor: User | None,
    status: ConsultationStatus,
    reason: str | None,
    now: datetime | None,
) -> ConsultationBooking:
    booking = get_booking(session, booking_id=booking_id, actor=actor)
    verb = "confirm" if status == ConsultationStatus.confirmed else "decline"
    policy.require(
        policy.can_decide_booking(actor, booking),
        f"only the advisor of this consultation (or an admin) may {verb} it",
    )
    if booking.status != ConsultationStatus.requested:
        raise Conflict(f"consultation {booking.id} is already {booking.status.value}")
    now = as_utc(now) if now is not None else utcnow()
    if as_utc(booking.starts_at) <= now:
        raise Conflict(
            f"consultation {booking.id} was due at {_when(booking.starts_at)}; it is too late to {verb}"
        )
    booking.status = status
    booking.decided_at = now
    booking.decided_by_id = _actor_id(actor)
    booking.status_reason = reason or None
    booking.ical_sequence += 1
    if status == ConsultationStatus.confirmed:
        booking.meeting_link = meeting_link(booking)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action=verb,
        entity="consultation_booking",
        entity_id=booking.id,
        changes={"status": ["requested", status.value], "reason": reason},
    )
    return booking


def confirm_booking(
    session: Session,
    *,
    booking_id: int,
    actor: User | None,
    note: str | None = None,
    now: datetime | None = None,
) -> ConsultationBooking:
    """The advisor (or an admin) confirms: the meeting link is made and shown to both sides."""
    return _decide(
        session, booking_id=booking_id, actor=actor, status=ConsultationStatus.confirmed, reason=note, now=now
    )


def decline_booking(
    session: Session,
    *,
    booking_id: int,
    actor: User | None,
    reason: str | None = None,
    now: datetime | None = None,
) -> ConsultationBooking:
    """The advisor (or an admin) declines, with an optional reason; the slot is free again."""
    return _decide(
        session,
        booking_id=booking_id,
        actor=actor,
        status=ConsultationStatus.declined,
        reason=reason,
        now=now,
    )


def cancel_booking(
    session: Session,
    *,
    booking_id: int,
    actor: User | None,
    reason: str | None = None,
    now: datetime | None = None,
) -> ConsultationBooking:
    """Either side cancels a requested or confirmed consultation before it starts; the slot is free again."""
    booking = get_booking(session, booking_id=booking_id, actor=actor)
    policy.require(policy.can_cancel_booking(actor, booking), "you may not cancel this consultation")
    if booking.status not in ACTIVE_STATUSES:
        raise Conflict(f"consultation {booking.id} is already {booking.status.value}")
    now = as_utc(now) if now is not None else utcnow()
    if as_utc(booking.starts_at) <= now:
        raise Conflict(
            f"consultation {booking.id} started at {_when(booking.starts_at)}; it can no longer be cancelled"
        )
    previous = booking.status.value
    booking.status = ConsultationStatus.cancelled
    booking.cancelled_at = now
    booking.cancelled_by_id = _actor_id(actor)
    booking.status_reason = reason or None
    booking.ical_sequence += 1
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="cancel",
        entity="consultation_booking",
        entity_id=booking.id,
        changes={"status": [previous, "cancelled"], "reason": reason},
    )
    return booking


def shown_link(booking: ConsultationBooking) -> str | None:
    """The meeting link, only while the consultation is confirmed."""
    return booking.meeting_link if booking.status == ConsultationStatus.confirmed else None


def company_attendees(session: Session, booking: ConsultationBooking) -> list[User]:
    """The firm's side of a consultation: whoever booked it and the company's active exporter users."""
    people: dict[int, User] = {}
    if booking.requested_by_id is not None and (requester := session.get(User, booking.requested_by_id)):
        people[requester.id] = requester
    stmt = select(User).where(
        User.company_id == booking.company_id, User.role == Role.exporter, User.is_active.is_(True)
    )
    for user in session.scalars(stmt.order_by(User.id)):
        people.setdefault(user.id, user)
    return list(people.values())


def invite(session: Session, *, booking_id: int, actor: User | None) -> tuple[str, bytes]:
    """The consultation's iCalendar invite (file name and content) for one of its parties."""
    from exportpilot.consultations.ics import build_invite, invite_filename

    booking = get_booking(session, booking_id=booking_id, actor=actor)
    advisor = session.get(User, booking.advisor_id)
    company = session.get(Company, booking.company_id)
    if advisor is None or company is None:  # both are removed with the booking (ON DELETE CASCADE)
        raise NotFound(f"consultation {booking_id} not found")
    content = build_invite(
        booking,
        advisor=advisor,
        company=company,
        company_side=company_attendees(session, booking),
        link=shown_link(booking),
    )
    return invite_filename(booking), content
