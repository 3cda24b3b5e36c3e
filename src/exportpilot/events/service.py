"""Export consultation meetings in the database: events, slots, participants, requests, the schedule.

The scheduling itself is the engine's (:mod:`exportpilot.events.scheduler`); this module builds its
:class:`~exportpilot.events.instance.Instance` from the database, runs it, and stores the result in the
caller's unit of work (never committing), so a schedule is stored whole or not at all.

A request's weight in the schedule is the sum of both sides' priorities (1-5; a side that only accepted
counts 1, a pair the matching engine recommended adds its score), times :data:`MUTUAL_FACTOR` when both
sides asked for the meeting themselves.
"""

from __future__ import annotations

import time as clock
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from exportpilot.auth import policy
from exportpilot.db.base import utcnow
from exportpilot.errors import Conflict, InvalidInput, NotFound
from exportpilot.events import instance as engine
from exportpilot.events.check import check_schedule
from exportpilot.events.notify import notify
from exportpilot.events.repository import EventRepository, NotificationRepository
from exportpilot.events.scheduler import Scheduler
from exportpilot.events.schemas import (
    DayPlan,
    EventCreate,
    EventUpdate,
    InterpreterIn,
    ParticipantCreate,
    ParticipantUpdate,
    RequestCreate,
    RunSummary,
    SlotIn,
)
from exportpilot.models import (
    Buyer,
    Company,
    Event,
    EventInterpreter,
    EventParticipant,
    EventSlot,
    EventStatus,
    EventType,
    Meeting,
    MeetingRequest,
    MeetingStatus,
    Notification,
    ParticipantKind,
    RequestSide,
    RequestStatus,
    User,
)

MUTUAL_FACTOR = 1.5
ACCEPTED_PRIORITY = 1
UNSCHEDULED = "no longer fits the schedule"


# Small helpers --------------------------------------------------------------------------------------------


def aware(value: datetime) -> datetime:
    """SQLite returns naive datetimes for timezone-aware columns; they are UTC."""
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def request_weight(request: MeetingRequest) -> float:
    """The request's worth in the schedule (see the module docstring)."""
    weight = float(
        (request.buyer_priority or ACCEPTED_PRIORITY) + (request.exporter_priority or ACCEPTED_PRIORITY)
    )
    if request.match_score:
        weight += max(0.0, float(request.match_score))
    return weight * MUTUAL_FACTOR if request.mutual else weight


def participant_timezone(event: Event, participant: EventParticipant) -> str:
    return participant.timezone or event.timezone


def working_hours(event: Event, participant: EventParticipant) -> tuple[time, time]:
    if participant.working_start is not None and participant.working_end is not None:
        return participant.working_start, participant.working_end
    return event.working_start, event.working_end


def _names(session: Session, participants: Iterable[EventParticipant]) -> dict[int, dict[str, str]]:
    raw = EventRepository(session).names(participants)
    return {pid: {"ko": ko, "en": en} for pid, (ko, en, _c) in raw.items()}


def _when(slot: EventSlot, tz: str) -> str:
    local = aware(slot.starts_at).astimezone(ZoneInfo(tz))
    return f"{local:%Y-%m-%d %H:%M} ({tz})"


# Events ---------------------------------------------------------------------------------------------------


def get_event(session: Session, *, event_id: int, actor: User | None) -> Event:
    """Return the event, if ``actor`` may see it."""
    event = session.get(Event, event_id)
    if event is None or not policy.can_view_event(actor, event):
        raise NotFound(f"no event {event_id}")
    return event


def list_events(session: Session, *, actor: User | None) -> Sequence[Event]:
    """List the events ``actor`` may see, newest first."""
    return EventRepository(session).visible(include_drafts=policy.can_organise_event(actor))


def create_event(session: Session, *, data: EventCreate, actor: User | None) -> Event:
    """Create an event (a draft until the organiser opens it)."""
    policy.require(policy.can_organise_event(actor), "only agency staff organise events")
    event = Event(
        name=data.name.strip(),
        type=data.type,
        timezone=data.timezone,
        venue=data.venue,
        description=data.description,
        tables=data.tables,
        working_start=data.working_start,
        working_end=data.working_end,
        status=EventStatus.draft,
        created_by_id=actor.id if actor is not None else None,
    )
    return EventRepository(session).add(event)


def update_event(session: Session, *, event_id: int, data: EventUpdate, actor: User | None) -> Event:
    """Change an event's details or status."""
    event = get_event(session, event_id=event_id, actor=actor)
    policy.require(policy.can_organise_event(actor), "only agency staff organise events")
    changes = data.model_dump(exclude_unset=True)
    for key, value in changes.items():
        if value is None and key in ("name", "status", "tables", "working_start", "working_end"):
            continue
        setattr(event, key, value)
    if event.working_end <= event.working_start:
        raise InvalidInput("working_end must be after working_start", field="working_end")
    session.flush()
    return event


def _require_changeable(event: Event) -> None:
    if event.status == EventStatus.closed:
        raise Conflict(f"event {event.id} is closed; nothing changes any more")


# Slots ----------------------------------------------------------------------------------------------------


def _localize(value: datetime, tz: ZoneInfo) -> datetime:
    return value.replace(tzinfo=tz) if value.tzinfo is None or value.utcoffset() is None else value


