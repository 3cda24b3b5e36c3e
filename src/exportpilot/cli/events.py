"""`exportpilot events ...`: export consultation meetings."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.orm import Session

from exportpilot.db.session import unit_of_work
from exportpilot.errors import ExportPilotError, InvalidInput, NotFound
from exportpilot.models import User

app = typer.Typer(
    help="Export consultation meetings: 1:1 meeting schedules, events, requests, agendas.",
    no_args_is_help=True,
)

EXIT_BAD_INPUT = 2


@app.callback()
def main() -> None:
    """Export consultation meetings: 1:1 meeting schedules, events, requests, agendas."""


def _reserve(time_limit: float) -> float:
    """Seconds kept back from the solver for writing the output and exiting."""
    return min(3.0, max(0.4, 0.04 * time_limit))


@app.command("schedule")
def schedule(
    participants: Annotated[
        Path,
        typer.Option(
            "--participants",
            help="CSV: id, kind (buyer|exporter), languages (space-separated ISO 639-1), timezone (IANA), "
            "max_meetings, available_slots (space-separated slot ids; empty = all).",
            dir_okay=False,
        ),
    ],
    slots: Annotated[
        Path,
        typer.Option("--slots", help="CSV: id, start, end (ISO 8601 with a UTC offset).", dir_okay=False),
    ],
    requests: Annotated[
        Path,
        typer.Option(
            "--requests",
            help="CSV: buyer_id, exporter_id, weight (> 0); a pair listed twice keeps its largest weight.",
            dir_okay=False,
        ),
    ],
    tables: Annotated[int, typer.Option("--tables", help="Tables in every slot.", min=1)],
    time_limit: Annotated[
        float,
        typer.Option("--time-limit", help="Seconds for everything, reading and writing included.", min=0.1),
    ],
    out: Annotated[
        Path,
        typer.Option(
            "--out", help="Output CSV: buyer_id, exporter_id, slot_id, table (from 1).", dir_okay=False
        ),
    ],
    interpreters: Annotated[
        Path | None,
        typer.Option(
            "--interpreters",
            help="CSV: language, slot_id, count. Without it, interpretation is not constrained.",
            dir_okay=False,
        ),
    ] = None,
    seed: Annotated[int, typer.Option("--seed", help="Random seed of the search.")] = 0,
    workers: Annotated[int, typer.Option("--workers", help="Solver threads.", min=1)] = 1,
) -> None:
    """Schedule 1:1 meetings: maximise the total weight of the scheduled requests.

    Every slot is in person; slots that overlap count as the same time. A meeting whose sides share no
    language needs an interpreter of one of the buyer's languages. Prints the weight, the proven upper
    bound, the gap and the greedy baseline to stderr. Bad input: a message naming the file and line,
    exit code 2, and no output file.
    """
    started = time.monotonic()
    from exportpilot.events.csvio import load_instance, write_schedule_csv
    from exportpilot.events.scheduler import Scheduler

    def fail(message: str) -> typer.Exit:
        typer.echo(f"error: {message}", err=True)
        return typer.Exit(code=EXIT_BAD_INPUT)

    out_dir = out.parent if str(out.parent) else Path(".")
    if not out_dir.is_dir():
        raise fail(f"--out: the directory {out_dir} does not exist")
    try:
        loaded = load_instance(
            participants=participants,
            slots=slots,
            requests=requests,
            interpreters=interpreters,
            tables=tables,
        )
    except InvalidInput as exc:
        raise fail(exc.message) from exc
    instance = loaded.instance
    if loaded.merged_duplicate_requests:
        typer.echo(
            f"note: {loaded.merged_duplicate_requests} duplicate request(s) for the same pair merged, "
            "keeping the largest weight",
            err=True,
        )
    if loaded.overlapping_slot_pairs:
        typer.echo(
            f"note: {loaded.overlapping_slot_pairs} pair(s) of overlapping slots, treated as the same time",
            err=True,
        )
    if interpreters is None:
        typer.echo("note: no --interpreters file, interpretation is not constrained", err=True)

    budget = time_limit - (time.monotonic() - started) - _reserve(time_limit)
    result = Scheduler(time_limit=max(0.05, budget), seed=seed, workers=workers).solve(instance)
    write_schedule_csv(out, result.meetings, instance)

    share = result.greedy_weight / result.upper_bound if result.upper_bound > 0 else 1.0
    typer.echo(
        f"scheduled {len(result.meetings)} meetings for {len(instance.requests)} requests in "
        f"{time.monotonic() - started:.1f} s -> {out}",
        err=True,
    )
    typer.echo(
        f"weight {result.weight:g}  upper bound {result.upper_bound:.6g}  gap {100 * result.gap:.2f}%  "
        f"greedy {result.greedy_weight:g} ({100 * share:.2f}% of the bound)",
        err=True,
    )


# The events in the database ------------------------------------------------------------------------------
# Each command is one unit of work: it commits when it succeeds and leaves nothing behind when it fails.
# Without --as, the operator at the command line acts as agency staff.


def _db_fail(exc: ExportPilotError) -> typer.Exit:
    typer.echo(f"error: {exc.error}: {exc.message}", err=True)
    return typer.Exit(code=EXIT_BAD_INPUT if isinstance(exc, InvalidInput) else 1)


def _as(session: Session, email: str | None) -> User | None:
    if not email:
        return None
    from exportpilot.users.repository import UserRepository

    user = UserRepository(session).by_email(email)
    if user is None:
        raise NotFound(f"no user {email}")
    return user


def _slot_ids(value: str | None) -> list[int] | None:
    if value is None or not value.strip():
        return None
    try:
        return [int(x) for x in value.replace(",", " ").split()]
    except ValueError as exc:
        raise typer.BadParameter(f"{value!r}: slot ids are whole numbers, space-separated") from exc


AsUser = Annotated[str | None, typer.Option("--as", help="E-mail of the user acting (default: staff).")]


@app.command("list")
def list_cmd(as_user: AsUser = None) -> None:
    """List the events with their status, slots, participants and meetings."""
    from exportpilot.events import service
    from exportpilot.events.repository import EventRepository

    try:
        with unit_of_work() as session:
            repo = EventRepository(session)
            for e in service.list_events(session, actor=_as(session, as_user)):
                meetings = [m for m in repo.meetings(e.id) if m.status.value != "cancelled"]
                typer.echo(
                    f"{e.id}\t{e.status.value}\t{e.type.value}\t{e.name}\t{len(repo.slots(e.id))} slots\t"
                    f"{len(repo.participants(e.id))} participants\t{len(meetings)} meetings"
                )
    except ExportPilotError as exc:
        raise _db_fail(exc) from exc


@app.command("create")
def create_cmd(
    name: Annotated[str, typer.Option("--name", help="The event's name.")],
    type_: Annotated[
        str, typer.Option("--type", help="in_person, trade_mission or online_week.")
    ] = "in_person",
    timezone: Annotated[str, typer.Option("--timezone", help="The venue's IANA time zone.")] = "Asia/Seoul",
    venue: Annotated[str | None, typer.Option("--venue", help="Where it takes place.")] = None,
    tables: Annotated[int, typer.Option("--tables", min=1, help="Tables (or video rooms) per slot.")] = 10,
    day: Annotated[
        list[str] | None, typer.Option("--day", help="A day (YYYY-MM-DD) to plan slots on; repeat for more.")
    ] = None,
    start: Annotated[
        str, typer.Option("--start", help="Daily start (HH:MM) of the planned slots.")
    ] = "09:00",
    end: Annotated[str, typer.Option("--end", help="Daily end (HH:MM) of the planned slots.")] = "17:00",
    minutes: Annotated[int, typer.Option("--minutes", min=5, help="Minutes per slot.")] = 30,
    breaks: Annotated[
        list[str] | None, typer.Option("--break", help="A break HH:MM-HH:MM; repeat for more.")
    ] = None,
    open_: Annotated[bool, typer.Option("--open", help="Open it for requests right away.")] = False,
    as_user: AsUser = None,
) -> None:
    """Create an event and, with --day, plan its slots (slot length, breaks)."""
    from pydantic import ValidationError

    from exportpilot.events import service
    from exportpilot.events.schemas import DayPlan, EventCreate, EventUpdate

    try:
        with unit_of_work() as session:
            actor = _as(session, as_user)
            data = EventCreate(name=name, type=type_, timezone=timezone, venue=venue, tables=tables)
            event = service.create_event(session, data=data, actor=actor)
            slots = []
            if day:
                plan = DayPlan.model_validate(
                    {
                        "days": day,
                        "start": start,
                        "end": end,
                        "minutes": minutes,
                        "breaks": [
                            dict(zip(("start", "end"), b.split("-"), strict=False)) for b in breaks or []
                        ],
                    }
                )
                slots = service.plan_slots(session, event_id=event.id, plan=plan, actor=actor)
            if open_:
                service.update_event(session, event_id=event.id, data=EventUpdate(status="open"), actor=actor)
            typer.echo(f"event {event.id} created ({event.status.value}) with {len(slots)} slots")
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(x) for x in err.get("loc", ())) or "input"
        typer.echo(f"error: {where}: {err['msg']}", err=True)
        raise typer.Exit(code=EXIT_BAD_INPUT) from exc
    except ExportPilotError as exc:
        raise _db_fail(exc) from exc


@app.command("register")
def register_cmd(
    event_id: Annotated[int, typer.Argument(help="The event.")],
    buyer: Annotated[int | None, typer.Option("--buyer", help="A buyer's id (buyers table).")] = None,
    company: Annotated[int | None, typer.Option("--company", help="An exporter's company id.")] = None,
    languages: Annotated[
        str | None, typer.Option("--languages", help="Space-separated ISO 639-1 codes (default: known ones).")
    ] = None,
    max_meetings: Annotated[
        int | None, typer.Option("--max-meetings", min=0, help="Cap on meetings.")
    ] = None,
    slots: Annotated[
        str | None, typer.Option("--slots", help="Space-separated slot ids it can attend (default: all).")
    ] = None,
    timezone: Annotated[str | None, typer.Option("--timezone", help="Own IANA time zone.")] = None,
    as_user: AsUser = None,
) -> None:
    """Register a buyer (--buyer) or an exporter's company (--company) for an event."""
    from pydantic import ValidationError

    from exportpilot.events import service
    from exportpilot.events.schemas import ParticipantCreate

    try:
        with unit_of_work() as session:
            data = ParticipantCreate(
                kind="buyer" if buyer is not None else "exporter",
                buyer_id=buyer,
                company_id=company,
                languages=languages.split() if languages else None,
                max_meetings=max_meetings,
                available_slot_ids=_slot_ids(slots),
                timezone=timezone,
            )
            p = service.register_participant(
                session, event_id=event_id, data=data, actor=_as(session, as_user)
            )
            typer.echo(f"participant {p.id} ({p.kind.value}) registered for event {event_id}")
    except ValidationError as exc:
        err = exc.errors()[0]
        typer.echo(f"error: {err['msg'].removeprefix('Value error, ')}", err=True)
        raise typer.Exit(code=EXIT_BAD_INPUT) from exc
    except ExportPilotError as exc:
        raise _db_fail(exc) from exc


