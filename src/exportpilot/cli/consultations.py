"""`exportpilot consultations ...`: the online consultation room from the command line.

Each command is one unit of work. ``--as EMAIL`` acts as that user (and their access rules); without it
the operator acts as an admin. Bad input exits with code 2, refusals and conflicts with code 1; either
way nothing is written.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table
from sqlalchemy.orm import Session

from exportpilot.consultations import service
from exportpilot.consultations.endpoints import availability_read, booking_read, slot_read
from exportpilot.consultations.schemas import (
    AvailabilityCreate,
    AvailabilityFilter,
    BookingCreate,
    BookingFilter,
    SlotQuery,
)
from exportpilot.consultations.timeslots import parse_windows, zone
from exportpilot.db.session import unit_of_work
from exportpilot.errors import ExportPilotError, InvalidInput
from exportpilot.kit.pagination import PageParams
from exportpilot.models import ConsultationStatus, ConsultationTopic, User
from exportpilot.users.repository import UserRepository

app = typer.Typer(
    help="The online consultation room: advisors' availability at overseas offices, video consultations.",
    no_args_is_help=True,
)
availability_app = typer.Typer(help="Advisors' published availability.", no_args_is_help=True)
app.add_typer(availability_app, name="availability")
console = Console()
err_console = Console(stderr=True)

EXIT_REFUSED = 1
EXIT_BAD_INPUT = 2

AsUser = Annotated[
    str | None, typer.Option("--as", help="Act as this user (e-mail); default: the operator, as an admin.")
]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON.")]


@app.callback()
def main() -> None:
    """The online consultation room: advisors' availability at overseas offices, video consultations."""


@contextmanager
def _work() -> Iterator[Session]:
    """One unit of work; domain errors become a message and an exit code, and nothing is written."""
    try:
        with unit_of_work() as session:
            yield session
    except InvalidInput as exc:
        err_console.print(f"[red]{exc.error}[/red]: {exc.message}")
        raise typer.Exit(EXIT_BAD_INPUT) from exc
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'input'}: {e['msg']}" for e in exc.errors()
        )
        err_console.print(f"[red]InvalidInput[/red]: {problems}")
        raise typer.Exit(EXIT_BAD_INPUT) from exc
    except ExportPilotError as exc:
        err_console.print(f"[red]{exc.error}[/red]: {exc.message}")
        raise typer.Exit(EXIT_REFUSED) from exc


def _user(session: Session, email: str | None, what: str = "--as") -> User | None:
    if not email:
        return None
    user = UserRepository(session).by_email(email)
    if user is None:
        raise InvalidInput(f"{what}: no user {email}")
    return user


def _print_json(payload: Any) -> None:
    typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))


def _local(value: datetime, tz: str) -> str:
    local = value.astimezone(ZoneInfo(tz))
    return f"{local:%a %Y-%m-%d %H:%M} ({tz})"


# Availability ----------------------------------------------------------------------------------------------