def add_slots(
    session: Session, *, event_id: int, slots: Sequence[SlotIn], actor: User | None
) -> list[EventSlot]:
    """Add slots; a slot that ends before it starts or overlaps another is refused, naming it."""
    event = get_event(session, event_id=event_id, actor=actor)
    policy.require(policy.can_organise_event(actor), "only agency staff plan slots")
    _require_changeable(event)
    tz = ZoneInfo(event.timezone)
    repo = EventRepository(session)
    existing = [(s.label, aware(s.starts_at), aware(s.ends_at)) for s in repo.slots(event.id)]
    taken_labels = {label for label, _, _ in existing}
    new: list[tuple[str, datetime, datetime, bool]] = []
    for i, s in enumerate(slots, start=1):
        start, end = _localize(s.start, tz), _localize(s.end, tz)
        local = start.astimezone(tz)
        label = (s.label or "").strip() or f"{local:%m-%d %H:%M}"
        name = f"slot {i} ({label!r})"
        if end <= start:
            raise InvalidInput(
                f"{name} ends ({end.isoformat()}) before it starts ({start.isoformat()})",
                field=f"slots.{i - 1}",
            )
        if label in taken_labels:
            raise InvalidInput(f"{name}: the label is already used by another slot", field=f"slots.{i - 1}")
        for other_label, o_start, o_end in existing + [(n[0], n[1], n[2]) for n in new]:
            if start < o_end and o_start < end:
                raise InvalidInput(
                    f"{name} ({local:%Y-%m-%d %H:%M}-{end.astimezone(tz):%H:%M}) "
                    f"overlaps slot {other_label!r} "
                    f"({o_start.astimezone(tz):%Y-%m-%d %H:%M}-{o_end.astimezone(tz):%H:%M})",
                    field=f"slots.{i - 1}",
                )
        taken_labels.add(label)
        online = s.online if s.online is not None else event.type == EventType.online_week
        new.append((label, start, end, online))
    rows = [
        EventSlot(
            event_id=event.id,
            label=label,
            day=start.astimezone(tz).date(),
            starts_at=start.astimezone(UTC),
            ends_at=end.astimezone(UTC),
            online=online,
        )
        for label, start, end, online in new
    ]
    session.add_all(rows)
    session.flush()
    return rows


def plan_slots(session: Session, *, event_id: int, plan: DayPlan, actor: User | None) -> list[EventSlot]:
    """Add the slots of a day plan: ``minutes`` each from ``start`` to ``end``, skipping the breaks."""
    slots: list[SlotIn] = []
    step = timedelta(minutes=plan.minutes)
    gap = timedelta(minutes=plan.gap_minutes)
    existing = EventRepository(session).slots(event_id)
    all_days = sorted({s.day for s in existing} | set(plan.days))
    for day in sorted(set(plan.days)):
        d_index = all_days.index(day) + 1  # labels D<day of the event>-<slot of the day>
        cursor = datetime.combine(day, plan.start)
        close = datetime.combine(day, plan.end)
        n = sum(1 for s in existing if s.day == day)
        while cursor + step <= close:
            end = cursor + step
            clash = next(
                (
                    b
                    for b in plan.breaks
                    if cursor < datetime.combine(day, b.end) and datetime.combine(day, b.start) < end
                ),
                None,
            )
            if clash is not None:
                cursor = datetime.combine(day, clash.end)
                continue
            n += 1
            slots.append(SlotIn(label=f"D{d_index}-{n:02d}", start=cursor, end=end, online=plan.online))
            cursor = end + gap
    if not slots:
        raise InvalidInput("the plan makes no slot: the day is shorter than one slot", field="minutes")
    return add_slots(session, event_id=event_id, slots=slots, actor=actor)


def set_interpreters(
    session: Session, *, event_id: int, items: Sequence[InterpreterIn], actor: User | None
) -> list[EventInterpreter]:
    """Set the interpreters per language and slot (rows not mentioned stay as they are)."""
    event = get_event(session, event_id=event_id, actor=actor)
    policy.require(policy.can_organise_event(actor), "only agency staff set interpreters")
    _require_changeable(event)
    repo = EventRepository(session)
    slot_ids = {s.id for s in repo.slots(event.id)}
    out: list[EventInterpreter] = []
    for i, item in enumerate(items):
        targets = item.slot_ids if item.slot_ids is not None else sorted(slot_ids)
        unknown = sorted(set(targets) - slot_ids)
        if unknown:
            raise InvalidInput(
                f"interpreters {i + 1} ({item.language}): unknown slot ids {unknown[:5]}",
                field=f"interpreters.{i}.slot_ids",
            )
        for sid in targets:
            row = repo.interpreter(sid, item.language)
            if row is None:
                row = EventInterpreter(
                    event_id=event.id, slot_id=sid, language=item.language, count=item.count
                )
                session.add(row)
            else:
                row.count = item.count
            out.append(row)
    session.flush()
    return out


# Participants ---------------------------------------------------------------------------------------------


def get_participant(session: Session, *, participant_id: int, actor: User | None) -> EventParticipant:
    """Return the participant, if ``actor`` may see it (staff, or the participant itself)."""
    p = session.get(EventParticipant, participant_id)
    if p is None or not policy.can_view_participant(actor, p):
        raise NotFound(f"no participant {participant_id}")
    return p


def list_participants(session: Session, *, event_id: int, actor: User | None) -> Sequence[EventParticipant]:
    """Staff see every participant; buyers and exporters see the other side's active participants and
    themselves (they choose whom to ask for a meeting)."""
    event = get_event(session, event_id=event_id, actor=actor)
    everyone = EventRepository(session).participants(event.id)
    if policy.can_organise_event(actor):
        return everyone
    return [p for p in everyone if p.active or policy.owns_participant(actor, p)]


def my_participant(session: Session, *, event_id: int, actor: User | None) -> EventParticipant | None:
    """The participant ``actor`` is in this event (a buyer's or an exporter's), if any."""
    if actor is None:
        return None
    for p in EventRepository(session).participants_of_user(actor):
        if p.event_id == event_id:
            return p
    return None


