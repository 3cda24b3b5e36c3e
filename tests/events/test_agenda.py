"""Agendas: a real PDF with Korean text (WeasyPrint, Noto Sans CJK), iCalendar read back with
``icalendar`` (time zones, UIDs stable across re-scheduling), HTML in both languages, the grid."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar
from sqlalchemy.orm import Session

from exportpilot.events import agenda as agendas
from exportpilot.events import service
from exportpilot.events.schemas import ParticipantUpdate, RequestCreate
from tests.events.conftest import World


def _noto_cjk_or_skip() -> None:
    fc = shutil.which("fc-list")
    found = fc and "Noto Sans CJK" in subprocess.run([fc], capture_output=True, text=True).stdout
    if found:
        return
    reason = "fonts-noto-cjk is missing: run scripts/ensure-browser.sh (Korean text needs it in the PDF)"
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


def _schedule(session: Session, w: World, pairs: list[tuple[int, int]]) -> None:
    for b, e in pairs:
        data = RequestCreate(buyer_participant_id=w.buyers[b].id, exporter_participant_id=w.exporters[e].id)
        r = service.request_meeting(session, event_id=w.event.id, data=data, actor=w.buyer_users[b])
        service.respond(session, request_id=r.id, accept=True, actor=w.exporter_users[e])
    service.run_schedule(session, event_id=w.event.id, actor=w.advisor, time_limit=2)


class TestAgendaPdf:
    def test_pdf_is_real_and_carries_the_korean_text(self, session: Session, world: World) -> None:
        _noto_cjk_or_skip()
        from pypdf import PdfReader

        _schedule(session, world, [(0, 0), (1, 0), (2, 0)])
        agenda = agendas.build_agenda(
            session, participant_id=world.exporters[0].id, actor=world.exporter_users[0]
        )
        assert agenda.lang == "ko" and agenda.name == "한빛정밀1" and len(agenda.active_items) == 3
        pdf = agendas.agenda_pdf(agenda)
        assert pdf.startswith(b"%PDF-") and len(pdf) > 5_000
        reader = PdfReader(io.BytesIO(pdf))
        text = "".join(page.extract_text() for page in reader.pages)
        for expected in (
            "상담 일정표",
            "한빛정밀1",
            "부산 수출상담회",
            "상담 상대",
            "Importadora 1",
            "2026년 12월 9일",
        ):
            assert expected in text, expected
        fonts = {
            str(f.get_object()["/BaseFont"])
            for page in reader.pages
            for f in page["/Resources"]["/Font"].values()
        }
        assert any("CJK" in f for f in fonts), fonts

    def test_html_follows_the_language(self, session: Session, world: World) -> None:
        _schedule(session, world, [(0, 1)])
        en = agendas.agenda_html(
            agendas.build_agenda(session, participant_id=world.buyers[0].id, actor=world.buyer_users[0])
        )
        ko = agendas.agenda_html(
            agendas.build_agenda(session, participant_id=world.buyers[0].id, actor=world.advisor, lang="ko")
        )
        assert '<html lang="en">' in en and "Agenda: Importadora 1" in en and "Hanbit Precision 2" in en
        assert '<html lang="ko">' in ko and "상담 일정표" in ko and "한빛정밀2" in ko


class TestAgendaIcs:
    def test_ics_parses_back_in_the_participants_time_zone(self, session: Session, world: World) -> None:
        service.update_participant(
            session,
            participant_id=world.buyers[0].id,
            data=ParticipantUpdate(timezone="America/Mexico_City"),
            actor=world.buyer_users[0],
        )
        _schedule(session, world, [(0, 0), (0, 1)])
        agenda = agendas.build_agenda(session, participant_id=world.buyers[0].id, actor=world.buyer_users[0])
        cal = Calendar.from_ical(agendas.agenda_ics(agenda))
        events = cal.walk("VEVENT")
        assert len(events) == 2
        assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["America/Mexico_City"]
        meetings = {
            m.id: m for m, _ in service.list_meetings(session, event_id=world.event.id, actor=world.advisor)
        }
        for ve in events:
            start = ve.decoded("DTSTART")
            assert str(start.tzinfo) == "America/Mexico_City"
            item = next(i for i in agenda.items if i.uid == str(ve["UID"]))
            slot = next(s for s in world.slots if s.id == meetings[item.meeting_id].slot_id)
            assert start == service.aware(slot.starts_at)  # the same instant
            assert str(ve["STATUS"]) == "TENTATIVE" and str(ve["SUMMARY"]).startswith("Meeting: Hanbit")
        assert datetime(2026, 12, 8, 18, 0, tzinfo=ZoneInfo("America/Mexico_City")) in {
            ve.decoded("DTSTART") for ve in events
        }

    def test_uid_is_stable_when_a_meeting_moves_and_cancelled_ones_say_so(
        self, session: Session, world: World
    ) -> None:
        _schedule(session, world, [(0, 0), (0, 1)])
        before = agendas.build_agenda(session, participant_id=world.buyers[0].id, actor=world.advisor)
        uids = {i.request_id: i.uid for i in before.items}
        # The buyer can only come to the last slot now: one meeting moves there, the other is dropped.
        service.update_participant(
            session,
            participant_id=world.buyers[0].id,
            data=ParticipantUpdate(available_slot_ids=[world.slots[-1].id]),
            actor=world.advisor,
        )
        summary = service.run_schedule(session, event_id=world.event.id, actor=world.advisor, time_limit=2)
        assert summary.meetings == 1 and summary.cancelled + summary.moved == 2
        after = agendas.build_agenda(session, participant_id=world.buyers[0].id, actor=world.advisor)
        cal = Calendar.from_ical(agendas.agenda_ics(after))
        by_uid = {str(ve["UID"]): ve for ve in cal.walk("VEVENT")}
        assert set(by_uid) == set(uids.values())  # the same UIDs, moved or cancelled
        statuses = sorted(str(ve["STATUS"]) for ve in by_uid.values())
        assert statuses == ["CANCELLED", "TENTATIVE"]
        assert all(int(ve["SEQUENCE"]) >= 1 for ve in by_uid.values() if str(ve["STATUS"]) == "CANCELLED")
        moved = next(ve for ve in by_uid.values() if str(ve["STATUS"]) == "TENTATIVE")
        assert moved.decoded("DTSTART") == service.aware(world.slots[-1].starts_at)
        kinds = {n.kind for n in service.list_notifications(session, actor=world.buyer_users[0])}
        assert {"meeting_unscheduled"} <= kinds and kinds & {"meeting_moved", "meeting_scheduled"}


class TestOrganiserViews:
    def test_grid_has_a_row_per_slot_and_a_cell_per_table(self, session: Session, world: World) -> None:
        _schedule(session, world, [(0, 0), (1, 1), (2, 2)])
        event, rows = agendas.grid(session, event_id=world.event.id, actor=world.advisor)
        assert len(rows) == len(world.slots) and all(len(r.cells) == event.tables for r in rows)
        assert sum(1 for r in rows for c in r.cells if c) == 3

    def test_csv_lists_every_meeting_in_time_order(self, session: Session, world: World) -> None:
        _schedule(session, world, [(0, 0), (1, 1), (2, 2), (0, 1)])
        lines = agendas.schedule_csv(session, event_id=world.event.id, actor=world.advisor).splitlines()
        assert lines[0].startswith("buyer_id,exporter_id,slot_id,table,start,end")
        assert len(lines) == 5
        starts = [line.split(",")[4] for line in lines[1:]]
        assert starts == sorted(starts) and starts[0].endswith("+09:00")
