"""Access to events (auth/policy.py): organisers are staff; a buyer or an exporter sees only its own
participation. One test per denial, through the API."""

from __future__ import annotations

from sqlalchemy.orm import Session

from exportpilot.events import service
from exportpilot.events.schemas import EventCreate, RequestCreate
from exportpilot.models import EventStatus, Role
from tests.events.conftest import World, build_world
from tests.factories import make_user


def _request(session: Session, w: World, b: int = 0, e: int = 0):
    data = RequestCreate(buyer_participant_id=w.buyers[b].id, exporter_participant_id=w.exporters[e].id)
    return service.request_meeting(session, event_id=w.event.id, data=data, actor=w.buyer_users[b])


def _scheduled(session: Session, w: World):
    r = _request(session, w)
    service.respond(session, request_id=r.id, accept=True, actor=w.exporter_users[0])
    service.run_schedule(session, event_id=w.event.id, actor=w.advisor, time_limit=1)
    return r, service.EventRepository(session).meeting_of_request(r.id)


class TestDenials:
    def test_an_exporter_does_not_create_events(self, client, session: Session, login) -> None:
        user = make_user(session, Role.exporter)
        r = client.post("/api/events", json={"name": "Mine"}, headers=login(user))
        assert r.status_code == 403 and r.json()["error"] == "PermissionDenied"

    def test_a_buyer_does_not_see_a_draft_event(self, client, session: Session, login) -> None:
        w = build_world(session, status=EventStatus.draft)
        r = client.get(f"/api/events/{w.event.id}", headers=login(w.buyer_users[0]))
        assert r.status_code == 404
        listed = client.get("/api/events", headers=login(w.buyer_users[0])).json()
        assert w.event.id not in [e["id"] for e in listed]

    def test_a_buyer_does_not_register_another_buyer(
        self, client, session: Session, world: World, login
    ) -> None:
        other = make_user(session, Role.buyer)  # no buyer record of its own
        body = {"kind": "buyer", "buyer_id": world.buyers[0].buyer_id}
        r = client.post(f"/api/events/{world.event.id}/participants", json=body, headers=login(other))
        assert r.status_code == 403

    def test_a_buyer_does_not_request_as_another_buyer(
        self, client, session: Session, world: World, login
    ) -> None:
        body = {"buyer_participant_id": world.buyers[1].id, "exporter_participant_id": world.exporters[0].id}
        r = client.post(
            f"/api/events/{world.event.id}/requests", json=body, headers=login(world.buyer_users[0])
        )
        assert r.status_code == 403

    def test_the_asking_side_does_not_accept_its_own_request(
        self, client, session: Session, world: World, login
    ) -> None:
        req = _request(session, world)
        r = client.post(
            f"/api/events/{world.event.id}/requests/{req.id}/accept", headers=login(world.buyer_users[0])
        )
        assert r.status_code == 403

    def test_the_asked_side_does_not_withdraw_the_request(
        self, client, session: Session, world: World, login
    ) -> None:
        req = _request(session, world)
        r = client.post(
            f"/api/events/{world.event.id}/requests/{req.id}/withdraw", headers=login(world.exporter_users[0])
        )
        assert r.status_code == 403

    def test_a_third_party_does_not_see_a_request(
        self, client, session: Session, world: World, login
    ) -> None:
        req = _request(session, world)
        headers = login(world.buyer_users[1])
        assert (
            client.post(
                f"/api/events/{world.event.id}/requests/{req.id}/decline", headers=headers
            ).status_code
            == 404
        )
        listed = client.get(f"/api/events/{world.event.id}/requests", headers=headers).json()
        assert listed == []

    def test_a_buyer_does_not_see_another_participants_agenda(
        self, client, session: Session, world: World, login
    ) -> None:
        url = f"/api/events/{world.event.id}/participants/{world.buyers[1].id}/agenda"
        assert client.get(url, headers=login(world.buyer_users[0])).status_code == 404
        assert client.get(url, params={"format": "pdf"}, headers=login(world.outsider)).status_code == 404

    def test_participants_do_not_see_the_grid_or_the_csv(
        self, client, session: Session, world: World, login
    ) -> None:
        headers = login(world.exporter_users[0])
        assert client.get(f"/api/events/{world.event.id}/grid", headers=headers).status_code == 403
        assert client.get(f"/api/events/{world.event.id}/schedule.csv", headers=headers).status_code == 403

    def test_participants_do_not_run_or_confirm_the_schedule(
        self, client, session: Session, world: World, login
    ) -> None:
        headers = login(world.buyer_users[0])
        assert client.post(f"/api/events/{world.event.id}/schedule", headers=headers).status_code == 403
        assert client.post(f"/api/events/{world.event.id}/confirm", headers=headers).status_code == 403
        assert (
            client.post(f"/api/events/{world.event.id}/recommendations", headers=headers).status_code == 403
        )

    def test_participants_do_not_plan_slots(self, client, session: Session, world: World, login) -> None:
        body = {"days": ["2026-12-10"]}
        r = client.post(
            f"/api/events/{world.event.id}/slots/plan", json=body, headers=login(world.exporter_users[0])
        )
        assert r.status_code == 403

    def test_a_third_party_does_not_cancel_a_meeting(
        self, client, session: Session, world: World, login
    ) -> None:
        _, meeting = _scheduled(session, world)
        r = client.post(
            f"/api/events/{world.event.id}/meetings/{meeting.id}/cancel",
            headers=login(world.exporter_users[1]),
        )
        assert r.status_code == 404
        assert meeting.status.value == "scheduled"

    def test_a_user_does_not_read_someone_elses_notification(
        self, client, session: Session, world: World, login
    ) -> None:
        _request(session, world)
        note = service.list_notifications(session, actor=world.exporter_users[0])[0]
        r = client.post(f"/api/events/notifications/{note.id}/read", headers=login(world.exporter_users[1]))
        assert r.status_code == 404
        assert client.get("/api/events/notifications", headers=login(world.exporter_users[1])).json() == []

    def test_participants_do_not_read_the_events_notification_log(
        self, client, session: Session, world: World, login
    ) -> None:
        r = client.get(f"/api/events/{world.event.id}/notifications", headers=login(world.buyer_users[0]))
        assert r.status_code == 403

    def test_anonymous_requests_are_refused(self, client, world: World) -> None:
        assert client.get("/api/events").status_code == 401


class TestAllowed:
    def test_an_advisor_organises_and_a_buyer_registers_itself(
        self, client, session: Session, world: World, login
    ) -> None:
        advisor = make_user(session, Role.advisor)
        r = client.post(
            "/api/events",
            json={"name": "Trade mission Hanoi", "type": "trade_mission"},
            headers=login(advisor),
        )
        assert r.status_code == 201
        service.update_event(
            session, event_id=r.json()["id"], data=service.EventUpdate(status="open"), actor=advisor
        )
        body = {"kind": "buyer", "buyer_id": world.outsider.buyer_id}
        r2 = client.post(
            f"/api/events/{r.json()['id']}/participants", json=body, headers=login(world.outsider)
        )
        assert r2.status_code == 201, r2.text

    def test_the_cli_operator_is_staff(self, session: Session) -> None:
        event = service.create_event(session, data=EventCreate(name="CLI"), actor=None)
        assert service.get_event(session, event_id=event.id, actor=None) is event