@app.command("request")
def request_cmd(
    event_id: Annotated[int, typer.Argument(help="The event.")],
    buyer: Annotated[int, typer.Option("--buyer", help="The buyer's participant id.")],
    exporter: Annotated[int, typer.Option("--exporter", help="The exporter's participant id.")],
    priority: Annotated[int, typer.Option("--priority", min=1, max=5, help="1 (low) to 5 (high).")] = 3,
    on_behalf_of: Annotated[
        str | None, typer.Option("--on-behalf-of", help="Staff: record it as the buyer's or exporter's.")
    ] = None,
    as_user: AsUser = None,
) -> None:
    """Request a meeting between a buyer and an exporter (as --as, or as the organiser)."""
    from exportpilot.events import service
    from exportpilot.events.schemas import RequestCreate

    try:
        with unit_of_work() as session:
            data = RequestCreate(
                buyer_participant_id=buyer,
                exporter_participant_id=exporter,
                priority=priority,
                on_behalf_of=on_behalf_of,
            )
            r = service.request_meeting(session, event_id=event_id, data=data, actor=_as(session, as_user))
            typer.echo(f"request {r.id}: {r.status.value}{' (mutual)' if r.mutual else ''}")
    except ExportPilotError as exc:
        raise _db_fail(exc) from exc


