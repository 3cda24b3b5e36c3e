"""Test fixtures on a real database: SQLite by default, PostgreSQL when EXPORTPILOT_TEST_DATABASE_URL
points at a server (the suite creates and drops its own database there).

Each test runs inside a transaction that is rolled back, on a database built by the real migrations.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("EXPORTPILOT_ENVIRONMENT", "test")
os.environ.setdefault("EXPORTPILOT_SECRET_KEY", "test-secret-key-not-for-production")

import pytest
from sqlalchemy import Engine, make_url, text
from sqlalchemy.orm import Session

from exportpilot.db.migrate import upgrade
from exportpilot.db.session import make_engine

pytest_plugins = ["tests.hs_fixtures"]


def _create_database(tmp_root: Path) -> tuple[str, callable]:  # type: ignore[valid-type]
    server_url = os.environ.get("EXPORTPILOT_TEST_DATABASE_URL", "")
    if not server_url:
        return f"sqlite:///{tmp_root / 'test.db'}", lambda: None
    url = make_url(server_url)
    name = f"exportpilot_test_{uuid.uuid4().hex[:10]}"
    admin = make_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return url.set(database=name).render_as_string(hide_password=False), drop


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    url, drop = _create_database(tmp_path_factory.mktemp("db"))
    engine = make_engine(url)
    upgrade(engine)
    from sqlalchemy.orm import sessionmaker

    from exportpilot.db.session import unit_of_work
    from exportpilot.reference.loader import load_reference

    with unit_of_work(sessionmaker(bind=engine)) as session:
        load_reference(session)
    engine.dispose()
    yield url
    drop()


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    eng = make_engine(database_url)
    yield eng
    eng.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session whose commits are savepoints inside a transaction rolled back after the test."""
    connection = engine.connect()
    outer = connection.begin()
    sess = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        yield sess
    finally:
        sess.close()
        if outer.is_active:
            outer.rollback()
        connection.close()


@pytest.fixture
def dialect(engine: Engine) -> str:
    return engine.dialect.name


@pytest.fixture
def app(session: Session):  # type: ignore[no-untyped-def]
    """The real application, its request sessions bound to the test transaction."""
    from exportpilot.api.app import create_app
    from exportpilot.api.deps import get_session

    application = create_app()

    def _session() -> Iterator[Session]:
        # Each request is its own unit of work: a savepoint that commits or rolls back alone.
        nested = session.begin_nested()
        try:
            yield session
            nested.commit()
        except BaseException:
            if nested.is_active:
                nested.rollback()
            raise

    application.dependency_overrides[get_session] = _session
    return application


@pytest.fixture
def client(app):  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture
def login(session: Session):  # type: ignore[no-untyped-def]
    """``login(user)`` returns the Authorization header of a fresh bearer token for ``user``."""
    from exportpilot.users.service import issue_token

    def _login(user) -> dict[str, str]:  # type: ignore[no-untyped-def]
        plain, _ = issue_token(session, user=user, ttl_days=1)
        return {"Authorization": f"Bearer {plain}"}

    return _login


@pytest.fixture
def cli_engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """A fresh, migrated, empty SQLite database (and var dir) that the CLI's settings point at."""
    from exportpilot.config import get_settings
    from exportpilot.db.session import get_engine, get_sessionmaker

    def clear() -> None:
        get_sessionmaker.cache_clear()
        get_engine.cache_clear()
        get_settings.cache_clear()

    monkeypatch.setenv("EXPORTPILOT_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("EXPORTPILOT_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.delenv("EXPORTPILOT_REGIONS_FILE", raising=False)
    clear()
    eng = get_engine()
    upgrade(eng)
    yield eng
    eng.dispose()
    clear()
