"""The `exportpilot` command."""

from __future__ import annotations

import typer

from exportpilot.cli import (
    buyers,
    consultations,
    data,
    db,
    demo,
    events,
    hs,
    markets,
    match,
    matching,
    products,
    reference,
    users,
)
from exportpilot.cli.serve import serve

app = typer.Typer(
    help="ExportPilot: an AI export secretary for small exporters and the agency that serves them.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)
app.add_typer(db.app, name="db")
app.add_typer(reference.app, name="reference")
app.add_typer(users.app, name="users")
app.add_typer(demo.app, name="demo")
app.add_typer(buyers.app, name="buyers")
app.add_typer(events.app, name="events")
app.add_typer(consultations.app, name="consultations")
# `exportpilot match`: the text engine's commands (texts, warm) and the database ones (inquiry, product).
match.app.add_typer(matching.app)
app.add_typer(match.app, name="match")
app.add_typer(data.app, name="data")
app.add_typer(markets.app, name="markets")
app.add_typer(hs.app, name="hs")
# `exportpilot hs confirm` writes a product's confirmed HS code: it lives with the products commands.
hs.app.command("confirm")(products.confirm_hs)
app.add_typer(products.app, name="products")
app.command("serve")(serve)

if __name__ == "__main__":
    app()