@availability_app.command("add")
def availability_add(
    advisor: Annotated[
        str | None, typer.Option("--advisor", help="The advisor's e-mail (default: --as).")
    ] = None,
    office: Annotated[str, typer.Option("--office", help="The overseas office, e.g. '호치민무역관'.")] = "",
    city: Annotated[str, typer.Option("--city", help="The office's city.")] = "",
    country: Annotated[str, typer.Option("--country", help="The office's country (ISO 3166-1).")] = "",
    timezone: Annotated[str, typer.Option("--timezone", help="IANA time zone, e.g. Asia/Ho_Chi_Minh.")] = "",
    window: Annotated[
        list[str],
        typer.Option(
            "--window",
            help="'mon 09:00-12:00', '월 09:00-12:00' or '2026-03-10 21:00-01:00' (local time; an end at or "
            "before the start is the next day). Repeat for more.",
        ),
    ] = [],  # noqa: B006 - typer reads the default, it is never mutated
    slot_minutes: Annotated[int, typer.Option("--slot-minutes", help="Length of a slot.")] = 30,
    language: Annotated[list[str], typer.Option("--language", help="ISO 639-1; repeat.")] = [],  # noqa: B006
    topic: Annotated[list[ConsultationTopic], typer.Option("--topic", help="Repeat; none: any.")] = [],  # noqa: B006
    market: Annotated[list[str], typer.Option("--market", help="Countries covered; repeat.")] = [],  # noqa: B006
    valid_from: Annotated[str | None, typer.Option("--from", help="First day (YYYY-MM-DD).")] = None,
    valid_until: Annotated[str | None, typer.Option("--until", help="Last day (YYYY-MM-DD).")] = None,
    note: Annotated[str | None, typer.Option("--note", help="A note shown to exporters.")] = None,
    as_user: AsUser = None,
    as_json: AsJson = False,
) -> None:
    """Publish an advisor's availability at an overseas office."""
    with _work() as session:
        actor = _user(session, as_user)
        owner = _user(session, advisor, "--advisor")
        data = AvailabilityCreate.model_validate(
            {
                "advisor_id": owner.id if owner else None,
                "office": office,
                "city": city,
                "country_code": country,
                "timezone": timezone,
                "slot_minutes": slot_minutes,
                "languages": language,
                "topics": topic,
                "markets": market,
                "valid_from": valid_from,
                "valid_until": valid_until,
                "note": note,
                "windows": [
                    {"weekday": w.weekday, "date": w.on_date, "start": w.start, "end": w.end}
                    for w in parse_windows(window)
                ],
            }
        )
        availability = service.create_availability(session, data=data, actor=actor)
        read = availability_read(session, availability)
    if as_json:
        _print_json(read.model_dump(mode="json"))
        return
    labels = ", ".join(w.label for w in read.windows)
    console.print(
        f"[green]published[/green] availability {read.id}: {read.advisor_name}, {read.office} "
        f"({read.timezone}), {read.slot_minutes}-minute slots: {labels}",
        soft_wrap=True,
    )


@availability_app.command("list")
def availability_list(
    advisor: Annotated[str | None, typer.Option("--advisor", help="Only this advisor's (e-mail).")] = None,
    market: Annotated[
        str | None, typer.Option("--market", help="Only offices covering this country.")
    ] = None,
    as_user: AsUser = None,
    as_json: AsJson = False,
) -> None:
    """List published availability."""
    with _work() as session:
        actor = _user(session, as_user)
        owner = _user(session, advisor, "--advisor")
        filters = AvailabilityFilter(advisor_id=owner.id if owner else None, market=market)
        items = [
            availability_read(session, a)
            for a in service.list_availabilities(session, actor=actor, filters=filters)
        ]
    if as_json:
        _print_json([a.model_dump(mode="json") for a in items])
        return
    table = Table("id", "advisor", "office", "time zone", "slot", "windows", "markets", "active")
    for a in items:
        table.add_row(
            str(a.id),
            a.advisor_name,
            f"{a.office}, {a.city}",
            a.timezone,
            f"{a.slot_minutes} min",
            "\n".join(w.label for w in a.windows),
            " ".join(a.markets),
            "yes" if a.is_active else "no",
        )
    console.print(table)


@availability_app.command("remove")
def availability_remove(
    availability_id: Annotated[int, typer.Argument(help="The availability.")],
    as_user: AsUser = None,
) -> None:
    """Withdraw an availability (refused while it has upcoming consultations)."""
    with _work() as session:
        service.delete_availability(session, availability_id=availability_id, actor=_user(session, as_user))
    console.print(f"[green]removed[/green] availability {availability_id}")


# Slots and bookings ----------------------------------------------------------------------------------------


