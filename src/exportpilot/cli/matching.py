"""`exportpilot match inquiry ID` and `exportpilot match product ID`: ranked matches with explanations.

Its own Typer app, to be merged with the text-engine commands of ``cli/match.py`` (``match texts``).
Read-only: nothing is written.
"""

from __future__ import annotations

import json
from typing import Any

import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.orm import Session

from exportpilot.db.session import unit_of_work
from exportpilot.errors import ExportPilotError
from exportpilot.matching import service
from exportpilot.matching.explain import Explanation
from exportpilot.models import Role, User
from exportpilot.users.repository import UserRepository

app = typer.Typer(
    help="Match buyers' inquiries and exporters' products, with explanations.", no_args_is_help=True
)
console = Console()


def _actor(session: Session, email: str | None) -> User:
    """The user to match as: the given one (to see what they would see), else the operator as staff."""
    if email:
        user = UserRepository(session).by_email(email)
        if user is None:
            console.print(f"[red]NotFound[/red]: no user {email}")
            raise typer.Exit(1)
        return user
    # The operator at the command line sees what agency staff see; this user is never saved.
    return User(id=None, role=Role.admin, full_name="command line", email="cli@localhost")


def _why(ex: Explanation) -> str:
    lines = [f"+ {s.text}" for s in ex.matched] + [f"- {s.text}" for s in ex.missing]
    lines += [f"~ {s.text}" for s in ex.assumed] + [f"! {s.text}" for s in ex.penalties]
    if ex.next_question:
        lines.append(f"? {ex.next_question.text}")
    return "\n".join(lines)


def _emit(
    as_json: bool, payload: dict[str, Any], title: str, columns: list[str], cells: list[list[str]]
) -> None:
    if as_json:
        typer.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    console.print(title)
    table = Table(*columns)
    for row in cells:
        table.add_row(*row)
    console.print(table)


@app.command("inquiry")
def inquiry_cmd(
    inquiry_id: int = typer.Argument(..., help="The inquiry."),
    top: int = typer.Option(10, min=1, max=service.MAX_TOP, help="How many products."),
    as_user: str | None = typer.Option(None, "--as", help="Match as this user (default: as staff)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Rank the exporters' products for a buyer's inquiry."""
    try:
        with unit_of_work() as session:
            inquiry, introducible, results, retrieval = service.match_inquiry(
                session, inquiry_id=inquiry_id, actor=_actor(session, as_user), top=top
            )
            payload = {
                "inquiry_id": inquiry.id,
                "retrieval": retrieval,
                "buyer_introducible": introducible,
                "matches": [
                    {
                        "rank": n,
                        "score": r.scored.score,
                        "product_id": r.product.id,
                        "product": r.product.name_en,
                        "company": r.company.name_en,
                        "hs_code": r.product.hs_code,
                        "explanation": r.scored.explanation.model_dump(mode="json"),
                    }
                    for n, r in enumerate(results, start=1)
                ],
            }
            title = f"inquiry {inquiry.id}: {inquiry.title} ({retrieval} retrieval)"
            if not introducible:
                title += "\n[yellow]the buyer is below the trust bar (or flagged): not introducible[/yellow]"
            cells = [
                [
                    str(n),
                    f"{r.scored.score:.3f}",
                    f"{r.product.id} {r.product.name_ko} / {r.product.name_en}\n{r.company.name_ko}",
                    r.product.hs_code or "–",
                    _why(r.scored.explanation),
                ]
                for n, r in enumerate(results, start=1)
            ]
    except ExportPilotError as exc:
        console.print(f"[red]{exc.error}[/red]: {exc.message}")
        raise typer.Exit(1) from exc
    _emit(as_json, payload, title, ["#", "score", "product", "HS", "why"], cells)


@app.command("product")
def product_cmd(
    product_id: int = typer.Argument(..., help="The product."),
    top: int = typer.Option(10, min=1, max=service.MAX_TOP, help="How many buyers."),
    as_user: str | None = typer.Option(None, "--as", help="Match as this user (default: as staff)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Rank buyers and their inquiries for an exporter's product (no contact details)."""
    try:
        with unit_of_work() as session:
            product, results, retrieval = service.match_product(
                session, product_id=product_id, actor=_actor(session, as_user), top=top
            )
            payload = {
                "product_id": product.id,
                "retrieval": retrieval,
                "matches": [
                    {
                        "rank": n,
                        "score": r.scored.score,
                        "buyer_id": r.buyer.id,
                        "buyer": r.buyer.company_name,
                        "country": r.buyer.country_code,
                        "trust": r.trust.score,
                        "introducible": r.introducible,
                        "inquiry_id": r.inquiry.id if r.inquiry else None,
                        "explanation": r.scored.explanation.model_dump(mode="json"),
                    }
                    for n, r in enumerate(results, start=1)
                ],
            }
            title = f"product {product.id}: {product.name_ko} / {product.name_en} ({retrieval} retrieval)"
            cells = [
                [
                    str(n),
                    f"{r.scored.score:.3f}",
                    f"{r.buyer.id} {r.buyer.company_name} ({r.buyer.country_code})",
                    f"{r.trust.score}" + ("" if r.introducible else " (below bar)"),
                    f"{r.inquiry.id} {r.inquiry.title}" if r.inquiry else "–",
                    _why(r.scored.explanation),
                ]
                for n, r in enumerate(results, start=1)
            ]
    except ExportPilotError as exc:
        console.print(f"[red]{exc.error}[/red]: {exc.message}")
        raise typer.Exit(1) from exc
    _emit(as_json, payload, title, ["#", "score", "buyer", "trust", "inquiry", "why"], cells)


@app.command("index")
def index_cmd(
    products_only: bool = typer.Option(False, "--products-only", help="Only the products' vectors."),
) -> None:
    """Bring the matching vector index up to date (products, buyers' profiles and inquiries).

    Embeds only the texts that are new or changed since the last run; the first match does the same
    when this was not run. Does nothing with EXPORTPILOT_MATCHING_RETRIEVAL=lexical.
    """
    import time

    from exportpilot.matching.retrieval import engine_enabled

    if not engine_enabled():
        console.print("matching retrieval is lexical (EXPORTPILOT_MATCHING_RETRIEVAL): no vectors to build")
        return
    steps = [("products", service.prepare_products)]
    if not products_only:
        steps.append(("buyers' profiles and inquiries", service.prepare_buyer_texts))
    with unit_of_work() as session:
        for label, prepare in steps:
            started = time.perf_counter()
            with console.status(f"embedding new or changed {label}…"):
                n = prepare(session)
            console.print(f"{label}: {n} texts indexed ({time.perf_counter() - started:.1f} s)")