def _check_availability(
    event: Event, slots: Sequence[EventSlot], available: list[int] | None, tz: str, hours: tuple[time, time]
) -> list[int] | None:
    if available is None:
        return None
    by_id = {s.id: s for s in slots}
    unknown = sorted(set(available) - by_id.keys())
    if unknown:
        raise InvalidInput(
            f"available_slot_ids: not slots of this event: {unknown[:5]}", field="available_slot_ids"
        )
    if not available:
        raise InvalidInput(
            "available_slot_ids: no slot at all (leave it out for every slot)", field="available_slot_ids"
        )
    zone = ZoneInfo(tz)
    usable = [
        sid
        for sid in available
        if not by_id[sid].online
        or engine.within_working_hours(
            engine.Slot(str(sid), aware(by_id[sid].starts_at), aware(by_id[sid].ends_at), True), zone, hours
        )
    ]
    if not usable:
        raise InvalidInput(
            f"available_slot_ids: impossible availability: none of the chosen online slots falls within "
            f"the working hours {hours[0]:%H:%M}-{hours[1]:%H:%M} in {tz}",
            field="available_slot_ids",
        )
    return sorted(set(available))


def register_participant(
    session: Session, *, event_id: int, data: ParticipantCreate, actor: User | None
) -> EventParticipant:
    """Register a buyer or an exporter's company for the event."""
    event = get_event(session, event_id=event_id, actor=actor)
    policy.require(
        policy.can_register_participant(actor, event, buyer_id=data.buyer_id, company_id=data.company_id),
        "buyers and exporters register only themselves, and only for open events",
    )
    _require_changeable(event)
    repo = EventRepository(session)
    if data.kind == ParticipantKind.buyer:
        buyer = session.get(Buyer, data.buyer_id)
        if buyer is None:
            raise InvalidInput(f"buyer_id: no buyer {data.buyer_id}", field="buyer_id")
        default_langs = list(buyer.languages or []) or ["en"]
    else:
        company = session.get(Company, data.company_id)
        if company is None:
            raise InvalidInput(f"company_id: no company {data.company_id}", field="company_id")
        default_langs = ["ko"]
    if repo.participant_of(event.id, buyer_id=data.buyer_id, company_id=data.company_id) is not None:
        raise Conflict("already registered for this event")
    try:
        languages = (
            data.languages if data.languages else [engine.normalize_language(x) for x in default_langs]
        )
    except ValueError as exc:
        raise InvalidInput(f"languages: {exc}", field="languages") from exc
    tz = data.timezone or event.timezone
    hours = (data.working_start, data.working_end) if data.working_start and data.working_end else None
    available = _check_availability(
        event,
        repo.slots(event.id),
        data.available_slot_ids,
        tz,
        hours or (event.working_start, event.working_end),
    )
    participant = EventParticipant(
        event_id=event.id,
        kind=data.kind,
        buyer_id=data.buyer_id,
        company_id=data.company_id,
        languages=languages,
        max_meetings=data.max_meetings,
        available_slot_ids=available,
        timezone=data.timezone,
        working_start=data.working_start,
        working_end=data.working_end,
        active=True,
    )
    session.add(participant)
    session.flush()
    return participant


def update_participant(
    session: Session, *, participant_id: int, data: ParticipantUpdate, actor: User | None
) -> EventParticipant:
    """Change a participant's languages, cap, availability or time zone (itself or staff)."""
    p = get_participant(session, participant_id=participant_id, actor=actor)
    event = get_event(session, event_id=p.event_id, actor=actor)
    _require_changeable(event)
    changes = data.model_dump(exclude_unset=True)
    if "available_slot_ids" in changes:
        changes["available_slot_ids"] = _check_availability(
            event,
            EventRepository(session).slots(event.id),
            changes["available_slot_ids"],
            changes.get("timezone") or participant_timezone(event, p),
            working_hours(event, p),
        )
    for key, value in changes.items():
        if key == "languages" and not value:
            raise InvalidInput("languages: give at least one language", field="languages")
        setattr(p, key, value)
    session.flush()
    return p


def withdraw_participant(
    session: Session, *, participant_id: int, actor: User | None, reason: str | None = None
) -> int:
    """Withdraw a participant: its open requests are withdrawn and its meetings cancelled, and every
    counterpart is told. Returns the number of meetings cancelled."""
    p = get_participant(session, participant_id=participant_id, actor=actor)
    event = get_event(session, event_id=p.event_id, actor=actor)
    _require_changeable(event)
    if not p.active:
        return 0
    p.active = False
    repo = EventRepository(session)
    names = _names(session, repo.participants(event.id))
    cancelled = 0
    told: set[int] = set()
    for r in repo.requests(event.id, [p.id]):
        if r.status in (RequestStatus.requested, RequestStatus.accepted):
            r.status = RequestStatus.withdrawn
            r.responded_by_user_id = actor.id if actor is not None else None
            r.responded_at = utcnow()
        m = repo.meeting_of_request(r.id)
        if m is not None and m.status != MeetingStatus.cancelled:
            m.status = MeetingStatus.cancelled
            m.sequence += 1
            m.cancelled_reason = reason or "participant withdrew"
            cancelled += 1
        other_id = r.exporter_participant_id if r.buyer_participant_id == p.id else r.buyer_participant_id
        if other_id not in told:
            other = session.get(EventParticipant, other_id)
            if other is not None and other.active:
                notify(
                    session,
                    event=event,
                    participant=other,
                    kind="participant_withdrawn",
                    params={"other": names[p.id]},
                )
                told.add(other_id)
    session.flush()
    return cancelled


# Requests -------------------------------------------------------------------------------------------------


