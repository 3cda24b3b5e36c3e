"""`exportpilot buyers ...`: import and de-duplicate the buyer registry, show trust, post inquiries."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table
from sqlalchemy.orm import Session

from exportpilot.buyers import importer, inquiries, service
from exportpilot.buyers.schemas import ImportReport, InquiryCreate
from exportpilot.db.session import unit_of_work
from exportpilot.errors import ExportPilotError, NotFound
from exportpilot.models import Buyer, User
from exportpilot.users.repository import UserRepository

app = typer.Typer(
    help="The overseas buyer registry: import, duplicates, trust, inquiries.", no_args_is_help=True
)
console = Console()


class _DryRun(Exception):  # noqa: N818 - a control-flow signal that rolls the unit of work back
    pass


def _fail(exc: Exception) -> typer.Exit:
    if isinstance(exc, ExportPilotError):
        console.print(f"[red]{exc.error}[/red]: {exc.message}")
    else:
        console.print(f"[red]invalid[/red]: {exc}")
    return typer.Exit(1)


def _print_report(report: ImportReport) -> None:
    state = "[green]imported[/green]" if report.imported else "[red]nothing imported[/red]"
    console.print(
        f"{report.file}: {report.rows} rows — {report.created} created, {report.updated} updated, "
        f"{report.unchanged} unchanged, {report.invalid} invalid; {state}"
    )
    if report.ignored_columns:
        console.print(f"ignored columns: {', '.join(report.ignored_columns)}")
    if report.problems:
        table = Table("row", "field", "reason", title="problems")
        for p in report.problems:
            table.add_row(str(p.row), p.field, p.reason)
        console.print(table)
    for r in report.results:
        if r.possible_duplicates:
            ids = ", ".join(str(i) for i in r.possible_duplicates)
            console.print(
                f"row {r.row}: buyer {r.buyer_id} may duplicate buyer(s) {ids} (see `buyers duplicates`)"
            )


def _staff(session: Session, email: str | None) -> User | None:
    """The agency user a command acts as; None (the operator at the command line) when not given."""
    if not email:
        return None
    user = UserRepository(session).by_email(email)
    if user is None:
        raise NotFound(f"no user {email}")
    return user


@app.command("import")
def import_cmd(
    file: Path = typer.Argument(
        ..., exists=True, dir_okay=False, help="A .csv or .xlsx file, header in row 1."
    ),
    skip_invalid: bool = typer.Option(
        False, "--skip-invalid", help="Import the good rows, report the bad ones."
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Check and report, write nothing."),
    as_user: str | None = typer.Option(
        None, "--as", help="E-mail of the staff user recorded in the audit log."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the report as JSON."),
) -> None:
    """Import buyers from CSV or Excel: all rows or none (unless --skip-invalid); re-runs change nothing."""
    report: ImportReport | None = None
    try:
        with unit_of_work() as session:
            report = importer.import_buyers(
                session,
                filename=file.name,
                content=file.read_bytes(),
                actor=_staff(session, as_user),
                skip_invalid=skip_invalid,
            )
            if dry_run:
                raise _DryRun
    except _DryRun:
        assert report is not None
        report = report.model_copy(update={"imported": False})
    except importer.ImportRejected as exc:
        report = exc.report
    except ExportPilotError as exc:
        raise _fail(exc) from exc
    assert report is not None
    if as_json:
        typer.echo(json.dumps(report.model_dump(mode="json"), ensure_ascii=False, indent=2))
    else:
        _print_report(report)
    if not report.imported and not dry_run:
        raise typer.Exit(1)


@app.command("duplicates")
def duplicates_cmd(
    country: str | None = typer.Option(None, help="Only this country (ISO code)."),
) -> None:
    """List buyers that are or may be the same company."""
    with unit_of_work() as session:
        pairs = service.find_duplicates(session, actor=None, country=country)
        table = Table("buyer", "duplicate", "verdict", "score", "shared domains")
        for a, b, m in pairs:
            table.add_row(
                f"{a.id} {a.company_name}",
                f"{b.id} {b.company_name}",
                m.verdict,
                str(m.score),
                ", ".join(m.shared_domains),
            )
        console.print(table if pairs else "no duplicates")


@app.command("merge")
def merge_cmd(
    keep: int = typer.Argument(..., help="The buyer that stays."),
    duplicates: list[int] = typer.Argument(..., help="The buyers merged into it."),
    as_user: str | None = typer.Option(
        None, "--as", help="E-mail of the staff user recorded in the audit log."
    ),
) -> None:
    """Merge duplicate buyers into one, keeping their history."""
    try:
        with unit_of_work() as session:
            buyer = service.merge_buyers(
                session, keep_id=keep, merge_ids=duplicates, actor=_staff(session, as_user)
            )
            console.print(f"[green]merged[/green] {', '.join(map(str, duplicates))} into buyer {buyer.id}")
    except ExportPilotError as exc:
        raise _fail(exc) from exc


@app.command("trust")
def trust_cmd(buyer_id: int = typer.Argument(..., help="The buyer.")) -> None:
    """Show a buyer's trust score, component by component, with the evidence."""
    with unit_of_work() as session:
        buyer = session.get(Buyer, buyer_id)
        if buyer is None:
            console.print(f"[red]NotFound[/red]: buyer {buyer_id} not found")
            raise typer.Exit(1)
        score = service.trust_scores(session, [buyer])[buyer.id]
        bar = service.trust_bar()
        ok = "introducible" if service.is_introducible(buyer, score, bar) else "not introduced"
        console.print(f"{buyer.company_name}: trust {score.score}/100 (bar {bar}: {ok})")
        table = Table("component", "points", "evidence")
        for c in score.components:
            table.add_row(c.code, f"{c.points}/{c.max_points}", "\n".join(e.text() for e in c.evidence))
        console.print(table)


