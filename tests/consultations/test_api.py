"""`/api/consultations`: availability CRUD, slots, booking, decisions, the .ics; 403/409/422 bodies."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import icalendar
import pytest
from sqlalchemy.orm import Session

from exportpilot.models import Role
from tests.consultations.helpers import Room, make_room
from tests.factories import make_company, make_user

EVERY_DAY = [{"weekday": d, "start": "09:00", "end": "17:00"} for d in range(7)]
AVAILABILITY = {
    "office": "호치민무역관 (Ho Chi Minh City)",
    "city": "Ho Chi Minh City",
    "country_code": "VN",
    "timezone": "Asia/Ho_Chi_Minh",
    "slot_minutes": 30,
    "languages": ["ko", "vi"],
    "topics": ["market_entry", "certification"],
    "windows": EVERY_DAY,
}


@pytest.fixture
def room(session: Session) -> Room:
    return make_room(session)


@pytest.fixture
def h(room: Room, login) -> dict[str, dict[str, str]]:  # type: ignore[no-untyped-def]
    return {"advisor": login(room.advisor), "exporter": login(room.exporter)}


def _publish(client, headers: dict[str, str], **change: Any) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    r = client.post("/api/consultations/availabilities", json={**AVAILABILITY, **change}, headers=headers)
    assert r.status_code == 201, r.text
    return r.json()


def _slot(client, headers: dict[str, str], **params: Any) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    r = client.get("/api/consultations/slots", params={"days": 7, **params}, headers=headers)
    assert r.status_code == 200, r.text
    slots = r.json()["slots"]
    # Not the very first slot: it may start within seconds of the minimum-notice cut-off.
    cutoff = datetime.fromisoformat(slots[0]["starts_at"]) + timedelta(hours=1)
    return next(s for s in slots if datetime.fromisoformat(s["starts_at"]) >= cutoff)


def _book(client, headers: dict[str, str], slot: dict[str, Any], **extra: Any):  # type: ignore[no-untyped-def]
    body = {
        "availability_id": slot["availability_id"],
        "starts_at": slot["starts_at"],
        "topic": "market_entry",
    }
    return client.post("/api/consultations/bookings", json={**body, **extra}, headers=headers)


class TestAvailabilityEndpoints:
    def test_create_read_update_delete(self, client, h, room: Room) -> None:  # type: ignore[no-untyped-def]
        created = _publish(client, h["advisor"])
        assert created["advisor_id"] == room.advisor.id and created["advisor_name"] == "박상담"
        assert created["country_code"] == "VNM" and created["markets"] == ["VNM"]
        assert created["windows"][0] == {
            "weekday": 0, "date": None, "start": "09:00:00", "end": "17:00:00", "label": "mon 09:00-17:00",
        }  # fmt: skip
        url = f"/api/consultations/availabilities/{created['id']}"
        assert client.get(url, headers=h["exporter"]).json()["office"] == AVAILABILITY["office"]
        patched = client.patch(
            url,
            json={"slot_minutes": 60, "windows": [{"date": "2030-01-07", "start": "21:00", "end": "01:00"}]},
            headers=h["advisor"],
        )
        assert patched.status_code == 200, patched.text
        assert [w["label"] for w in patched.json()["windows"]] == ["2030-01-07 21:00-01:00"]
        listed = client.get(
            "/api/consultations/availabilities", params={"market": "VN"}, headers=h["exporter"]
        )
        assert [a["id"] for a in listed.json()] == [created["id"]]
        assert client.delete(url, headers=h["advisor"]).status_code == 204
        assert client.get(url, headers=h["advisor"]).status_code == 404

    def test_an_advisor_manages_only_their_own(self, client, h, session: Session, login) -> None:  # type: ignore[no-untyped-def]
        created = _publish(client, h["advisor"])
        other = login(make_user(session, Role.advisor))
        url = f"/api/consultations/availabilities/{created['id']}"
        for r in (
            client.patch(url, json={"city": "Hanoi"}, headers=other),
            client.delete(url, headers=other),
            client.post(
                "/api/consultations/availabilities",
                json={**AVAILABILITY, "advisor_id": created["advisor_id"]},
                headers=other,
            ),
        ):
            assert r.status_code == 403, r.text
            assert r.json()["error"] == "PermissionDenied"

    def test_exporters_and_buyers_do_not_publish(self, client, h, session: Session, login) -> None:  # type: ignore[no-untyped-def]
        r = client.post("/api/consultations/availabilities", json=AVAILABILITY, headers=h["exporter"])
        assert r.status_code == 403 and r.json()["error"] == "PermissionDenied"
        buyer = login(make_user(session, Role.buyer))
        assert client.get("/api/consultations/availabilities", headers=buyer).status_code == 403
        assert client.get("/api/consultations/slots", headers=buyer).status_code == 403

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"timezone": "Asia/Saigon_City"}, "timezone"),
            (
                {"windows": [{"weekday": 1, "date": "2030-01-01", "start": "09:00", "end": "10:00"}]},
                "windows.0",
            ),
            ({"windows": [{"weekday": 9, "start": "09:00", "end": "10:00"}]}, "windows.0.weekday"),
            ({"windows": []}, "windows"),
            ({"slot_minutes": 500}, "slot_minutes"),
            ({"country_code": "ZZZ"}, "country_code"),
            ({"languages": ["korean"]}, "languages"),
            ({"topics": ["gossip"]}, "topics.0"),
        ],
    )
    def test_bad_input_is_a_422_naming_the_field(self, client, h, change: dict, field: str) -> None:  # type: ignore[no-untyped-def]
        r = client.post(
            "/api/consultations/availabilities", json={**AVAILABILITY, **change}, headers=h["advisor"]
        )
        assert r.status_code == 422, r.text
        assert r.json()["field"] == field
        assert client.get("/api/consultations/availabilities", headers=h["advisor"]).json() == []

    def test_unauthenticated_is_401(self, client) -> None:  # type: ignore[no-untyped-def]
        for url in (
            "/api/consultations/availabilities",
            "/api/consultations/slots",
            "/api/consultations/bookings",
        ):
            assert client.get(url).status_code == 401


class TestSlotsEndpoint:
    def test_slots_in_both_zones(self, client, h) -> None:  # type: ignore[no-untyped-def]
        _publish(client, h["advisor"])
        r = client.get(
            "/api/consultations/slots", params={"days": 2, "tz": "Europe/London"}, headers=h["exporter"]
        )
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["timezone"] == "Europe/London" and body["days"] == 2
        slot = body["slots"][0]
        mine, theirs = (datetime.fromisoformat(slot[k]["start"]) for k in ("exporter", "advisor"))
        assert mine == theirs == datetime.fromisoformat(slot["starts_at"])
        assert slot["advisor"]["offset"] == "UTC+07:00" and slot["exporter"]["offset"] in (
            "UTC+00:00",
            "UTC+01:00",
        )
        assert slot["topics"] == ["market_entry", "certification"] and slot["languages"] == ["ko", "vi"]

    @pytest.mark.parametrize(
        ("params", "field"),
        [
            ({"tz": "Seoul"}, "tz"),
            ({"days": 40}, "days"),
            ({"from": "next week"}, "from"),
            ({"topic": "x"}, "topic"),
        ],
    )
    def test_bad_queries_are_422(self, client, h, params: dict, field: str) -> None:  # type: ignore[no-untyped-def]
        r = client.get("/api/consultations/slots", params=params, headers=h["exporter"])
        assert r.status_code == 422, r.text
        assert r.json()["field"] == field


class TestBookingEndpoints:
    def test_book_confirm_download_cancel(self, client, h, room: Room) -> None:  # type: ignore[no-untyped-def]
        _publish(client, h["advisor"])
        slot = _slot(client, h["exporter"])
        r = _book(client, h["exporter"], slot, notes="HACCP", language="ko", exporter_timezone="Asia/Seoul")
        assert r.status_code == 201, r.text
        booking = r.json()
        assert booking["status"] == "requested" and booking["company_id"] == room.company.id
        assert booking["requested_by"]["id"] == room.exporter.id and booking["meeting_link"] is None
        assert booking["exporter"]["timezone"] == "Asia/Seoul"
        assert booking["advisor_local"]["timezone"] == "Asia/Ho_Chi_Minh"
        url = f"/api/consultations/bookings/{booking['id']}"

        denied = client.post(f"{url}/confirm", headers=h["exporter"])
        assert denied.status_code == 403 and "advisor" in denied.json()["detail"]
        confirmed = client.post(f"{url}/confirm", headers=h["advisor"])
        assert confirmed.status_code == 200, confirmed.text
        link = confirmed.json()["meeting_link"]
        assert link.startswith(f"https://meet.jit.si/exportpilot-{booking['id']}-")
        assert client.get(url, headers=h["exporter"]).json()["meeting_link"] == link
        twice = client.post(f"{url}/confirm", headers=h["advisor"])
        assert twice.status_code == 409 and twice.json()["error"] == "Conflict"

        ics = client.get(booking["ics_url"], headers=h["exporter"])
        assert ics.status_code == 200
        assert ics.headers["content-type"].startswith("text/calendar")
        assert f'filename="consultation-{booking["id"]}.ics"' in ics.headers["content-disposition"]
        event = icalendar.Calendar.from_ical(ics.content).walk("VEVENT")[0]
        assert str(event["URL"]) == link and str(event["STATUS"]) == "CONFIRMED"

        cancelled = client.post(f"{url}/cancel", json={"reason": "일정 변경"}, headers=h["exporter"])
        assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
        assert cancelled.json()["meeting_link"] is None
        cal = icalendar.Calendar.from_ical(client.get(booking["ics_url"], headers=h["advisor"]).content)
        assert str(cal["METHOD"]) == "CANCEL"

    def test_the_same_slot_twice_is_a_409_with_the_reason(self, client, h, session: Session, login) -> None:  # type: ignore[no-untyped-def]
        _publish(client, h["advisor"])
        slot = _slot(client, h["exporter"])
        assert _book(client, h["exporter"], slot).status_code == 201
        rival = login(make_user(session, Role.exporter, company_id=make_company(session).id))
        r = _book(client, rival, slot)
        assert r.status_code == 409, r.text
        assert (
            r.json()["error"] == "Conflict" and "the advisor already has a consultation" in r.json()["detail"]
        )
        mine_again = _book(client, h["exporter"], slot)
        assert mine_again.status_code == 409
        assert client.get("/api/consultations/bookings", headers=rival).json()["total"] == 0

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"starts_at": "2030-01-07T09:00:00"}, "starts_at"),  # no UTC offset
            ({"topic": "gossip"}, "topic"),
            ({"availability_id": "one"}, "availability_id"),
            ({"extra": 1}, "extra"),
            ({"topic": "logistics"}, "topic"),  # not offered by this office
            ({"market": "DE"}, "market"),
            ({"availability_id": 999_999}, "availability_id"),
        ],
    )
    def test_bad_bookings_are_422(self, client, h, change: dict, field: str) -> None:  # type: ignore[no-untyped-def]
        _publish(client, h["advisor"])
        slot = _slot(client, h["exporter"])
        r = _book(client, h["exporter"], slot, **change)
        assert r.status_code == 422, r.text
        assert r.json()["field"] == field
        assert client.get("/api/consultations/bookings", headers=h["exporter"]).json()["total"] == 0

    def test_a_start_off_the_grid_is_422(self, client, h) -> None:  # type: ignore[no-untyped-def]
        _publish(client, h["advisor"])
        slot = _slot(client, h["exporter"])
        start = datetime.fromisoformat(slot["starts_at"]) + timedelta(minutes=10)
        r = _book(client, h["exporter"], slot, starts_at=start.isoformat())
        assert r.status_code == 422 and "not one of the published" in r.json()["detail"]

    def test_an_exporter_books_only_for_its_own_company(self, client, h, session: Session) -> None:  # type: ignore[no-untyped-def]
        _publish(client, h["advisor"])
        slot = _slot(client, h["exporter"])
        r = _book(client, h["exporter"], slot, company_id=make_company(session).id)
        assert r.status_code == 403 and r.json()["error"] == "PermissionDenied"

    def test_others_cannot_see_a_booking(self, client, h, session: Session, login) -> None:  # type: ignore[no-untyped-def]
        _publish(client, h["advisor"])
        booking = _book(client, h["exporter"], _slot(client, h["exporter"])).json()
        url = f"/api/consultations/bookings/{booking['id']}"
        for outsider in (
            login(make_user(session, Role.advisor)),
            login(make_user(session, Role.exporter, company_id=make_company(session).id)),
            login(make_user(session, Role.buyer)),
        ):
            for r in (
                client.get(url, headers=outsider),
                client.get(f"{url}/invite.ics", headers=outsider),
                client.post(f"{url}/cancel", headers=outsider),
            ):
                assert r.status_code == 403, r.text
        admin = login(make_user(session, Role.admin))
        assert client.get(url, headers=admin).status_code == 200
        assert client.get("/api/consultations/bookings/999999", headers=admin).status_code == 404

    def test_decline_frees_the_slot(self, client, h) -> None:  # type: ignore[no-untyped-def]
        _publish(client, h["advisor"])
        slot = _slot(client, h["exporter"])
        booking = _book(client, h["exporter"], slot).json()
        r = client.post(
            f"/api/consultations/bookings/{booking['id']}/decline",
            json={"reason": "출장 중"},
            headers=h["advisor"],
        )
        assert (
            r.status_code == 200
            and r.json()["status"] == "declined"
            and r.json()["status_reason"] == "출장 중"
        )
        assert _book(client, h["exporter"], slot).status_code == 201

    def test_deleting_an_availability_with_upcoming_bookings_is_409(self, client, h) -> None:  # type: ignore[no-untyped-def]
        created = _publish(client, h["advisor"])
        _book(client, h["exporter"], _slot(client, h["exporter"]))
        r = client.delete(f"/api/consultations/availabilities/{created['id']}", headers=h["advisor"])
        assert r.status_code == 409 and "upcoming consultation" in r.json()["detail"]

    def test_lists_filter_by_status(self, client, h) -> None:  # type: ignore[no-untyped-def]
        _publish(client, h["advisor"])
        _book(client, h["exporter"], _slot(client, h["exporter"]))
        for who in ("advisor", "exporter"):
            r = client.get("/api/consultations/bookings", params={"status": "requested"}, headers=h[who])
            assert r.json()["total"] == 1
        r = client.get("/api/consultations/bookings", params={"status": "confirmed"}, headers=h["advisor"])
        assert r.json()["total"] == 0
        assert (
            client.get(
                "/api/consultations/bookings", params={"status": "x"}, headers=h["advisor"]
            ).status_code
            == 422
        )


class TestOpenAPI:
    def test_every_endpoint_is_documented(self, client) -> None:  # type: ignore[no-untyped-def]
        paths = client.get("/openapi.json").json()["paths"]
        expected = {
            ("/api/consultations/availabilities", "get"),
            ("/api/consultations/availabilities", "post"),
            ("/api/consultations/availabilities/{availability_id}", "get"),
            ("/api/consultations/availabilities/{availability_id}", "patch"),
            ("/api/consultations/availabilities/{availability_id}", "delete"),
            ("/api/consultations/slots", "get"),
            ("/api/consultations/bookings", "get"),
            ("/api/consultations/bookings", "post"),
            ("/api/consultations/bookings/{booking_id}", "get"),
            ("/api/consultations/bookings/{booking_id}/confirm", "post"),
            ("/api/consultations/bookings/{booking_id}/decline", "post"),
            ("/api/consultations/bookings/{booking_id}/cancel", "post"),
            ("/api/consultations/bookings/{booking_id}/invite.ics", "get"),
        }
        for path, method in expected:
            operation = paths[path][method]
            assert operation["summary"] and operation["tags"] == ["consultations"]
        assert (
            "text/calendar"
            in paths["/api/consultations/bookings/{booking_id}/invite.ics"]["get"]["responses"]["200"][
                "content"
            ]
        )