def _pair(
    session: Session, event: Event, buyer_pid: int, exporter_pid: int
) -> tuple[EventParticipant, EventParticipant]:
    buyer = session.get(EventParticipant, buyer_pid)
    exporter = session.get(EventParticipant, exporter_pid)
    if buyer is None or buyer.event_id != event.id:
        raise InvalidInput(
            f"buyer_participant_id: no participant {buyer_pid} in this event", field="buyer_participant_id"
        )
    if exporter is None or exporter.event_id != event.id:
        raise InvalidInput(
            f"exporter_participant_id: no participant {exporter_pid} in this event",
            field="exporter_participant_id",
        )
    if buyer.kind != ParticipantKind.buyer:
        raise InvalidInput(
            f"buyer_participant_id: participant {buyer_pid} is an exporter", field="buyer_participant_id"
        )
    if exporter.kind != ParticipantKind.exporter:
        raise InvalidInput(
            f"exporter_participant_id: participant {exporter_pid} is a buyer", field="exporter_participant_id"
        )
    for p in (buyer, exporter):
        if not p.active:
            raise Conflict(f"participant {p.id} has withdrawn from the event")
    return buyer, exporter


def get_request(
    session: Session, *, request_id: int, actor: User | None
) -> tuple[MeetingRequest, EventParticipant, EventParticipant]:
    r = session.get(MeetingRequest, request_id)
    if r is None:
        raise NotFound(f"no meeting request {request_id}")
    buyer = session.get(EventParticipant, r.buyer_participant_id)
    exporter = session.get(EventParticipant, r.exporter_participant_id)
    assert buyer is not None
    assert exporter is not None
    if not policy.can_view_request(actor, r, buyer, exporter):
        raise NotFound(f"no meeting request {request_id}")
    return r, buyer, exporter


def list_requests(session: Session, *, event_id: int, actor: User | None) -> Sequence[MeetingRequest]:
    """Staff see every request of the event; a buyer or an exporter only its own (made or received)."""
    event = get_event(session, event_id=event_id, actor=actor)
    repo = EventRepository(session)
    if policy.can_organise_event(actor):
        return repo.requests(event.id)
    mine = my_participant(session, event_id=event.id, actor=actor)
    return repo.requests(event.id, [mine.id]) if mine is not None else []


def _side_of(actor: User | None, buyer: EventParticipant, exporter: EventParticipant) -> RequestSide | None:
    if policy.owns_participant(actor, buyer):
        return RequestSide.buyer
    if policy.owns_participant(actor, exporter):
        return RequestSide.exporter
    return None


def request_meeting(
    session: Session, *, event_id: int, data: RequestCreate, actor: User | None
) -> MeetingRequest:
    """Ask for a meeting; when the other side already asked for the same pair, both want it: the
    request is accepted and counts as mutual."""
    event = get_event(session, event_id=event_id, actor=actor)
    _require_changeable(event)
    buyer, exporter = _pair(session, event, data.buyer_participant_id, data.exporter_participant_id)
    side = _side_of(actor, buyer, exporter)
    if side is None:
        policy.require(
            policy.can_organise_event(actor), "a buyer or an exporter requests meetings only as itself"
        )
        side = RequestSide(data.on_behalf_of) if data.on_behalf_of else RequestSide.organiser
    elif data.on_behalf_of and data.on_behalf_of != side.value:
        raise InvalidInput("on_behalf_of: only staff request on another side's behalf", field="on_behalf_of")
    if event.status == EventStatus.draft and not policy.can_organise_event(actor):
        raise Conflict("the event is not open for requests yet")
    repo = EventRepository(session)
    names = _names(session, [buyer, exporter])
    now = utcnow()
    actor_id = actor.id if actor is not None else None
    existing = repo.request_for_pair(buyer.id, exporter.id)
    if existing is not None and existing.status in (RequestStatus.requested, RequestStatus.accepted):
        if side == RequestSide.organiser or existing.requested_by == side:
            raise Conflict(f"this pair is already requested (request {existing.id}, {existing.status.value})")
        mine = "buyer_priority" if side == RequestSide.buyer else "exporter_priority"
        if getattr(existing, mine) is not None and existing.requested_by != RequestSide.organiser:
            raise Conflict(f"this pair is already requested (request {existing.id}, {existing.status.value})")
        setattr(existing, mine, data.priority)
        was_requested = existing.status == RequestStatus.requested
        existing.status = RequestStatus.accepted
        existing.mutual = existing.requested_by != RequestSide.organiser
        existing.responded_by_user_id = actor_id
        existing.responded_at = now
        session.flush()
        if was_requested or existing.mutual:
            other = exporter if side == RequestSide.buyer else buyer
            me = buyer if side == RequestSide.buyer else exporter
            kind = "request_mutual" if existing.mutual else "request_accepted"
            notify(session, event=event, participant=other, kind=kind, params={"other": names[me.id]})
        return existing
    if existing is None:
        existing = MeetingRequest(
            event_id=event.id, buyer_participant_id=buyer.id, exporter_participant_id=exporter.id
        )
        session.add(existing)
    existing.requested_by = side
    existing.status = RequestStatus.requested
    existing.buyer_priority = data.priority if side == RequestSide.buyer else None
    existing.exporter_priority = data.priority if side == RequestSide.exporter else None
    existing.mutual = False
    existing.match_score = None
    existing.note = data.note
    existing.requested_by_user_id = actor_id
    existing.responded_by_user_id = None
    existing.responded_at = None
    session.flush()
    if side == RequestSide.organiser:
        for p, other in ((buyer, exporter), (exporter, buyer)):
            notify(
                session,
                event=event,
                participant=p,
                kind="request_proposed",
                params={"other": names[other.id]},
            )
    else:
        asked, asking = (exporter, buyer) if side == RequestSide.buyer else (buyer, exporter)
        notify(
            session,
            event=event,
            participant=asked,
            kind="request_received",
            params={"other": names[asking.id]},
        )
    return existing


def _cancel_meeting_of(session: Session, request: MeetingRequest, reason: str) -> Meeting | None:
    m = EventRepository(session).meeting_of_request(request.id)
    if m is None or m.status == MeetingStatus.cancelled:
        return None
    m.status = MeetingStatus.cancelled
    m.sequence += 1
    m.cancelled_reason = reason
    return m


