from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from exportpilot.config import get_settings
from exportpilot.db.migrate import upgrade
from exportpilot.db.session import get_engine, get_sessionmaker


def _clear_caches() -> None:
    get_sessionmaker.cache_clear()
    get_engine.cache_clear()
    get_settings.cache_clear()


@pytest.fixture
def cli_engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """A fresh, migrated SQLite database (and var dir) that the CLI's settings point at."""
    monkeypatch.setenv("EXPORTPILOT_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("EXPORTPILOT_VAR_DIR", str(tmp_path / "var"))
    _clear_caches()
    engine = get_engine()
    upgrade(engine)
    yield engine
    engine.dispose()
    _clear_caches()
