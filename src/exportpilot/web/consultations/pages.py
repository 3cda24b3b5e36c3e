"""Online consultation room pages: an exporter books a video consultation with an overseas trade office
(slots shown in both time zones), both sides follow their bookings (meeting link after confirmation,
iCalendar download), and advisors edit the availability they publish."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_datetime
from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.datastructures import FormData

from exportpilot.auth import policy
from exportpilot.consultations import service
from exportpilot.consultations.ics import MEDIA_TYPE
from exportpilot.consultations.schemas import (
    AvailabilityCreate,
    AvailabilityFilter,
    AvailabilityUpdate,
    BookingCreate,
    BookingFilter,
    SlotQuery,
)
from exportpilot.consultations.timeslots import as_utc, parse_windows, timezone_names, utc_offset_label
from exportpilot.errors import ExportPilotError, InvalidInput, PermissionDenied
from exportpilot.kit.pagination import PageParams
from exportpilot.models import (
    AdvisorAvailability,
    Company,
    ConsultationBooking,
    ConsultationStatus,
    ConsultationTopic,
    Role,
    User,
)
from exportpilot.reference import service as reference
from exportpilot.users.repository import UserRepository
from exportpilot.web.consultations.labels import STATUSES, TOPICS
from exportpilot.web.deps import LoggedIn, PostedForm, Web, flash
from exportpilot.web.forms import FormRejected, domain_errors, list_filter, validation_errors, values
from exportpilot.web.i18n import N_

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 50
COMMON_ZONES = (
    "Asia/Seoul",
    "Asia/Tokyo",
    "Asia/Shanghai",
    "Asia/Ho_Chi_Minh",
    "Asia/Singapore",
    "Asia/Kolkata",
    "Asia/Dubai",
    "Europe/Berlin",
    "Europe/London",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
)
AVAILABILITY_FIELDS = (
    "advisor_id",
    "office",
    "city",
    "country_code",
    "timezone",
    "slot_minutes",
    "languages",
    "markets",
    "valid_from",
    "valid_until",
    "note",
    "windows",
)
BOOKING_FIELDS = ("availability_id", "starts_at", "tz", "topic", "market", "language", "notes", "company_id")
_PATTERNS = {"ko": "yyyy. M. d. (E) HH:mm", "en": "EEE d MMM yyyy, HH:mm"}


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[\s,;]+", text) if w]


def when(web: Web, value: datetime, tz_name: str) -> dict[str, str]:
    """A moment as shown on the pages: in ``tz_name``, with the zone and its UTC offset that day."""
    local = as_utc(value).astimezone(ZoneInfo(tz_name))
    return {
        "text": format_datetime(local, _PATTERNS[web.lang], locale=web.lang),
        "time": f"{local:%H:%M}",
        "day": local.date().isoformat(),
        "zone": tz_name,
        "offset": utc_offset_label(local),
    }


def _require_room(web: Web) -> User:
    actor = web.actor
    if actor.role == Role.buyer:
        raise PermissionDenied("the consultation room is for exporters and agency staff")
    return actor


# Book a consultation ---------------------------------------------------------------------------------------


@router.get("/consultations")
def book_page(
    web: LoggedIn,
    market: str | None = None,
    advisor_id: str | None = None,
    topic: str | None = None,
    tz: str | None = None,
    from_: str | None = Query(None, alias="from"),
    days: str | None = None,
) -> Response:
    actor = _require_room(web)
    # A week of slots by default: a page, not a phone book.
    raw = {
        "market": market,
        "advisor_id": advisor_id,
        "topic": topic,
        "tz": tz,
        "from": from_,
        "days": days or "7",
    }
    query = list_filter(SlotQuery, raw)
    zone, first, slots = service.list_slots(web.session, actor=actor, query=query)
    groups: dict[str, dict[str, Any]] = {}
    for slot in slots:
        mine = when(web, slot.starts_at, zone.key)
        group = groups.setdefault(mine["day"], {"label": mine["text"].rsplit(" ", 1)[0], "rows": []})
        group["rows"].append(
            {
                "slot": slot,
                "mine": mine,
                "mine_end": when(web, slot.ends_at, zone.key),
                "theirs": when(web, slot.starts_at, slot.availability.timezone),
                "theirs_end": when(web, slot.ends_at, slot.availability.timezone),
                "url": f"/consultations/book?availability_id={slot.availability.id}"
                f"&start={slot.starts_at.isoformat().replace('+00:00', 'Z')}&tz={zone.key}",
            }
        )
    published = service.list_availabilities(web.session, actor=actor, filters=AvailabilityFilter(active=True))
    advisors = {a.advisor_id: web.session.get(User, a.advisor_id) for a in published}
    markets = sorted({m for a in published for m in (a.markets or [a.country_code])})
    context = {
        "groups": list(groups.values()),
        "count": len(slots),
        "zone": zone.key,
        "first": first,
        "days": query.days,
        "filters": {k: (v or "") for k, v in raw.items()},
        "zones": sorted({*COMMON_ZONES, zone.key, *(a.timezone for a in published)}),
        "advisors": sorted(
            ((str(i), f"{u.full_name}") for i, u in advisors.items() if u is not None), key=lambda x: x[1]
        ),
        "markets": [(c.iso3, c) for c in (reference.get_country(web.session, m) for m in markets)],
        "topics": list(ConsultationTopic),
        "topic_labels": TOPICS,
    }
    if web.wants_fragment("slot-list"):
        return web.render("consultations/_slots.html", context)
    return web.render("consultations/book.html", context)


def _booking_form(
    web: Web, form: dict[str, str], errors: dict[str, str], status_code: int = 200
) -> HTMLResponse:
    try:
        availability_id = int(form.get("availability_id") or 0)
    except ValueError as exc:
        raise InvalidInput("availability_id: not a number", field="availability_id") from exc
    availability = service.get_availability(web.session, availability_id=availability_id, actor=web.actor)
    try:
        start = datetime.fromisoformat(form.get("starts_at", "").replace("Z", "+00:00"))
    except ValueError as exc:
        raise InvalidInput("start: not an ISO 8601 date and time", field="start") from exc
    if start.tzinfo is None:
        raise InvalidInput("start: give the slot's start with its UTC offset", field="start")
    zone = form.get("tz") or service.default_timezone()
    if zone not in timezone_names():
        raise InvalidInput(f"tz: {zone!r} is not an IANA time zone", field="tz")
    end = start + timedelta(minutes=availability.slot_minutes)
    advisor = web.session.get(User, availability.advisor_id)
    offered = [ConsultationTopic(t) for t in availability.topics] or list(ConsultationTopic)
    markets = availability.markets or [availability.country_code]
    context = {
        "form": form,
        "errors": errors,
        "availability": availability,
        "advisor": advisor,
        "mine": when(web, start, zone),
        "mine_end": when(web, end, zone),
        "theirs": when(web, start, availability.timezone),
        "theirs_end": when(web, end, availability.timezone),
        "topic_options": [(t.value, web._(TOPICS[t])) for t in offered],
        "market_options": [(m, _country_name(web, m)) for m in markets],
        "language_options": [(code, code) for code in availability.languages or []],
        "staff": web.actor.role in (Role.admin, Role.advisor),
    }
    return web.render("consultations/book_form.html", context, status_code=status_code)


def _country_name(web: Web, code: str) -> str:
    country = reference.get_country(web.session, code)
    return f"{country.name_ko if web.lang == 'ko' else country.name_en} ({country.iso3})"


@router.get("/consultations/book")
def book_form(web: LoggedIn, availability_id: str = "", start: str = "", tz: str = "") -> Response:
    _require_room(web)
    form = dict.fromkeys(BOOKING_FIELDS, "")
    form.update(availability_id=availability_id, starts_at=start, tz=tz, topic="")
    return _booking_form(web, form, {})


@router.post("/consultations/book")
def book(web: LoggedIn, posted: PostedForm) -> Response:
    _require_room(web)
    form = values(posted, BOOKING_FIELDS)
    data: dict[str, Any] = {k: v for k, v in form.items() if v and k != "tz"}
    data["exporter_timezone"] = form["tz"] or None
    if "starts_at" in data:
        data["starts_at"] = data["starts_at"].replace("Z", "+00:00")
    try:
        booking = service.book(web.session, data=BookingCreate.model_validate(data), actor=web.actor)
    except ValidationError as exc:
        raise FormRejected(_booking_form(web, form, validation_errors(web.lang, exc), 422)) from exc
    except ExportPilotError as exc:
        if exc.status_code in (401, 403, 404):
            raise
        errors = domain_errors(exc, BOOKING_FIELDS)
        raise FormRejected(_booking_form(web, form, errors, exc.status_code)) from exc
    flash(web.request, N_("Consultation requested: the advisor will confirm it."))
    return RedirectResponse(f"/consultations/bookings/{booking.id}", status_code=303)


# Bookings --------------------------------------------------------------------------------------------------


def _booking_view(web: Web, b: ConsultationBooking) -> dict[str, Any]:
    return {
        "b": b,
        "advisor": web.session.get(User, b.advisor_id),
        "company": web.session.get(Company, b.company_id),
        "requester": web.session.get(User, b.requested_by_id) if b.requested_by_id else None,
        "mine": when(web, b.starts_at, b.exporter_timezone),
        "mine_end": when(web, b.ends_at, b.exporter_timezone),
        "theirs": when(web, b.starts_at, b.advisor_timezone),
        "theirs_end": when(web, b.ends_at, b.advisor_timezone),
        "link": service.shown_link(b),
        "ics": f"/consultations/bookings/{b.id}/invite.ics",
    }


@router.get("/consultations/bookings")
def booking_list(web: LoggedIn, status: str | None = None, page: int = Query(1, ge=1)) -> Response:
    _require_room(web)
    filters = list_filter(BookingFilter, {"status": status})
    items, total = service.list_bookings(
        web.session, actor=web.actor, filters=filters, params=PageParams(page=page, size=PAGE_SIZE)
    )
    context = {
        "rows": [_booking_view(web, b) for b in items],
        "total": total,
        "page": page,
        "pages": max(1, -(-total // PAGE_SIZE)),
        "status": status or "",
        "statuses": list(ConsultationStatus),
        "status_labels": STATUSES,
        "topic_labels": TOPICS,
    }
    return web.render("consultations/bookings.html", context)


@router.get("/consultations/bookings/{booking_id}")
def booking_detail(web: LoggedIn, booking_id: int) -> Response:
    b = service.get_booking(web.session, booking_id=booking_id, actor=web.actor)
    actor = web.actor
    active = b.status in (ConsultationStatus.requested, ConsultationStatus.confirmed)
    context = {
        **_booking_view(web, b),
        "status_labels": STATUSES,
        "topic_labels": TOPICS,
        "market": _country_name(web, b.market) if b.market else "",
        "can_decide": b.status == ConsultationStatus.requested and policy.can_decide_booking(actor, b),
        "can_cancel": active and policy.can_cancel_booking(actor, b),
        "decider": web.session.get(User, b.decided_by_id) if b.decided_by_id else None,
        "canceller": web.session.get(User, b.cancelled_by_id) if b.cancelled_by_id else None,
    }
    return web.render("consultations/booking.html", context)


def _reason(posted: FormData) -> str | None:
    raw = posted.get("reason")
    text = raw.strip() if isinstance(raw, str) else ""
    if len(text) > 500:
        raise InvalidInput("reason: at most 500 characters", field="reason")
    return text or None


@router.post("/consultations/bookings/{booking_id}/confirm")
def confirm(web: LoggedIn, booking_id: int, posted: PostedForm) -> Response:
    service.confirm_booking(web.session, booking_id=booking_id, actor=web.actor, note=_reason(posted))
    flash(web.request, N_("Consultation confirmed: both sides now see the meeting link."))
    return RedirectResponse(f"/consultations/bookings/{booking_id}", status_code=303)


@router.post("/consultations/bookings/{booking_id}/decline")
def decline(web: LoggedIn, booking_id: int, posted: PostedForm) -> Response:
    service.decline_booking(web.session, booking_id=booking_id, actor=web.actor, reason=_reason(posted))
    flash(web.request, N_("Consultation declined."))
    return RedirectResponse(f"/consultations/bookings/{booking_id}", status_code=303)


@router.post("/consultations/bookings/{booking_id}/cancel")
def cancel(web: LoggedIn, booking_id: int, posted: PostedForm) -> Response:
    service.cancel_booking(web.session, booking_id=booking_id, actor=web.actor, reason=_reason(posted))
    flash(web.request, N_("Consultation cancelled."))
    return RedirectResponse(f"/consultations/bookings/{booking_id}", status_code=303)


@router.get("/consultations/bookings/{booking_id}/invite.ics")
def invite(web: LoggedIn, booking_id: int) -> Response:
    name, content = service.invite(web.session, booking_id=booking_id, actor=web.actor)
    return Response(
        content,
        media_type=f"{MEDIA_TYPE}; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )


# Availability editor (advisors) ----------------------------------------------------------------------------


def _require_staff(web: Web) -> User:
    actor = web.actor
    if actor.role not in (Role.admin, Role.advisor):
        raise PermissionDenied("only advisors publish availability for consultations")
    return actor


@router.get("/consultations/availability")
def availability_list(web: LoggedIn) -> Response:
    actor = _require_staff(web)
    items = service.list_availabilities(
        web.session, actor=actor, filters=AvailabilityFilter(), mine=actor.role == Role.advisor
    )
    rows = [
        {
            "a": a,
            "advisor": web.session.get(User, a.advisor_id),
            "windows": [w.label() for w in service.windows_of(a)],
        }
        for a in items
    ]
    return web.render("consultations/availability_list.html", {"rows": rows, "topic_labels": TOPICS})


def _availability_form(
    web: Web,
    form: dict[str, str],
    topics: Sequence[str],
    errors: dict[str, str],
    *,
    availability: AdvisorAvailability | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    advisors: list[tuple[str, str]] = []
    if web.actor.role == Role.admin and availability is None:
        repo = UserRepository(web.session)
        advisors = [
            (str(u.id), f"{u.full_name} <{u.email}>")
            for u in web.session.scalars(repo.list_query().where(User.role == Role.advisor))
        ]
    context = {
        "form": form,
        "errors": errors,
        "availability": availability,
        "chosen_topics": set(topics),
        "topics": [(t.value, web._(TOPICS[t])) for t in ConsultationTopic],
        "advisors": advisors,
        "countries": [
            (c.iso3, c.name_ko if web.lang == "ko" else c.name_en)
            for c in reference.list_countries(web.session, "ko" if web.lang == "ko" else "en")
        ],
        "zones": sorted(timezone_names()),
    }
    return web.render("consultations/availability_form.html", context, status_code=status_code)


def _availability_data(form: dict[str, str], posted: FormData) -> dict[str, Any]:
    data: dict[str, Any] = {
        "office": form["office"],
        "city": form["city"],
        "country_code": form["country_code"],
        "timezone": form["timezone"],
        "slot_minutes": form["slot_minutes"] or "30",
        "languages": _words(form["languages"]),
        "markets": _words(form["markets"]),
        "topics": [t for t in posted.getlist("topics") if isinstance(t, str)],
        "valid_from": form["valid_from"] or None,
        "valid_until": form["valid_until"] or None,
        "note": form["note"] or None,
        "is_active": posted.get("is_active") == "on",
        "windows": [
            {"weekday": w.weekday, "date": w.on_date, "start": w.start, "end": w.end}
            for w in parse_windows(form["windows"].splitlines())
        ],
    }
    if form.get("advisor_id"):
        data["advisor_id"] = form["advisor_id"]
    return data


def _save_availability(
    web: Web, posted: FormData, availability: AdvisorAvailability | None
) -> AdvisorAvailability:
    form = values(posted, AVAILABILITY_FIELDS)
    form["is_active"] = "on" if posted.get("is_active") == "on" else ""
    topics = [t for t in posted.getlist("topics") if isinstance(t, str)]
    try:
        data = _availability_data(form, posted)
        if availability is None:
            return service.create_availability(
                web.session, data=AvailabilityCreate.model_validate(data), actor=web.actor
            )
        data.pop("advisor_id", None)
        return service.update_availability(
            web.session,
            availability_id=availability.id,
            data=AvailabilityUpdate.model_validate(data),
            actor=web.actor,
        )
    except ValidationError as exc:
        errors = validation_errors(web.lang, exc)
        page = _availability_form(web, form, topics, errors, availability=availability, status_code=422)
        raise FormRejected(page) from exc
    except ExportPilotError as exc:
        if exc.status_code in (401, 403, 404):
            raise
        errors = domain_errors(exc, AVAILABILITY_FIELDS)
        page = _availability_form(web, form, topics, errors, availability=availability, status_code=422)
        raise FormRejected(page) from exc


@router.get("/consultations/availability/new")
def new_availability(web: LoggedIn) -> Response:
    _require_staff(web)
    form = dict.fromkeys(AVAILABILITY_FIELDS, "")
    form.update(
        slot_minutes="30", languages="ko en", is_active="on", windows="mon 09:00-12:00\nwed 14:00-17:00"
    )
    return _availability_form(web, form, [], {})


@router.post("/consultations/availability/new")
def create_availability(web: LoggedIn, posted: PostedForm) -> Response:
    _require_staff(web)
    _save_availability(web, posted, None)
    flash(web.request, N_("Availability published."))
    return RedirectResponse("/consultations/availability", status_code=303)


def _own_availability(web: Web, availability_id: int) -> AdvisorAvailability:
    availability = service.get_availability(web.session, availability_id=availability_id, actor=web.actor)
    policy.require(
        policy.can_manage_availability(web.actor, availability.advisor_id),
        "advisors edit only their own availability",
    )
    return availability


@router.get("/consultations/availability/{availability_id}/edit")
def edit_availability(web: LoggedIn, availability_id: int) -> Response:
    _require_staff(web)
    a = _own_availability(web, availability_id)
    form = {
        "advisor_id": str(a.advisor_id),
        "office": a.office,
        "city": a.city,
        "country_code": a.country_code,
        "timezone": a.timezone,
        "slot_minutes": str(a.slot_minutes),
        "languages": " ".join(a.languages or []),
        "markets": " ".join(a.markets or []),
        "valid_from": a.valid_from.isoformat() if a.valid_from else "",
        "valid_until": a.valid_until.isoformat() if a.valid_until else "",
        "note": a.note or "",
        "is_active": "on" if a.is_active else "",
        "windows": "\n".join(w.label() for w in service.windows_of(a)),
    }
    return _availability_form(web, form, list(a.topics or []), {}, availability=a)


@router.post("/consultations/availability/{availability_id}/edit")
def update_availability(web: LoggedIn, availability_id: int, posted: PostedForm) -> Response:
    _require_staff(web)
    _save_availability(web, posted, _own_availability(web, availability_id))
    flash(web.request, N_("Availability saved."))
    return RedirectResponse("/consultations/availability", status_code=303)


@router.post("/consultations/availability/{availability_id}/delete")
def delete_availability(web: LoggedIn, availability_id: int, posted: PostedForm) -> Response:
    _require_staff(web)
    service.delete_availability(web.session, availability_id=availability_id, actor=web.actor)
    flash(web.request, N_("Availability removed."))
    return RedirectResponse("/consultations/availability", status_code=303)