def respond(
    session: Session,
    *,
    request_id: int,
    accept: bool,
    actor: User | None,
    priority: int | None = None,
    note: str | None = None,
) -> MeetingRequest:
    """Accept or decline a request (the side that was asked, or staff); the asking side is told."""
    r, buyer, exporter = get_request(session, request_id=request_id, actor=actor)
    event = get_event(session, event_id=r.event_id, actor=actor)
    _require_changeable(event)
    policy.require(
        policy.can_respond_to_request(actor, r, buyer, exporter),
        "only the side that was asked answers a request",
    )
    if r.status != RequestStatus.requested:
        raise Conflict(f"request {r.id} is {r.status.value}, not waiting for an answer")
    side = _side_of(actor, buyer, exporter)
    if accept:
        r.status = RequestStatus.accepted
        if side == RequestSide.buyer and r.buyer_priority is None:
            r.buyer_priority = priority or ACCEPTED_PRIORITY
        elif side == RequestSide.exporter and r.exporter_priority is None:
            r.exporter_priority = priority or ACCEPTED_PRIORITY
    else:
        r.status = RequestStatus.declined
    if note:
        r.note = note[:500]
    r.responded_by_user_id = actor.id if actor is not None else None
    r.responded_at = utcnow()
    session.flush()
    names = _names(session, [buyer, exporter])
    kind = "request_accepted" if accept else "request_declined"
    if r.requested_by == RequestSide.buyer:
        targets = [(buyer, exporter)]
    elif r.requested_by == RequestSide.exporter:
        targets = [(exporter, buyer)]
    else:  # the organiser proposed it: tell the side that did not answer
        targets = [(buyer, exporter)] if side != RequestSide.buyer else [(exporter, buyer)]
        if side is None:
            targets = [(buyer, exporter), (exporter, buyer)]
    for target, other in targets:
        notify(session, event=event, participant=target, kind=kind, params={"other": names[other.id]})
    return r


def withdraw_request(session: Session, *, request_id: int, actor: User | None) -> MeetingRequest:
    """Withdraw a request (the asking side, or staff); its meeting is cancelled; the other side is told."""
    r, buyer, exporter = get_request(session, request_id=request_id, actor=actor)
    event = get_event(session, event_id=r.event_id, actor=actor)
    _require_changeable(event)
    policy.require(
        policy.can_withdraw_request(actor, r, buyer, exporter), "only the asking side withdraws a request"
    )
    if r.status not in (RequestStatus.requested, RequestStatus.accepted):
        raise Conflict(f"request {r.id} is already {r.status.value}")
    r.status = RequestStatus.withdrawn
    r.responded_by_user_id = actor.id if actor is not None else None
    r.responded_at = utcnow()
    meeting = _cancel_meeting_of(session, r, "request withdrawn")
    session.flush()
    names = _names(session, [buyer, exporter])
    side = _side_of(actor, buyer, exporter)
    targets = (
        [(exporter, buyer)]
        if side == RequestSide.buyer
        else [(buyer, exporter)]
        if side == RequestSide.exporter
        else [(buyer, exporter), (exporter, buyer)]
    )
    for target, other in targets:
        if meeting is not None:
            slot = session.get(EventSlot, meeting.slot_id)
            assert slot is not None
            params = {"other": names[other.id], "when": _when(slot, participant_timezone(event, target))}
            notify(session, event=event, participant=target, kind="meeting_cancelled", params=params)
        else:
            notify(
                session,
                event=event,
                participant=target,
                kind="request_withdrawn",
                params={"other": names[other.id]},
            )
    return r


def recommend_pairs(
    session: Session, *, event_id: int, actor: User | None, per_exporter: int = 3, min_score: float = 0.0
) -> list[MeetingRequest]:
    """Add the matching engine's best buyer-exporter pairs among the participants as organiser requests.

    Scores every buyer participant against each exporter's products the way
    :func:`exportpilot.matching.service.match_product` ranks buyers (text retrieval, then re-ranking with
    HS codes and trust); without the matching engine, or without products, nothing is added. Pairs
    that already have a request are left alone; the added ones keep their score (``match_score``).
    """
    event = get_event(session, event_id=event_id, actor=actor)
    policy.require(policy.can_organise_event(actor), "only agency staff add recommended pairs")
    _require_changeable(event)
    try:
        from exportpilot.buyers import service as buyer_service
        from exportpilot.matching import service as matching
        from exportpilot.matching.repository import MatchingRepository
        from exportpilot.matching.rerank import WEIGHTS_FOR_BUYERS, score_match
        from exportpilot.matching.retrieval import relative, text_scores
    except ImportError:  # the matching engine is optional here
        return []
    from sqlalchemy import select

    from exportpilot.models import Product

    repo = EventRepository(session)
    participants = [p for p in repo.participants(event.id) if p.active]
    buyers = {p.buyer_id: p for p in participants if p.kind == ParticipantKind.buyer and p.buyer_id}
    exporters = [p for p in participants if p.kind == ParticipantKind.exporter]
    company_ids = [p.company_id for p in exporters]
    products = list(
        session.scalars(select(Product).where(Product.company_id.in_(company_ids)).order_by(Product.id))
    )
    buyer_rows = [b for b in (session.get(Buyer, bid) for bid in buyers) if b is not None]
    if not buyer_rows or not products:
        return []
    # As matching.service.match_product ranks buyers for a product: text retrieval, then re-ranking with
    # HS codes and the buyer's trust; each buyer's text is compared with every product at once.
    hs = MatchingRepository(session).hs_descriptions(
        [p.hs_code for p in products] + [c for b in buyer_rows for c in b.hs_interests or ()]
    )
    corpus = [matching.product_text(p, hs) for p in products]
    trusts = buyer_service.trust_scores(session, buyer_rows)
    bar = buyer_service.trust_bar()
    scores: dict[tuple[int, int], float] = {}  # (company id, buyer id) → best score over its products
    for b in buyer_rows:
        raw, _ = text_scores(matching.profile_text(b, hs), corpus)
        text = relative(raw)
        need = matching.profile_need(b)
        for k, product in enumerate(products):
            score = score_match(
                text=text[k],
                need=need,
                offer=matching.offer_of(product),
                weights=WEIGHTS_FOR_BUYERS,
                trust=trusts[b.id].score,
                bar=bar,
            ).score
            key = (product.company_id, b.id)
            scores[key] = max(scores.get(key, 0.0), float(score))
    added: list[MeetingRequest] = []
    for ex in exporters:
        best = {bid: sc for (cid, bid), sc in scores.items() if cid == ex.company_id and sc >= min_score}
        ranked = sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))[:per_exporter]
        for buyer_id, score in ranked:
            bp = buyers[buyer_id]
            if repo.request_for_pair(bp.id, ex.id) is not None:
                continue
            r = request_meeting(
                session,
                event_id=event.id,
                data=RequestCreate(buyer_participant_id=bp.id, exporter_participant_id=ex.id, priority=3),
                actor=actor,
            )
            r.match_score = round(score, 4)
            added.append(r)
    session.flush()
    return added


