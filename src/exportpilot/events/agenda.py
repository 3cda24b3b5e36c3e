"""Agendas and calendars: a participant's meetings in its language and local time (HTML, PDF through
WeasyPrint, iCalendar through ``icalendar``), the organiser's grid of slots × tables, the CSV export.

An iCalendar event's UID is the meeting request's (``request-<id>.event-<id>@exportpilot``), so it
stays the same when the meeting moves; its SEQUENCE rises with every move, and a cancelled meeting is
kept with ``STATUS:CANCELLED`` so that calendar programs remove it on the next import.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date
from sqlalchemy.orm import Session

from exportpilot.auth import policy
from exportpilot.events import service
from exportpilot.events.notify import LANGUAGES, default_language
from exportpilot.events.repository import EventRepository
from exportpilot.models import (
    Event,
    EventParticipant,
    EventSlot,
    EventType,
    Meeting,
    MeetingStatus,
    ParticipantKind,
    User,
)

#: Fonts for the PDF: Noto Sans CJK (Debian's fonts-noto-cjk) carries the Korean glyphs.
PDF_FONTS = '"Noto Sans CJK KR", "Noto Sans KR", "Noto Sans CJK", "Malgun Gothic", sans-serif'


def meeting_uid(event_id: int, request_id: int) -> str:
    """The iCalendar UID of the meeting of a request: the same however often it moves."""
    return f"request-{request_id}.event-{event_id}@exportpilot"


@dataclass
class AgendaItem:
    meeting_id: int
    request_id: int
    uid: str
    status: MeetingStatus
    sequence: int
    slot_label: str
    start: datetime  # UTC
    end: datetime
    local_start: datetime  # in the agenda's time zone
    local_end: datetime
    table: int
    interpreter: str | None
    online: bool
    counterpart: str
    counterpart_other_name: str
    counterpart_country: str | None
    counterpart_languages: list[str]


@dataclass
class Agenda:
    event: Event
    participant: EventParticipant
    name: str
    timezone: str
    lang: str
    items: list[AgendaItem] = field(default_factory=list)

    @property
    def active_items(self) -> list[AgendaItem]:
        return [i for i in self.items if i.status != MeetingStatus.cancelled]

    def days(self) -> list[tuple[str, list[AgendaItem]]]:
        """The active meetings grouped by local day, each day with its heading in the agenda's language."""
        out: dict[str, list[AgendaItem]] = {}
        for item in self.active_items:
            heading = format_date(item.local_start.date(), "full", locale=self.lang)
            out.setdefault(heading, []).append(item)
        return list(out.items())


def agenda_language(actor: User | None, participant: EventParticipant, lang: str | None) -> str:
    """The asked language, else the participant's user's, else Korean for exporters, English for buyers."""
    if lang in LANGUAGES:
        return str(lang)
    if actor is not None and policy.owns_participant(actor, participant) and actor.language in LANGUAGES:
        return actor.language
    return default_language(participant)


def build_agenda(
    session: Session,
    *,
    participant_id: int,
    actor: User | None,
    lang: str | None = None,
    timezone: str | None = None,
) -> Agenda:
    """The participant's meetings (cancelled ones included, marked) in its local time zone."""
    participant = service.get_participant(session, participant_id=participant_id, actor=actor)
    event = service.get_event(session, event_id=participant.event_id, actor=actor)
    language = agenda_language(actor, participant, lang)
    tz_name = timezone or service.participant_timezone(event, participant)
    tz = ZoneInfo(tz_name)
    repo = EventRepository(session)
    everyone = {p.id: p for p in repo.participants(event.id)}
    raw_names = repo.names(everyone.values())
    slots = {s.id: s for s in repo.slots(event.id)}
    requests = {r.id: r for r in repo.requests(event.id, [participant.id])}
    items: list[AgendaItem] = []
    for m in repo.meetings(event.id):
        r = requests.get(m.request_id)
        if r is None:
            continue
        other_id = (
            r.exporter_participant_id if r.buyer_participant_id == participant.id else r.buyer_participant_id
        )
        ko, en, country = raw_names[other_id]
        slot = slots[m.slot_id]
        start, end = service.aware(slot.starts_at), service.aware(slot.ends_at)
        items.append(
            AgendaItem(
                meeting_id=m.id,
                request_id=r.id,
                uid=meeting_uid(event.id, r.id),
                status=m.status,
                sequence=m.sequence,
                slot_label=slot.label,
                start=start,
                end=end,
                local_start=start.astimezone(tz),
                local_end=end.astimezone(tz),
                table=m.table,
                interpreter=m.interpreter,
                online=slot.online,
                counterpart=ko if language == "ko" else en,
                counterpart_other_name=en if language == "ko" else ko,
                counterpart_country=country,
                counterpart_languages=list(everyone[other_id].languages or []),
            )
        )
    items.sort(key=lambda i: (i.start, i.table))
    ko, en, _ = raw_names[participant.id]
    return Agenda(event, participant, ko if language == "ko" else en, tz_name, language, items)


def agenda_context(agenda: Agenda) -> dict[str, Any]:
    return {
        "agenda": agenda,
        "event": agenda.event,
        "days": agenda.days(),
        "generated": datetime.now(UTC).astimezone(ZoneInfo(agenda.timezone)),
        "fonts": PDF_FONTS,
        "is_online_event": agenda.event.type == EventType.online_week,
    }


def agenda_html(agenda: Agenda) -> str:
    """The agenda as a standalone HTML document in its language (the same one the PDF is made from)."""
    from exportpilot.web.templating import render_template

    return render_template(agenda.lang, "events/agenda_doc.html", agenda_context(agenda))


