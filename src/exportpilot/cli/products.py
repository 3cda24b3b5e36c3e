"""`exportpilot products ...`: a product's profile and HS suggestions; `exportpilot hs confirm`.

``confirm_hs`` is mounted as ``exportpilot hs confirm`` (see ``cli/main.py``): it belongs with the
other HS commands but writes to the database, which they do not.
"""

from __future__ import annotations

import json
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.orm import Session

from exportpilot.db.session import unit_of_work
from exportpilot.errors import ExportPilotError, InvalidInput
from exportpilot.models import HSCodeSource, Role, User
from exportpilot.products import hs_suggestions as hs
from exportpilot.products import profiles
from exportpilot.products.profile import ProductProfile
from exportpilot.users.repository import UserRepository

app = typer.Typer(help="Products: the structured profile and HS code suggestions.", no_args_is_help=True)
out = Console()
err = Console(stderr=True)

AsUser = Annotated[
    str | None, typer.Option("--as", help="E-mail of the user to act as (default: the operator, as staff).")
]


def _fail(exc: ExportPilotError) -> typer.Exit:
    err.print(f"[bold red]{exc.error}:[/] {exc.message}", soft_wrap=True)
    return typer.Exit(2 if isinstance(exc, InvalidInput) else 1)


def _user(session: Session, email: str) -> User:
    user = UserRepository(session).by_email(email)
    if user is None:
        err.print(f"[bold red]NotFound:[/] no user {email}")
        raise typer.Exit(1)
    return user


def _actor(session: Session, email: str | None) -> User:
    """The given user, else the operator at the command line reading as staff (never saved)."""
    if email:
        return _user(session, email)
    return User(id=None, role=Role.admin, full_name="command line", email="cli@localhost")


def _print_profile(profile: ProductProfile) -> None:
    table = Table(show_header=False, show_lines=True)
    table.add_column("", style="bold")
    table.add_column("")
    table.add_row("Materials", ", ".join(profile.materials) or "–")
    specs = []
    for s in profile.specifications:
        value = s.text or ("" if s.value is None else f"{s.value:g} {s.unit or ''}")
        specs.append(f"{s.name}: {value}")
    table.add_row("Specifications", "\n".join(specs) or "–")
    table.add_row("Certifications", ", ".join(profile.certifications) or "–")
    table.add_row("Intended use", "\n".join(profile.intended_uses) or "–")
    table.add_row("Differentiators", "\n".join(f"• {d}" for d in profile.differentiators) or "–")
    table.add_row("Keywords (ko)", ", ".join(profile.keywords_ko) or "–")
    table.add_row("Keywords (en)", ", ".join(profile.keywords_en) or "–")
    out.print(table)