# Scheduling -----------------------------------------------------------------------------------------------


@dataclass
class Problem:
    """The engine's instance built from the database, with the maps back to rows."""

    instance: engine.Instance
    requests: dict[tuple[str, str], MeetingRequest]
    fixed: list[engine.Meeting]
    previous: list[engine.Meeting]
    meetings: dict[int, Meeting]  # request id → its meeting row (any status)


def build_problem(session: Session, event: Event) -> Problem:
    """The scheduling instance of the event: active participants, slots, accepted requests, tables,
    interpreters, working hours; confirmed meetings fixed, scheduled ones as the previous schedule."""
    repo = EventRepository(session)
    slots = repo.slots(event.id)
    if not slots:
        raise InvalidInput(f"event {event.id} has no slots yet: plan the slots first")
    slot_ids = {s.id for s in slots}
    participants = [p for p in repo.participants(event.id) if p.active]
    eng_participants = []
    for p in participants:
        available = None
        if p.available_slot_ids is not None:
            available = frozenset(str(s) for s in p.available_slot_ids if s in slot_ids)
        hours = (p.working_start, p.working_end) if p.working_start and p.working_end else None
        eng_participants.append(
            engine.Participant(
                id=str(p.id),
                kind="buyer" if p.kind == ParticipantKind.buyer else "exporter",
                languages=tuple(p.languages or ()),
                timezone=participant_timezone(event, p),
                max_meetings=p.max_meetings,
                available_slots=available,
                working_hours=hours,
            )
        )
    eng_slots = [engine.Slot(str(s.id), aware(s.starts_at), aware(s.ends_at), s.online) for s in slots]
    active_ids = {p.id for p in participants}
    reqs = [
        r
        for r in repo.requests(event.id)
        if r.status == RequestStatus.accepted
        and r.buyer_participant_id in active_ids
        and r.exporter_participant_id in active_ids
    ]
    by_pair = {(str(r.buyer_participant_id), str(r.exporter_participant_id)): r for r in reqs}
    eng_requests = [engine.Request(b, e, request_weight(r)) for (b, e), r in by_pair.items()]
    rows = repo.interpreters(event.id)
    interpreters = {(row.language, str(row.slot_id)): row.count for row in rows} if rows else None
    meetings = {m.request_id: m for m in repo.meetings(event.id)}
    fixed: list[engine.Meeting] = []
    previous: list[engine.Meeting] = []
    for (b, e), r in by_pair.items():
        m = meetings.get(r.id)
        if m is None or m.status == MeetingStatus.cancelled:
            continue
        em = engine.Meeting(b, e, str(m.slot_id), m.table, m.interpreter)
        (fixed if m.status == MeetingStatus.confirmed else previous).append(em)
    instance = engine.Instance(
        participants=eng_participants,
        slots=eng_slots,
        requests=eng_requests,
        tables=event.tables,
        interpreters=interpreters,
        working_hours=(event.working_start, event.working_end),
    )
    return Problem(instance, by_pair, fixed, previous, meetings)


