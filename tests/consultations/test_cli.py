"""`exportpilot consultations ...` against a fresh migrated database, through the real `exportpilot` app."""

from __future__ import annotations

import json
from datetime import datetime, timedelta
from pathlib import Path

import icalendar
import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import sessionmaker
from typer.testing import CliRunner

from exportpilot.cli.main import app
from exportpilot.db.session import unit_of_work
from exportpilot.models import AdvisorAvailability, Company, ConsultationBooking, Role
from exportpilot.reference.loader import load_reference
from tests.factories import make_company, make_user

runner = CliRunner()
ADVISOR = "hcmc@agency.example"
EXPORTER = "export@hanbit.example"
RIVAL = "export@rival.example"
EVERY_DAY = [
    w for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun") for w in ("--window", f"{d} 09:00-17:00")
]


@pytest.fixture
def db(cli_engine: Engine) -> Engine:
    with unit_of_work(sessionmaker(bind=cli_engine)) as s:
        load_reference(s)
        make_user(s, Role.advisor, email=ADVISOR, full_name="박상담")
        make_user(s, Role.exporter, email=EXPORTER, company_id=make_company(s, name_en="Hanbit").id)
        make_user(s, Role.exporter, email=RIVAL, company_id=make_company(s, name_en="Rival").id)
    return cli_engine


def run(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["consultations", *args])


def _count(engine: Engine, model: type) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(func.count()).select_from(model)) or 0)