@app.command("slots")
def slots(
    advisor: Annotated[str | None, typer.Option("--advisor", help="Only this advisor (e-mail).")] = None,
    availability: Annotated[
        int | None, typer.Option("--availability", help="Only this availability.")
    ] = None,
    market: Annotated[str | None, typer.Option("--market", help="Offices covering this country.")] = None,
    topic: Annotated[ConsultationTopic | None, typer.Option("--topic", help="Offering this topic.")] = None,
    language: Annotated[str | None, typer.Option("--language", help="Speaking this language.")] = None,
    first: Annotated[str | None, typer.Option("--from", help="First day, in --tz (default: today).")] = None,
    days: Annotated[int, typer.Option("--days", help="How many days (1-31).")] = 14,
    tz: Annotated[str | None, typer.Option("--tz", help="Your IANA time zone (default: Asia/Seoul).")] = None,
    as_user: AsUser = None,
    as_json: AsJson = False,
) -> None:
    """List bookable slots in your time zone and the advisor's."""
    with _work() as session:
        actor = _user(session, as_user)
        owner = _user(session, advisor, "--advisor")
        query = SlotQuery.model_validate(
            {
                "advisor_id": owner.id if owner else None,
                "availability_id": availability,
                "market": market,
                "topic": topic,
                "language": language,
                "from": first,
                "days": days,
                "tz": tz,
            }
        )
        zone_, start, found = service.list_slots(session, actor=actor, query=query)
        reads = [slot_read(s, zone_.key) for s in found]
    if as_json:
        _print_json(
            {
                "timezone": zone_.key,
                "from": start.isoformat(),
                "days": days,
                "slots": [r.model_dump(mode="json") for r in reads],
            }
        )
        return
    table = Table(
        f"your time ({zone_.key})",
        "advisor's time",
        "advisor",
        "office",
        "availability",
        title=f"{len(reads)} slots",
    )
    for r in reads:
        table.add_row(
            f"{r.exporter.start:%a %Y-%m-%d %H:%M}–{r.exporter.end:%H:%M}",
            f"{r.advisor.start:%a %H:%M} {r.advisor.timezone} ({r.advisor.offset})",
            r.advisor_name,
            f"{r.office}, {r.city}",
            str(r.availability_id),
        )
    console.print(table)
    if reads:
        console.print(
            f"book one: exportpilot consultations book --availability {reads[0].availability_id} "
            f"--start {reads[0].starts_at.isoformat()} --topic market_entry",
            soft_wrap=True,
        )


def _start(value: str, tz: str | None) -> datetime:
    try:
        start = datetime.fromisoformat(value)
    except ValueError as exc:
        raise InvalidInput(f"--start: {value!r} is not an ISO 8601 date and time", field="starts_at") from exc
    if start.tzinfo is None:  # a wall time in the exporter's zone
        start = start.replace(tzinfo=zone(tz or service.default_timezone(), "--tz"))
    return start


@app.command("book")
def book_cmd(
    availability: Annotated[int, typer.Option("--availability", help="The availability offering the slot.")],
    start: Annotated[
        str, typer.Option("--start", help="The slot's start: ISO 8601, with an offset or in --tz.")
    ],
    topic: Annotated[ConsultationTopic, typer.Option("--topic", help="What to talk about.")],
    company: Annotated[
        int | None, typer.Option("--company", help="The firm (staff; exporters: their own).")
    ] = None,
    market: Annotated[
        str | None, typer.Option("--market", help="The market (default: the office's).")
    ] = None,
    language: Annotated[str | None, typer.Option("--language", help="Language of the consultation.")] = None,
    notes: Annotated[str | None, typer.Option("--notes", help="What the advisor should know.")] = None,
    tz: Annotated[str | None, typer.Option("--tz", help="Your IANA time zone (default: Asia/Seoul).")] = None,
    as_user: AsUser = None,
    as_json: AsJson = False,
) -> None:
    """Book a published slot; refused (exit 1) when the advisor or the firm is busy then."""
    with _work() as session:
        actor = _user(session, as_user)
        data = BookingCreate.model_validate(
            {
                "availability_id": availability,
                "starts_at": _start(start, tz),
                "topic": topic,
                "company_id": company,
                "market": market,
                "language": language,
                "notes": notes,
                "exporter_timezone": tz,
            }
        )
        read = booking_read(session, service.book(session, data=data, actor=actor))
    if as_json:
        _print_json(read.model_dump(mode="json"))
        return
    console.print(
        f"[green]requested[/green] consultation {read.id} with {read.advisor.name} ({read.office}): "
        f"{_local(read.starts_at, read.exporter.timezone)} = "
        f"{_local(read.starts_at, read.advisor_local.timezone)}",
        soft_wrap=True,
    )