def run_schedule(
    session: Session,
    *,
    event_id: int,
    actor: User | None,
    time_limit: float = 10.0,
    seed: int = 0,
    scheduler: Scheduler | None = None,
) -> RunSummary:
    """Schedule (or re-schedule) the event's accepted requests with the engine and store the result.

    Confirmed meetings stay in their slot and at their table; scheduled ones move only when that gains;
    every participant whose meetings changed is notified. Nothing is written when the engine fails.
    ``scheduler`` replaces the default ``Scheduler(time_limit, seed)`` (e.g. a deterministic one).
    """
    event = get_event(session, event_id=event_id, actor=actor)
    policy.require(policy.can_organise_event(actor), "only agency staff run the scheduler")
    _require_changeable(event)
    started = clock.monotonic()
    problem = build_problem(session, event)
    engine_run = scheduler if scheduler is not None else Scheduler(time_limit=time_limit, seed=seed)
    result = engine_run.solve(problem.instance, fixed=problem.fixed, previous=problem.previous)
    broken = check_schedule(problem.instance, result.meetings, fixed=problem.fixed)
    if broken:  # never store a schedule that breaks a rule
        raise InvalidInput(f"the scheduler returned an infeasible schedule: {broken[:3]}")

    repo = EventRepository(session)
    participants = {p.id: p for p in repo.participants(event.id)}
    names = _names(session, participants.values())
    slots = {s.id: s for s in repo.slots(event.id)}
    changes: dict[int, list[tuple[str, Meeting, int]]] = defaultdict(
        list
    )  # participant → (kind, meeting, other)
    counts = {"new": 0, "moved": 0, "cancelled": 0, "unchanged": 0}
    placed: set[int] = set()
    for em in result.meetings:
        r = problem.requests[(em.buyer_id, em.exporter_id)]
        placed.add(r.id)
        slot_id, table = int(em.slot_id), int(em.table or 1)
        m = problem.meetings.get(r.id)
        if m is None:
            m = Meeting(
                event_id=event.id, request_id=r.id, slot_id=slot_id, table=table, interpreter=em.interpreter
            )
            m.status, m.sequence = MeetingStatus.scheduled, 0
            session.add(m)
            kind = "new"
        elif m.status == MeetingStatus.cancelled:
            m.status, m.slot_id, m.table, m.interpreter = (
                MeetingStatus.scheduled,
                slot_id,
                table,
                em.interpreter,
            )
            m.sequence += 1
            m.cancelled_reason = None
            kind = "new"
        elif (m.slot_id, m.table, m.interpreter) != (slot_id, table, em.interpreter):
            m.slot_id, m.table, m.interpreter = slot_id, table, em.interpreter
            m.sequence += 1
            kind = "moved"
        else:
            kind = "unchanged"
        counts[kind] += 1
        if kind != "unchanged":
            changes[r.buyer_participant_id].append((kind, m, r.exporter_participant_id))
            changes[r.exporter_participant_id].append((kind, m, r.buyer_participant_id))
    for request_id, m in problem.meetings.items():
        if request_id in placed or m.status == MeetingStatus.cancelled:
            continue
        # A meeting of a request no longer accepted was cancelled when that happened; this one no longer fits.
        m.status = MeetingStatus.cancelled
        m.sequence += 1
        m.cancelled_reason = UNSCHEDULED
        counts["cancelled"] += 1
        dropped = session.get(MeetingRequest, request_id)
        assert dropped is not None
        changes[dropped.buyer_participant_id].append(("cancelled", m, dropped.exporter_participant_id))
        changes[dropped.exporter_participant_id].append(("cancelled", m, dropped.buyer_participant_id))
    session.flush()

    kinds = {"new": "meeting_scheduled", "moved": "meeting_moved", "cancelled": "meeting_unscheduled"}
    notified = 0
    for pid, items in sorted(changes.items()):
        p = participants[pid]
        if not p.active:
            continue
        tz = participant_timezone(event, p)
        for kind, m, other in items:
            params = {"other": names[other], "when": _when(slots[m.slot_id], tz), "table": m.table}
            notified += notify(session, event=event, participant=p, kind=kinds[kind], params=params)

    weight = float(result.weight)
    event.status = EventStatus.scheduled
    event.scheduled_at = utcnow()
    event.last_run = {
        "requests": len(problem.requests),
        "meetings": len(result.meetings),
        "fixed": len(problem.fixed),
        "weight": round(weight, 4),
        "upper_bound": round(float(result.upper_bound), 4),
        "gap": round(float(result.gap), 6),
        "greedy_weight": round(float(result.greedy_weight), 4),
        "seconds": round(clock.monotonic() - started, 3),
        **counts,
    }
    session.flush()
    return RunSummary(
        event_id=event.id,
        requests=len(problem.requests),
        meetings=len(result.meetings),
        fixed=len(problem.fixed),
        new=counts["new"],
        moved=counts["moved"],
        cancelled=counts["cancelled"],
        unchanged=counts["unchanged"],
        weight=weight,
        upper_bound=float(result.upper_bound),
        gap=float(result.gap),
        greedy_weight=float(result.greedy_weight),
        seconds=round(clock.monotonic() - started, 3),
        notified=notified,
    )


def confirm_meetings(
    session: Session, *, event_id: int, actor: User | None, meeting_ids: Sequence[int] | None = None
) -> int:
    """Confirm scheduled meetings (all, or the given ones): re-scheduling keeps them where they are."""
    event = get_event(session, event_id=event_id, actor=actor)
    policy.require(policy.can_organise_event(actor), "only agency staff confirm meetings")
    _require_changeable(event)
    repo = EventRepository(session)
    wanted = set(meeting_ids) if meeting_ids is not None else None
    participants = {p.id: p for p in repo.participants(event.id)}
    names = _names(session, participants.values())
    slots = {s.id: s for s in repo.slots(event.id)}
    confirmed = 0
    for m in repo.meetings(event.id):
        if wanted is not None and m.id not in wanted:
            continue
        if m.status != MeetingStatus.scheduled:
            if wanted is not None:
                raise Conflict(f"meeting {m.id} is {m.status.value}, not scheduled")
            continue
        m.status = MeetingStatus.confirmed
        confirmed += 1
        r = session.get(MeetingRequest, m.request_id)
        assert r is not None
        for pid, other in (
            (r.buyer_participant_id, r.exporter_participant_id),
            (r.exporter_participant_id, r.buyer_participant_id),
        ):
            p = participants[pid]
            params = {
                "other": names[other],
                "when": _when(slots[m.slot_id], participant_timezone(event, p)),
                "table": m.table,
            }
            notify(session, event=event, participant=p, kind="meeting_confirmed", params=params)
    if wanted is not None and confirmed < len(wanted):
        missing = sorted(wanted - {m.id for m in repo.meetings(event.id)})
        if missing:
            raise NotFound(f"no meetings {missing[:5]} in event {event.id}")
    session.flush()
    return confirmed


def get_meeting(
    session: Session, *, meeting_id: int, actor: User | None
) -> tuple[Meeting, MeetingRequest, EventParticipant, EventParticipant]:
    m = session.get(Meeting, meeting_id)
    if m is None:
        raise NotFound(f"no meeting {meeting_id}")
    r, buyer, exporter = get_request(session, request_id=m.request_id, actor=actor)
    return m, r, buyer, exporter


