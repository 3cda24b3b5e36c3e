from __future__ import annotations

import secrets

import typer
from rich.console import Console

from exportpilot.config import get_settings
from exportpilot.db.session import unit_of_work
from exportpilot.errors import ExportPilotError
from exportpilot.kit.security import hash_password, verify_password
from exportpilot.models import Role
from exportpilot.users import service
from exportpilot.users.repository import UserRepository
from exportpilot.users.schemas import UserCreate

app = typer.Typer(help="User accounts.", no_args_is_help=True)
console = Console()


@app.command("create")
def create(
    email: str = typer.Option(..., help="Login e-mail."),
    role: Role = typer.Option(Role.advisor, help="admin, advisor, exporter or buyer."),
    full_name: str = typer.Option("", help="Display name (default: the e-mail's local part)."),
    password: str = typer.Option(
        "", help="Password (at least 8 characters); empty: generate one and print it.", show_default=False
    ),
    language: str = typer.Option("ko", help="UI language: ko or en."),
    company_id: int | None = typer.Option(None, help="The exporter's company."),
    buyer_id: int | None = typer.Option(None, help="The buyer user's buyer record."),
    if_missing: bool = typer.Option(False, "--if-missing", help="Do nothing if the e-mail already exists."),
) -> None:
    """Create a user account."""
    plain = password or secrets.token_urlsafe(12)
    try:
        with unit_of_work() as session:
            if if_missing and UserRepository(session).by_email(email) is not None:
                console.print(f"user {email} exists")
                return
            data = UserCreate(
                email=email,
                full_name=full_name or email.split("@")[0],
                password=plain,
                role=role,
                language=language,
                company_id=company_id,
                buyer_id=buyer_id,
            )
            user = service.create_user(session, data=data, actor=None)
            console.print(f"[green]created[/green] {user.role.value} {user.email} (id {user.id})")
    except ExportPilotError as exc:
        console.print(f"[red]{exc.error}[/red]: {exc.message}")
        raise typer.Exit(1) from exc
    except ValueError as exc:  # pydantic validation
        console.print(f"[red]invalid[/red]: {exc}")
        raise typer.Exit(1) from exc
    if not password:
        console.print(f"password: [bold]{plain}[/bold]")


@app.command("ensure-admin")
def ensure_admin(
    email: str = typer.Option("admin@exportpilot.example", help="The admin's login e-mail."),
) -> None:
    """Make sure an admin account exists and print its login (development only).

    The generated password is kept in ``var/admin-password.txt`` (mode 600) so that later runs print it again.
    """
    settings = get_settings()
    if settings.environment.value != "development":
        console.print(
            "[red]ensure-admin is for development; use `exportpilot users create --role admin`[/red]"
        )
        raise typer.Exit(1)
    secret_file = settings.var_dir / "admin-password.txt"
    with unit_of_work() as session:
        user = UserRepository(session).by_email(email)
        saved = secret_file.read_text().strip() if secret_file.exists() else ""
        if user is not None and saved and verify_password(user.password_hash, saved):
            plain = saved
        else:
            plain = secrets.token_urlsafe(12)
            if user is None:
                data = UserCreate(email=email, full_name="Administrator", password=plain, role=Role.admin)
                service.create_user(session, data=data, actor=None)
            else:
                user.password_hash = hash_password(plain)
            secret_file.parent.mkdir(parents=True, exist_ok=True)
            secret_file.write_text(plain + "\n")
            secret_file.chmod(0o600)
    console.print(f"admin login: [bold]{email}[/bold]  password: [bold]{plain}[/bold]")