@app.command("respond")
def respond_cmd(
    request_id: Annotated[int, typer.Argument(help="The meeting request.")],
    accept: Annotated[bool, typer.Option("--accept/--decline", help="Accept or decline it.")],
    priority: Annotated[int | None, typer.Option("--priority", min=1, max=5, help="Your interest.")] = None,
    as_user: AsUser = None,
) -> None:
    """Accept or decline a meeting request (the side that was asked, or staff)."""
    from exportpilot.events import service

    try:
        with unit_of_work() as session:
            r = service.respond(
                session, request_id=request_id, accept=accept, actor=_as(session, as_user), priority=priority
            )
            typer.echo(f"request {r.id}: {r.status.value}")
    except ExportPilotError as exc:
        raise _db_fail(exc) from exc


@app.command("run")
def run_cmd(
    event_id: Annotated[int, typer.Argument(help="The event.")],
    time_limit: Annotated[
        float, typer.Option("--time-limit", min=0.1, help="Seconds for the solver.")
    ] = 10.0,
    seed: Annotated[int, typer.Option("--seed", help="Random seed of the search.")] = 0,
    as_user: AsUser = None,
) -> None:
    """Schedule the event's accepted requests from the database and store the schedule.

    Confirmed meetings stay in their slot and at their table; scheduled ones move only when that gains;
    the participants whose meetings changed are notified. All in one transaction.
    """
    from exportpilot.events import service

    try:
        with unit_of_work() as session:
            s = service.run_schedule(
                session, event_id=event_id, actor=_as(session, as_user), time_limit=time_limit, seed=seed
            )
    except ExportPilotError as exc:
        raise _db_fail(exc) from exc
    typer.echo(
        f"scheduled {s.meetings} meetings for {s.requests} accepted requests in {s.seconds:.1f} s "
        f"({s.fixed} confirmed kept, {s.new} new, {s.moved} moved, {s.cancelled} removed)"
    )
    typer.echo(
        f"weight {s.weight:g}  upper bound {s.upper_bound:.6g}  gap {100 * s.gap:.2f}%  "
        f"greedy {s.greedy_weight:g}  notifications {s.notified}"
    )