def _publish(*extra: str) -> int:
    result = run(
        "availability", "add", "--as", ADVISOR, "--office", "호치민무역관", "--city", "Ho Chi Minh City",
        "--country", "VN", "--timezone", "Asia/Ho_Chi_Minh", *EVERY_DAY, "--language", "ko", "--json", *extra,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return int(json.loads(result.stdout)["id"])


def _first_slot(as_user: str = EXPORTER) -> dict:
    result = run("slots", "--as", as_user, "--days", "7", "--json")
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["timezone"] == "Asia/Seoul" and payload["slots"]
    # Not the very first slot: it may start within seconds of the minimum-notice cut-off.
    cutoff = datetime.fromisoformat(payload["slots"][0]["starts_at"]) + timedelta(hours=1)
    return next(s for s in payload["slots"] if datetime.fromisoformat(s["starts_at"]) >= cutoff)


class TestAvailability:
    def test_add_and_list(self, db: Engine) -> None:
        availability_id = _publish("--topic", "certification", "--market", "VNM", "--market", "KH")
        result = run("availability", "list", "--json")
        assert result.exit_code == 0, result.output
        [item] = json.loads(result.stdout)
        assert item["id"] == availability_id and item["advisor_name"] == "박상담"
        assert item["markets"] == ["VNM", "KHM"] and item["topics"] == ["certification"]
        assert [w["label"] for w in item["windows"]][:2] == ["mon 09:00-17:00", "tue 09:00-17:00"]
        table = run("availability", "list")  # a rich table, wrapped to the terminal
        assert table.exit_code == 0 and "Asia/" in table.output

    @pytest.mark.parametrize(
        ("change", "reason"),
        [
            ({"--timezone": "Saigon"}, "not an IANA time zone"),
            ({"--window": "someday 09:00-10:00"}, "neither a weekday"),
            ({"--slot-minutes": "5"}, "slot_minutes"),
            ({"--country": "XX"}, "unknown country"),
        ],
    )
    def test_bad_input_exits_2_and_writes_nothing(
        self, db: Engine, change: dict[str, str], reason: str
    ) -> None:
        options = {
            "--office": "호치민무역관", "--city": "HCMC", "--country": "VN", "--timezone": "Asia/Ho_Chi_Minh",
            "--slot-minutes": "30", "--window": "mon 09:00-12:00",
        }  # fmt: skip
        options.update(change)
        result = run("availability", "add", "--as", ADVISOR, *[x for kv in options.items() for x in kv])
        assert result.exit_code == 2, result.output
        assert reason in " ".join(result.output.split())
        assert _count(db, AdvisorAvailability) == 0

    def test_an_exporter_may_not_publish(self, db: Engine) -> None:
        result = run(
            "availability", "add", "--as", EXPORTER, "--office", "X", "--city", "X", "--country", "VN",
            "--timezone", "Asia/Ho_Chi_Minh", "--window", "mon 09:00-12:00",
        )  # fmt: skip
        assert result.exit_code == 1
        assert "PermissionDenied" in result.output
        assert _count(db, AdvisorAvailability) == 0

    def test_an_unknown_user_is_bad_input(self, db: Engine) -> None:
        result = run("slots", "--as", "nobody@example.com")
        assert result.exit_code == 2 and "no user nobody@example.com" in result.output

    def test_remove(self, db: Engine) -> None:
        availability_id = _publish()
        assert run("availability", "remove", str(availability_id), "--as", ADVISOR).exit_code == 0
        assert _count(db, AdvisorAvailability) == 0


class TestBookingFlow:
    def test_slots_book_confirm_invite_cancel(self, db: Engine, tmp_path: Path) -> None:
        _publish()
        slot = _first_slot()
        assert (
            slot["exporter"]["timezone"] == "Asia/Seoul" and slot["advisor"]["timezone"] == "Asia/Ho_Chi_Minh"
        )
        seoul = datetime.fromisoformat(slot["exporter"]["start"])
        hcmc = datetime.fromisoformat(slot["advisor"]["start"])
        assert seoul == hcmc and seoul.hour - hcmc.hour == 2  # the same instant, two hours apart on the clock

        # A wall time without offset is read in --tz (default Asia/Seoul).
        wall = seoul.replace(tzinfo=None).isoformat(timespec="minutes")
        booked = run(
            "book", "--as", EXPORTER, "--availability", str(slot["availability_id"]), "--start", wall,
            "--topic", "market_entry", "--notes", "베트남 진출 상담", "--json",
        )  # fmt: skip
        assert booked.exit_code == 0, booked.output
        booking = json.loads(booked.stdout)
        assert booking["status"] == "requested" and booking["meeting_link"] is None

        again = run(
            "book", "--as", RIVAL, "--availability", str(slot["availability_id"]),
            "--start", slot["starts_at"], "--topic", "market_entry",
        )  # fmt: skip
        assert again.exit_code == 1
        assert "Conflict" in again.output and "already has a consultation" in " ".join(again.output.split())

        denied = run("confirm", str(booking["id"]), "--as", EXPORTER)
        assert denied.exit_code == 1 and "PermissionDenied" in denied.output
        confirmed = run("confirm", str(booking["id"]), "--as", ADVISOR)
        assert confirmed.exit_code == 0, confirmed.output
        assert f"https://meet.jit.si/exportpilot-{booking['id']}-" in confirmed.output

        listed = json.loads(run("bookings", "--as", EXPORTER, "--json").stdout)
        assert listed["total"] == 1 and listed["items"][0]["meeting_link"].startswith("https://meet.jit.si/")
        assert json.loads(run("bookings", "--as", RIVAL, "--json").stdout)["total"] == 0

        ics = tmp_path / "invite.ics"
        assert run("invite", str(booking["id"]), "--as", EXPORTER, "--out", str(ics)).exit_code == 0
        event = icalendar.Calendar.from_ical(ics.read_bytes()).walk("VEVENT")[0]
        assert str(event["STATUS"]) == "CONFIRMED" and event.decoded("DTSTART") == seoul

        assert run("cancel", str(booking["id"]), "--as", ADVISOR, "--reason", "출장").exit_code == 0
        stdout = run("invite", str(booking["id"]), "--as", EXPORTER)
        cal = icalendar.Calendar.from_ical(stdout.stdout_bytes)
        assert str(cal["METHOD"]) == "CANCEL"
        assert run("invite", str(booking["id"]), "--as", RIVAL).exit_code == 1

    def test_a_start_that_is_not_a_slot_exits_2(self, db: Engine) -> None:
        availability_id = _publish()
        slot = _first_slot()
        start = datetime.fromisoformat(slot["starts_at"]).replace(minute=7)
        result = run(
            "book", "--as", EXPORTER, "--availability", str(availability_id), "--start", start.isoformat(),
            "--topic", "other",
        )  # fmt: skip
        assert result.exit_code == 2 and "not one of the published" in " ".join(result.output.split())
        garbage = run(
            "book", "--as", EXPORTER, "--availability", "1", "--start", "tomorrow", "--topic", "other"
        )
        assert garbage.exit_code == 2 and "ISO 8601" in garbage.output
        assert _count(db, ConsultationBooking) == 0

    def test_the_operator_books_for_a_named_company(self, db: Engine) -> None:
        availability_id = _publish()
        slot = _first_slot(ADVISOR)
        args = [
            "book",
            "--availability",
            str(availability_id),
            "--start",
            slot["starts_at"],
            "--topic",
            "logistics",
        ]
        missing = run(*args)
        assert missing.exit_code == 2 and "company_id" in missing.output
        assert _count(db, ConsultationBooking) == 0
        with db.connect() as conn:
            company_id = conn.scalar(select(Company.id).where(Company.name_en == "Hanbit"))
        ok = run(*args, "--company", str(company_id), "--json")
        assert ok.exit_code == 0, ok.output
        booking = json.loads(ok.stdout)
        assert booking["company_id"] == company_id and booking["requested_by"] is None

    def test_help_lists_every_command(self) -> None:
        result = runner.invoke(app, ["consultations", "--help"])
        for name in ("availability", "slots", "book", "bookings", "confirm", "decline", "cancel", "invite"):
            assert name in result.output
        for sub in ("add", "list", "remove"):
            assert runner.invoke(app, ["consultations", "availability", sub, "--help"]).exit_code == 0
