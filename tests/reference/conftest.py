"""Helpers for the reference tests: regions files derived from the shipped one."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from exportpilot.reference.regions import SHIPPED_REGIONS_FILE


@pytest.fixture
def regions_toml(tmp_path: Path) -> Callable[..., Path]:
    """``regions_toml((old, new), ...)`` writes the shipped file with each replacement applied once."""

    def _write(*replacements: tuple[str, str], text: str | None = None) -> Path:
        content = SHIPPED_REGIONS_FILE.read_text(encoding="utf-8") if text is None else text
        for old, new in replacements:
            assert content.count(old) >= 1, f"{old!r} is not in the shipped regions file"
            content = content.replace(old, new, 1)
        path = tmp_path / f"regions-{len(list(tmp_path.iterdir()))}.toml"
        path.write_text(content, encoding="utf-8")
        return path

    return _write