@app.command("bookings")
def bookings(
    status: Annotated[
        ConsultationStatus | None, typer.Option("--status", help="Only in this status.")
    ] = None,
    upcoming: Annotated[bool, typer.Option("--upcoming", help="Only those not over yet.")] = False,
    as_user: AsUser = None,
    as_json: AsJson = False,
) -> None:
    """List the consultations you are party to (the operator: all)."""
    with _work() as session:
        actor = _user(session, as_user)
        items, total = service.list_bookings(
            session,
            actor=actor,
            filters=BookingFilter(status=status, upcoming=upcoming or None),
            params=PageParams(page=1, size=200),
        )
        reads = [booking_read(session, b) for b in items]
    if as_json:
        _print_json({"total": total, "items": [r.model_dump(mode="json") for r in reads]})
        return
    table = Table(
        "id",
        "status",
        "exporter's time",
        "advisor's time",
        "firm",
        "advisor",
        "link",
        title=f"{total} consultations",
    )
    for r in reads:
        table.add_row(
            str(r.id),
            r.status.value,
            _local(r.starts_at, r.exporter.timezone),
            _local(r.starts_at, r.advisor_local.timezone),
            r.company_name_en,
            f"{r.advisor.name} ({r.office})",
            r.meeting_link or "",
        )
    console.print(table)


def _decision(verb: str, booking_id: int, as_user: str | None, reason: str | None) -> None:
    with _work() as session:
        actor = _user(session, as_user)
        if verb == "confirm":
            booking = service.confirm_booking(session, booking_id=booking_id, actor=actor, note=reason)
        elif verb == "decline":
            booking = service.decline_booking(session, booking_id=booking_id, actor=actor, reason=reason)
        else:
            booking = service.cancel_booking(session, booking_id=booking_id, actor=actor, reason=reason)
        status, link = booking.status.value, service.shown_link(booking)
    console.print(f"[green]{status}[/green] consultation {booking_id}" + (f": {link}" if link else ""))


@app.command("confirm")
def confirm(
    booking_id: Annotated[int, typer.Argument(help="The consultation.")],
    note: Annotated[str | None, typer.Option("--note", help="A note to the exporter.")] = None,
    as_user: AsUser = None,
) -> None:
    """Confirm a requested consultation (its advisor or an admin); prints the meeting link."""
    _decision("confirm", booking_id, as_user, note)


@app.command("decline")
def decline(
    booking_id: Annotated[int, typer.Argument(help="The consultation.")],
    reason: Annotated[str | None, typer.Option("--reason", help="Why.")] = None,
    as_user: AsUser = None,
) -> None:
    """Decline a requested consultation (its advisor or an admin)."""
    _decision("decline", booking_id, as_user, reason)


@app.command("cancel")
def cancel(
    booking_id: Annotated[int, typer.Argument(help="The consultation.")],
    reason: Annotated[str | None, typer.Option("--reason", help="Why.")] = None,
    as_user: AsUser = None,
) -> None:
    """Cancel a requested or confirmed consultation (either side)."""
    _decision("cancel", booking_id, as_user, reason)


@app.command("invite")
def invite(
    booking_id: Annotated[int, typer.Argument(help="The consultation.")],
    out: Annotated[Path | None, typer.Option("--out", help="Write the .ics here (default: stdout).")] = None,
    as_user: AsUser = None,
) -> None:
    """Write the consultation's iCalendar invite (REQUEST, or CANCEL once declined or cancelled)."""
    with _work() as session:
        name, content = service.invite(session, booking_id=booking_id, actor=_user(session, as_user))
    if out is None:
        sys.stdout.buffer.write(content)
        sys.stdout.flush()
        return
    out.write_bytes(content)
    console.print(f"wrote {out} ({name})")
