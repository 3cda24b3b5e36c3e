from __future__ import annotations

import typer
from rich.console import Console

from exportpilot.config import get_settings
from exportpilot.db.migrate import upgrade
from exportpilot.db.session import get_engine

app = typer.Typer(help="Database schema.", no_args_is_help=True)
console = Console()


@app.command("upgrade")
def upgrade_cmd(revision: str = typer.Argument("head", help="Target revision.")) -> None:
    """Apply the Alembic migrations to the configured database."""
    url = get_engine().url.render_as_string(hide_password=True)
    with console.status(f"migrating {url}"):
        upgrade(get_engine(), revision)
    console.print(f"[green]database at {revision}[/green]: {url}")
    if get_settings().environment.value == "development":
        console.print("next: [bold]exportpilot reference load[/bold]")