@app.command("add-inquiry")
def add_inquiry_cmd(
    buyer_id: int = typer.Argument(..., help="The buyer sending the inquiry."),
    text: str = typer.Argument(..., help="What the buyer wants, in any language."),
    title: str = typer.Option("", help="Short title (default: the text's first words)."),
    hs_code: str | None = typer.Option(None, "--hs-code", help="HS chapter, heading or subheading."),
    quantity: Decimal | None = typer.Option(None, help="Quantity wanted."),
    unit: str | None = typer.Option(None, help="Unit of the quantity: pcs, kg, t, ..."),
    target_price: Decimal | None = typer.Option(None, "--target-price", help="Target price per unit."),
    currency: str | None = typer.Option(None, help="ISO 4217 currency of the target price."),
    destination: str | None = typer.Option(None, help="Destination country (ISO code)."),
    certification: list[str] = typer.Option([], "--certification", help="A required certification (repeat)."),
    deadline: str | None = typer.Option(None, help="Needed by (YYYY-MM-DD)."),
    as_user: str = typer.Option(..., "--as", help="E-mail of the staff user posting it."),
) -> None:
    """Post an inquiry (RFQ) on a buyer's behalf."""
    try:
        with unit_of_work() as session:
            actor = _staff(session, as_user)
            assert actor is not None
            data = InquiryCreate(
                buyer_id=buyer_id,
                title=title or " ".join(text.split()[:8])[:200],
                text=text,
                hs_code=hs_code,
                quantity=quantity,
                unit=unit,
                target_price=target_price,
                currency=currency,
                destination_country=destination,
                certifications=certification,
                deadline=dt.date.fromisoformat(deadline) if deadline else None,
            )
            inquiry = inquiries.create_inquiry(session, data=data, actor=actor)
            console.print(
                f"[green]inquiry {inquiry.id}[/green] for buyer {buyer_id}; HS {inquiry.hs_code or '–'}"
            )
            if inquiry.hs_note:
                console.print(inquiry.hs_note)
    except (ExportPilotError, ValidationError, ValueError) as exc:
        raise _fail(exc) from exc
