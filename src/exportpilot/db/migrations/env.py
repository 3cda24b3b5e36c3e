"""Alembic environment: migrates the URL given by the caller, else the configured database."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

import exportpilot.models  # noqa: F401  (registers every table)
from exportpilot.db.base import Base
from exportpilot.db.session import make_engine

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        from exportpilot.config import get_settings

        url = get_settings().sqlalchemy_url
    engine = make_engine(url)
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline migrations are not supported; run `exportpilot db upgrade`")
run_migrations_online()