@app.command("confirm")
def confirm_cmd(
    event_id: Annotated[int, typer.Argument(help="The event.")],
    meeting: Annotated[
        list[int] | None, typer.Option("--meeting", help="A meeting id (default: all).")
    ] = None,
    as_user: AsUser = None,
) -> None:
    """Confirm scheduled meetings: re-scheduling keeps them where they are; the two sides are told."""
    from exportpilot.events import service

    try:
        with unit_of_work() as session:
            n = service.confirm_meetings(
                session, event_id=event_id, actor=_as(session, as_user), meeting_ids=meeting or None
            )
    except ExportPilotError as exc:
        raise _db_fail(exc) from exc
    typer.echo(f"{n} meetings confirmed")


@app.command("export")
def export_cmd(
    event_id: Annotated[int, typer.Argument(help="The event.")],
    out: Annotated[Path | None, typer.Option("--out", help="CSV file (default: standard output).")] = None,
    as_user: AsUser = None,
) -> None:
    """Export the event's schedule as CSV (buyer_id, exporter_id, slot_id, table, times, names, status)."""
    from exportpilot.events.agenda import schedule_csv

    try:
        with unit_of_work() as session:
            text = schedule_csv(session, event_id=event_id, actor=_as(session, as_user))
    except ExportPilotError as exc:
        raise _db_fail(exc) from exc
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        typer.echo(f"wrote {out}", err=True)


@app.command("agenda")
def agenda_cmd(
    participant: Annotated[int, typer.Option("--participant", help="The participant's id.")],
    format_: Annotated[str, typer.Option("--format", help="html, pdf or ics.")] = "html",
    lang: Annotated[str | None, typer.Option("--lang", help="ko or en (default: the participant's).")] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Output file (default: standard output; PDF: agenda-ID.pdf).")
    ] = None,
    as_user: AsUser = None,
) -> None:
    """Write a participant's agenda in its language and local time: HTML, PDF or iCalendar."""
    from exportpilot.events import agenda as agendas

    if format_ not in ("html", "pdf", "ics"):
        typer.echo(f"error: --format must be html, pdf or ics, not {format_!r}", err=True)
        raise typer.Exit(code=EXIT_BAD_INPUT)
    if lang is not None and lang not in ("ko", "en"):
        typer.echo(f"error: --lang must be ko or en, not {lang!r}", err=True)
        raise typer.Exit(code=EXIT_BAD_INPUT)
    try:
        with unit_of_work() as session:
            agenda = agendas.build_agenda(
                session, participant_id=participant, actor=_as(session, as_user), lang=lang
            )
            if format_ == "html":
                data = agendas.agenda_html(agenda).encode()
            elif format_ == "pdf":
                data = agendas.agenda_pdf(agenda)
            else:
                data = agendas.agenda_ics(agenda)
    except ExportPilotError as exc:
        raise _db_fail(exc) from exc
    if out is None and format_ == "pdf":
        out = Path(f"agenda-{participant}.pdf")
    if out is None:
        typer.echo(data.decode(), nl=False)
    else:
        out.write_bytes(data)
        typer.echo(f"wrote {out} ({len(agenda.active_items)} meetings)", err=True)