@app.command("profile")
def profile_cmd(
    product_id: Annotated[int, typer.Argument(help="The product.")],
    extract: Annotated[
        bool, typer.Option("--extract", help="Re-extract from the product's texts and store it (needs --as).")
    ] = False,
    as_user: AsUser = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show a product's profile: material, specifications, certifications, use, differentiators, keywords."""
    if extract and not as_user:
        err.print("[bold red]Error:[/] --extract stores the profile: say who does it with --as EMAIL")
        raise typer.Exit(2)
    try:
        with unit_of_work() as session:
            actor = _actor(session, as_user)
            if extract:
                view = profiles.extract_profile_for(session, product_id=product_id, actor=actor)
            else:
                view = profiles.get_profile(session, product_id=product_id, actor=actor)
            payload: dict[str, Any] = {
                "product_id": view.product.id,
                "stored": view.stored,
                "source": view.source.value if view.source else None,
                "updated_at": view.updated_at.isoformat() if view.updated_at else None,
                "profile": view.profile.model_dump(mode="json", exclude_none=True),
            }
            name = f"{view.product.name_ko} / {view.product.name_en}"
    except ExportPilotError as exc:
        raise _fail(exc) from exc
    if as_json:
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    state = {None: "not stored yet (fresh extraction)", "extracted": "extracted", "edited": "edited by hand"}
    out.print(f"[bold]{name}[/] — profile {state[payload['source']]}")
    _print_profile(ProductProfile.model_validate(payload["profile"]))


@app.command("hs-suggestions")
def hs_suggestions_cmd(
    product_id: Annotated[int, typer.Argument(help="The product.")],
    top: Annotated[int, typer.Option("--top", min=1, max=hs.MAX_TOP, help="Codes to show.")] = 5,
    as_user: AsUser = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Suggest HS6 codes for a product (its names and first description sentence), with the evidence."""
    try:
        with unit_of_work() as session:
            found = hs.suggest_for_product(
                session, product_id=product_id, actor=_actor(session, as_user), top=top
            )
            product = found.product
            current = (product.hs_code, product.hs_source.value if product.hs_source else None)
    except ExportPilotError as exc:
        raise _fail(exc) from exc
    p = found.prediction
    if as_json:
        payload = {
            "product_id": product.id,
            "text": found.text,
            "text_digest": found.digest,
            "needs_review": p.needs_review,
            "issue": p.issue,
            "current": {"hs_code": current[0], "hs_source": current[1]},
            "candidates": [
                {
                    "hs6": c.hs6,
                    "probability": c.probability,
                    "title": c.title,
                    "hs4_title": c.hs4_title,
                    "hs2_title": c.hs2_title,
                    "in_nomenclature": c.hs6 in found.in_nomenclature,
                    "neighbours": [n.text for n in c.neighbours],
                }
                for c in p.candidates
            ],
        }
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    verdict = "[bold yellow]needs expert review[/]" if p.needs_review else "[green]confident[/]"
    out.print(f"Text: {found.text}", soft_wrap=True)
    out.print(f"{verdict}; current code: {current[0] or '–'} ({current[1] or 'no source'})")
    if p.issue:
        out.print(f"[yellow]Note:[/] {p.issue}")
    table = Table(show_lines=True)
    for name in ("HS6", "P", "Title (heading · chapter)", "Nearest cases"):
        table.add_column(name)
    for c in p.candidates:
        table.add_row(
            f"{c.hs6[:4]}.{c.hs6[4:]}",
            f"{c.probability:.2f}",
            f"{c.title}\n[dim]{c.hs4_title} · {c.hs2_title}[/]",
            "\n".join(f"{n.similarity:.2f} {n.text[:60]}" for n in c.neighbours) or "–",
        )
    out.print(table)


def confirm_hs(
    product_id: Annotated[int, typer.Argument(help="The product.")],
    code: Annotated[str, typer.Argument(help="HS 2022 subheading, e.g. 8211.91.")],
    as_user: Annotated[str, typer.Option("--as", help="E-mail of the advisor (or exporter) who confirms.")],
    source: Annotated[
        HSCodeSource | None,
        typer.Option(
            "--source",
            help="model (accept a suggestion), advisor or exporter; default: model when the code is "
            "among the suggestions, else by the user's role.",
        ),
    ] = None,
) -> None:
    """Confirm or correct a product's HS code; staff confirmations become training data of `hs train`."""
    try:
        with unit_of_work() as session:
            actor = _user(session, as_user)
            product = hs.confirm_hs_code(
                session, product_id=product_id, actor=actor, code=code, source=source
            )
            _, trains = hs.confirmed_by_name(session, product)
            result = (product.hs_code, product.hs_source.value if product.hs_source else "", trains)
    except ExportPilotError as exc:
        raise _fail(exc) from exc
    note = (
        "training data of the next `exportpilot hs train`" if result[2] else "not training data (not staff)"
    )
    out.print(
        f"Product {product_id}: HS {result[0]} confirmed by {as_user} (source {result[1]}); {note}.",
        soft_wrap=True,
    )