def cancel_meeting(
    session: Session, *, meeting_id: int, actor: User | None, reason: str | None = None
) -> Meeting:
    """Cancel a meeting (either side, or staff): its request is withdrawn so a re-run does not bring it
    back, its slot is free for others, and both sides are told."""
    m, r, buyer, exporter = get_meeting(session, meeting_id=meeting_id, actor=actor)
    event = get_event(session, event_id=m.event_id, actor=actor)
    _require_changeable(event)
    policy.require(
        policy.can_cancel_meeting(actor, buyer, exporter), "only the two sides or staff cancel a meeting"
    )
    if m.status == MeetingStatus.cancelled:
        raise Conflict(f"meeting {m.id} is already cancelled")
    m.status = MeetingStatus.cancelled
    m.sequence += 1
    m.cancelled_reason = (reason or "cancelled")[:500]
    r.status = RequestStatus.withdrawn
    r.responded_by_user_id = actor.id if actor is not None else None
    r.responded_at = utcnow()
    session.flush()
    names = _names(session, [buyer, exporter])
    slot = session.get(EventSlot, m.slot_id)
    assert slot is not None
    for target, other in ((buyer, exporter), (exporter, buyer)):
        params = {"other": names[other.id], "when": _when(slot, participant_timezone(event, target))}
        notify(session, event=event, participant=target, kind="meeting_cancelled", params=params)
    return m


def list_meetings(
    session: Session, *, event_id: int, actor: User | None, include_cancelled: bool = False
) -> list[tuple[Meeting, MeetingRequest]]:
    """The event's meetings with their requests: staff see all, a participant its own."""
    event = get_event(session, event_id=event_id, actor=actor)
    repo = EventRepository(session)
    requests = {r.id: r for r in list_requests(session, event_id=event.id, actor=actor)}
    out = []
    for m in repo.meetings(event.id):
        if m.request_id in requests and (include_cancelled or m.status != MeetingStatus.cancelled):
            out.append((m, requests[m.request_id]))
    slots = {s.id: s for s in repo.slots(event.id)}
    out.sort(key=lambda mr: (aware(slots[mr[0].slot_id].starts_at), mr[0].table))
    return out


# Notifications --------------------------------------------------------------------------------------------


def list_notifications(session: Session, *, actor: User, unread_only: bool = False) -> Sequence[Notification]:
    """The notifications for ``actor``: its own and those of the participants it is."""
    parts = EventRepository(session).participants_of_user(actor)
    return NotificationRepository(session).for_user(actor, [p.id for p in parts], unread_only=unread_only)


def unread_count(session: Session, *, actor: User) -> int:
    return len(list_notifications(session, actor=actor, unread_only=True))


def mark_read(session: Session, *, notification_id: int | None, actor: User) -> int:
    """Mark one notification (or, with ``None``, all of them) read; return how many changed."""
    now = utcnow()
    if notification_id is None:
        items = list(list_notifications(session, actor=actor, unread_only=True))
    else:
        n = session.get(Notification, notification_id)
        participant = session.get(EventParticipant, n.participant_id) if n and n.participant_id else None
        if n is None or not policy.can_view_notification(actor, n, participant):
            raise NotFound(f"no notification {notification_id}")
        items = [n] if n.read_at is None else []
    for n in items:
        n.read_at = now
    session.flush()
    return len(items)


def event_notifications(session: Session, *, event_id: int, actor: User | None) -> Sequence[Notification]:
    """Every notification an event caused (the organiser's log)."""
    event = get_event(session, event_id=event_id, actor=actor)
    policy.require(policy.can_organise_event(actor), "only agency staff see the event's notification log")
    return NotificationRepository(session).for_event(event.id)


# Views shared by the API, the pages and the command line ---------------------------------------------------


def participant_view(
    session: Session, event: Event, p: EventParticipant, names: dict[int, dict[str, str]], lang: str = "en"
) -> dict[str, Any]:
    start, end = working_hours(event, p)
    return {
        "id": p.id,
        "event_id": p.event_id,
        "kind": p.kind,
        "buyer_id": p.buyer_id,
        "company_id": p.company_id,
        "name": names.get(p.id, {}).get(lang, f"#{p.id}"),
        "languages": list(p.languages or []),
        "max_meetings": p.max_meetings,
        "available_slot_ids": p.available_slot_ids,
        "timezone": participant_timezone(event, p),
        "working_start": start,
        "working_end": end,
        "active": p.active,
    }


def request_view(r: MeetingRequest, names: dict[int, dict[str, str]], lang: str = "en") -> dict[str, Any]:
    return {
        "id": r.id,
        "event_id": r.event_id,
        "buyer_participant_id": r.buyer_participant_id,
        "exporter_participant_id": r.exporter_participant_id,
        "buyer_name": names.get(r.buyer_participant_id, {}).get(lang, ""),
        "exporter_name": names.get(r.exporter_participant_id, {}).get(lang, ""),
        "requested_by": r.requested_by,
        "status": r.status,
        "buyer_priority": r.buyer_priority,
        "exporter_priority": r.exporter_priority,
        "mutual": r.mutual,
        "weight": request_weight(r),
        "match_score": r.match_score,
        "note": r.note,
        "requested_by_user_id": r.requested_by_user_id,
        "responded_by_user_id": r.responded_by_user_id,
        "responded_at": r.responded_at,
        "created_at": r.created_at,
    }


def names_of_event(session: Session, event_id: int) -> dict[int, dict[str, str]]:
    return _names(session, EventRepository(session).participants(event_id))


def days_of(slots: Sequence[EventSlot]) -> list[date]:
    return sorted({s.day for s in slots})
