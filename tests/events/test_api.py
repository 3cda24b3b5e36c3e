"""`/api/events` end to end: create, plan, register, request, accept, schedule, agenda, grid, CSV."""

from __future__ import annotations

import csv
import io

from sqlalchemy.orm import Session

from exportpilot.models import Role
from tests.factories import make_buyer, make_company, make_user


class TestEventsApi:
    def test_request_accept_schedule_agenda(self, client, session: Session, login) -> None:
        staff = login(make_user(session, Role.advisor))
        buyer = make_buyer(
            session, company_name="Cuchillería Sol", languages=["es", "en"], country_code="MEX"
        )
        company = make_company(session, name_ko="(주)한빛정밀", name_en="Hanbit Precision")
        buyer_user = make_user(session, Role.buyer, buyer_id=buyer.id, language="en")
        exporter_user = make_user(session, Role.exporter, company_id=company.id, language="ko")

        ev = client.post(
            "/api/events",
            json={"name": "부산 수출상담회", "timezone": "Asia/Seoul", "venue": "BEXCO", "tables": 3},
            headers=staff,
        )
        assert ev.status_code == 201, ev.text
        eid = ev.json()["id"]
        plan = {"days": ["2026-12-09"], "start": "09:00", "end": "12:00", "minutes": 30,
                "breaks": [{"start": "10:30", "end": "11:00"}]}  # fmt: skip
        slots = client.post(f"/api/events/{eid}/slots/plan", json=plan, headers=staff)
        assert slots.status_code == 201 and len(slots.json()) == 5
        assert (
            client.patch(f"/api/events/{eid}", json={"status": "open"}, headers=staff).json()["status"]
            == "open"
        )
        # The buyer registers itself with its own time zone; staff register the exporter.
        bp = client.post(
            f"/api/events/{eid}/participants",
            json={"kind": "buyer", "buyer_id": buyer.id, "timezone": "America/Mexico_City"},
            headers=login(buyer_user),
        )
        assert bp.status_code == 201, bp.text
        assert bp.json()["languages"] == ["es", "en"] and bp.json()["timezone"] == "America/Mexico_City"
        ep = client.post(
            f"/api/events/{eid}/participants",
            json={"kind": "exporter", "company_id": company.id},
            headers=staff,
        )
        assert ep.status_code == 201
        body = {
            "buyer_participant_id": bp.json()["id"],
            "exporter_participant_id": ep.json()["id"],
            "priority": 5,
        }
        req = client.post(f"/api/events/{eid}/requests", json=body, headers=login(buyer_user))
        assert req.status_code == 201 and req.json()["status"] == "requested"
        mine = client.get(f"/api/events/{eid}/requests", headers=login(exporter_user)).json()
        assert [r["buyer_name"] for r in mine] == ["Cuchillería Sol"]
        acc = client.post(
            f"/api/events/{eid}/requests/{req.json()['id']}/accept",
            json={"priority": 4},
            headers=login(exporter_user),
        )
        assert acc.status_code == 200 and acc.json()["status"] == "accepted" and acc.json()["weight"] == 9

        run = client.post(f"/api/events/{eid}/schedule", json={"time_limit": 2}, headers=staff)
        assert run.status_code == 200, run.text
        assert run.json()["meetings"] == 1 and run.json()["gap"] == 0
        agenda = client.get(
            f"/api/events/{eid}/participants/{bp.json()['id']}/agenda", headers=login(buyer_user)
        )
        assert agenda.status_code == 200
        item = agenda.json()["items"][0]
        assert agenda.json()["timezone"] == "America/Mexico_City"
        assert item["counterpart"] == "Hanbit Precision" and item["local_start"].endswith("-06:00")
        assert item["interpreter"] in ("es", "en")  # the exporter speaks Korean only (its default)
        notes = client.get("/api/events/notifications", headers=login(buyer_user)).json()
        assert [n["kind"] for n in notes] == ["meeting_scheduled", "request_accepted"]

        grid = client.get(f"/api/events/{eid}/grid", headers=staff).json()
        assert grid["tables"] == 3 and len(grid["rows"]) == 5
        assert sum(1 for row in grid["rows"] for c in row["cells"] if c) == 1
        text = client.get(f"/api/events/{eid}/schedule.csv", headers=staff)
        assert text.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(text.text)))
        assert list(rows[0])[:4] == ["buyer_id", "exporter_id", "slot_id", "table"]
        assert rows[0]["buyer"] == "Cuchillería Sol" and rows[0]["status"] == "scheduled"

        meetings = client.get(f"/api/events/{eid}/meetings", headers=login(exporter_user)).json()
        assert len(meetings) == 1
        assert client.post(f"/api/events/{eid}/confirm", headers=staff).json() == {"confirmed": 1}
        cancel = client.post(
            f"/api/events/{eid}/meetings/{meetings[0]['id']}/cancel",
            json={"reason": "flight"},
            headers=login(buyer_user),
        )
        assert (
            cancel.status_code == 200
            and cancel.json()["status"] == "cancelled"
            and cancel.json()["sequence"] == 1
        )

    def test_bad_input_has_the_stable_error_body(self, client, session: Session, login) -> None:
        staff = login(make_user(session, Role.admin))
        r = client.post("/api/events", json={"name": "x", "timezone": "Asia/Nowhere"}, headers=staff)
        assert (
            r.status_code == 422
            and r.json()["error"] == "ValidationError"
            and r.json()["field"] == "timezone"
        )
        eid = client.post("/api/events", json={"name": "x"}, headers=staff).json()["id"]
        slots = {
            "slots": [
                {"label": "A", "start": "2026-12-09T10:00:00+09:00", "end": "2026-12-09T09:30:00+09:00"}
            ]
        }
        r = client.post(f"/api/events/{eid}/slots", json=slots, headers=staff)
        assert r.status_code == 422 and r.json()["error"] == "InvalidInput"
        assert "slot 1 ('A') ends" in r.json()["detail"]
        r = client.post(f"/api/events/{eid}/schedule", headers=staff)
        assert r.status_code == 422 and "no slots yet" in r.json()["detail"]
        assert client.get("/api/events/999999", headers=staff).status_code == 404

    def test_openapi_documents_the_events_endpoints(self, client) -> None:
        paths = client.get("/openapi.json").json()["paths"]
        for path in (
            "/api/events",
            "/api/events/{event_id}/requests/{request_id}/accept",
            "/api/events/{event_id}/schedule",
            "/api/events/{event_id}/participants/{participant_id}/agenda",
            "/api/events/{event_id}/grid",
            "/api/events/{event_id}/schedule.csv",
            "/api/events/notifications",
        ):
            assert path in paths
        agenda = paths["/api/events/{event_id}/participants/{participant_id}/agenda"]["get"]
        assert {"application/pdf", "text/calendar"} <= set(agenda["responses"]["200"]["content"])