def agenda_pdf(agenda: Agenda) -> bytes:
    """The agenda as a PDF (WeasyPrint), Korean text set in Noto Sans CJK."""
    from weasyprint import HTML

    pdf = HTML(string=agenda_html(agenda)).write_pdf()
    assert pdf is not None
    return bytes(pdf)


_ICS_TEXT = {
    "summary": {"en": "Meeting: {other}", "ko": "상담: {other}"},
    "table": {"en": "table {table}", "ko": "{table}번 테이블"},
    "video": {"en": "video meeting (room {table})", "ko": "화상 상담 ({table}번 방)"},
    "interpreter": {"en": "Interpreter: {language}", "ko": "통역: {language}"},
    "slot": {"en": "Slot {label}", "ko": "슬롯 {label}"},
}


def _t(key: str, lang: str, **params: object) -> str:
    return _ICS_TEXT[key][lang].format(**params)


def agenda_ics(agenda: Agenda) -> bytes:
    """The agenda as an iCalendar file: one VEVENT per meeting, in the participant's time zone."""
    from icalendar import Calendar
    from icalendar import Event as VEvent

    lang = agenda.lang
    cal = Calendar()
    cal.add("prodid", "-//ExportPilot//Export consultation meetings//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", f"{agenda.event.name} · {agenda.name}")
    cal.add("x-wr-timezone", agenda.timezone)
    stamp = datetime.now(UTC).replace(microsecond=0)
    for item in agenda.items:
        ve = VEvent()
        ve.add("uid", item.uid)
        ve.add("dtstamp", stamp)
        ve.add("dtstart", item.local_start)
        ve.add("dtend", item.local_end)
        ve.add("summary", _t("summary", lang, other=item.counterpart))
        place = _t("video" if item.online else "table", lang, table=item.table)
        venue = agenda.event.venue
        ve.add("location", f"{venue} · {place}" if venue and not item.online else place)
        lines = [agenda.event.name, _t("slot", lang, label=item.slot_label)]
        if item.interpreter:
            lines.append(_t("interpreter", lang, language=item.interpreter))
        ve.add("description", "\n".join(lines))
        ve.add("sequence", item.sequence)
        status = {"confirmed": "CONFIRMED", "scheduled": "TENTATIVE", "cancelled": "CANCELLED"}
        ve.add("status", status[item.status.value])
        cal.add_component(ve)
    cal.add_missing_timezones()
    return bytes(cal.to_ical())


# The organiser's views ------------------------------------------------------------------------------------


@dataclass
class GridRowView:
    slot: EventSlot
    start: datetime
    end: datetime
    cells: list[tuple[Meeting, str, str] | None]  # per table: (meeting, buyer name, exporter name)


def grid(
    session: Session, *, event_id: int, actor: User | None, lang: str = "en"
) -> tuple[Event, list[GridRowView]]:
    """Slots × tables with the meeting at each table (cancelled meetings left out)."""
    event = service.get_event(session, event_id=event_id, actor=actor)
    policy.require(policy.can_organise_event(actor), "only agency staff see the whole schedule")
    repo = EventRepository(session)
    names = service.names_of_event(session, event.id)
    requests = {r.id: r for r in repo.requests(event.id)}
    by_slot: dict[int, dict[int, Meeting]] = {}
    for m in repo.meetings(event.id):
        if m.status != MeetingStatus.cancelled:
            by_slot.setdefault(m.slot_id, {})[m.table] = m
    rows = []
    for slot in repo.slots(event.id):
        cells: list[tuple[Meeting, str, str] | None] = []
        for table in range(1, event.tables + 1):
            at = by_slot.get(slot.id, {}).get(table)
            if at is None:
                cells.append(None)
                continue
            r = requests[at.request_id]
            cells.append((at, names[r.buyer_participant_id][lang], names[r.exporter_participant_id][lang]))
        rows.append(GridRowView(slot, service.aware(slot.starts_at), service.aware(slot.ends_at), cells))
    return event, rows


CSV_COLUMNS = (
    "buyer_id",
    "exporter_id",
    "slot_id",
    "table",
    "start",
    "end",
    "slot_label",
    "buyer",
    "exporter",
    "interpreter",
    "status",
    "meeting_id",
)


def schedule_csv(session: Session, *, event_id: int, actor: User | None) -> str:
    """The event's schedule as CSV: the contract's ``buyer_id, exporter_id, slot_id, table`` (participant
    and slot ids of the database) first, then times in the venue's time zone, names and status."""
    event = service.get_event(session, event_id=event_id, actor=actor)
    policy.require(policy.can_organise_event(actor), "only agency staff export the whole schedule")
    repo = EventRepository(session)
    tz = ZoneInfo(event.timezone)
    raw = repo.names(repo.participants(event.id))
    slots = {s.id: s for s in repo.slots(event.id)}
    requests = {r.id: r for r in repo.requests(event.id)}
    meetings = [m for m in repo.meetings(event.id) if m.status != MeetingStatus.cancelled]
    meetings.sort(key=lambda m: (service.aware(slots[m.slot_id].starts_at), m.table))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for m in meetings:
        r = requests[m.request_id]
        slot = slots[m.slot_id]
        writer.writerow(
            [
                r.buyer_participant_id,
                r.exporter_participant_id,
                slot.id,
                m.table,
                service.aware(slot.starts_at).astimezone(tz).isoformat(),
                service.aware(slot.ends_at).astimezone(tz).isoformat(),
                slot.label,
                raw[r.buyer_participant_id][1],
                raw[r.exporter_participant_id][1],
                m.interpreter or "",
                m.status.value,
                m.id,
            ]
        )
    return out.getvalue()


def is_buyer(participant: EventParticipant) -> bool:
    return participant.kind == ParticipantKind.buyer
