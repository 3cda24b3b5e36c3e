"""`exportpilot events create|register|request|respond|run|confirm|export|agenda|list` on a real database."""

from __future__ import annotations

from pathlib import Path

import pytest
from icalendar import Calendar
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from exportpilot.cli.events import app
from exportpilot.cli.reference import app as reference_app
from exportpilot.models import Role
from tests.factories import make_buyer, make_company, make_user

runner = CliRunner()


@pytest.fixture
def seeded(cli_engine: Engine) -> dict[str, int]:
    assert runner.invoke(reference_app, ["load"]).exit_code == 0
    with Session(cli_engine) as session:
        buyer = make_buyer(session, company_name="Saigon Kitchen Co.", languages=["vi", "en"])
        company = make_company(session, name_ko="(주)한빛정밀", name_en="Hanbit Precision")
        make_user(session, Role.buyer, buyer_id=buyer.id, email="buyer@saigon.example", language="en")
        make_user(session, Role.exporter, company_id=company.id, email="export@hanbit.example", language="ko")
        session.commit()
        return {"buyer": buyer.id, "company": company.id}


def ok(args: list[str]) -> str:
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    return result.output


class TestEventCommands:
    def test_the_whole_flow(self, seeded: dict[str, int], tmp_path: Path) -> None:
        out = ok(
            ["create", "--name", "부산 수출상담회", "--venue", "BEXCO", "--tables", "2",
             "--day", "2026-12-09", "--start", "09:00", "--end", "12:00", "--minutes", "30",
             "--break", "10:30-11:00", "--open"]
        )  # fmt: skip
        assert "event 1 created (open) with 5 slots" in out
        assert "participant 1 (buyer)" in ok(["register", "1", "--buyer", str(seeded["buyer"])])
        assert "participant 2 (exporter)" in ok(
            ["register", "1", "--company", str(seeded["company"]), "--languages", "ko en"]
        )
        assert "request 1: requested" in ok(
            [
                "request",
                "1",
                "--buyer",
                "1",
                "--exporter",
                "2",
                "--priority",
                "5",
                "--as",
                "buyer@saigon.example",
            ]
        )
        # The buyer cannot answer its own request; the exporter can.
        denied = runner.invoke(app, ["respond", "1", "--accept", "--as", "buyer@saigon.example"])
        assert denied.exit_code == 1 and "PermissionDenied" in denied.output
        assert "request 1: accepted" in ok(["respond", "1", "--accept", "--as", "export@hanbit.example"])
        out = ok(["run", "1", "--time-limit", "2"])
        assert "scheduled 1 meetings for 1 accepted requests" in out and "gap 0.00%" in out
        assert "1 meetings confirmed" in ok(["confirm", "1"])
        csv_path = tmp_path / "schedule.csv"
        ok(["export", "1", "--out", str(csv_path)])
        lines = csv_path.read_text().splitlines()
        assert lines[0].startswith("buyer_id,exporter_id,slot_id,table") and ",confirmed," in lines[1]
        ics = tmp_path / "a.ics"
        ok(["agenda", "--participant", "1", "--format", "ics", "--out", str(ics)])
        (vevent,) = Calendar.from_ical(ics.read_bytes()).walk("VEVENT")
        assert str(vevent["STATUS"]) == "CONFIRMED" and str(vevent["UID"]) == "request-1.event-1@exportpilot"
        html = ok(["agenda", "--participant", "2", "--format", "html"])
        assert "상담 일정표" in html and "Saigon Kitchen Co." in html
        pdf = tmp_path / "a.pdf"
        ok(["agenda", "--participant", "2", "--format", "pdf", "--out", str(pdf)])
        assert pdf.read_bytes().startswith(b"%PDF-")
        listed = ok(["list"])
        assert "부산 수출상담회" in listed and "1 meetings" in listed

    def test_bad_input_exits_2_naming_the_problem(self, seeded: dict[str, int]) -> None:
        bad_tz = runner.invoke(app, ["create", "--name", "x", "--timezone", "Asia/Atlantis"])
        assert bad_tz.exit_code == 2 and "not an IANA time zone" in bad_tz.output
        bad_break = runner.invoke(
            app, ["create", "--name", "x", "--day", "2026-12-09", "--break", "12:00-11:00"]
        )
        assert bad_break.exit_code == 2 and "ends before it starts" in bad_break.output
        ok(["create", "--name", "y"])
        no_slots = runner.invoke(app, ["run", "1", "--time-limit", "1"])
        assert no_slots.exit_code == 2 and "no slots yet" in no_slots.output
        unknown = runner.invoke(app, ["register", "1", "--buyer", "999999"])
        assert unknown.exit_code == 2 and "no buyer 999999" in unknown.output
        fmt = runner.invoke(app, ["agenda", "--participant", "1", "--format", "docx"])
        assert fmt.exit_code == 2

    def test_help_lists_the_commands(self) -> None:
        out = ok(["--help"])
        for name in (
            "schedule",
            "create",
            "register",
            "request",
            "respond",
            "run",
            "confirm",
            "export",
            "agenda",
        ):
            assert name in out
