"""Settings and commands that nobody can find do not exist: each must be on its docs page."""

from __future__ import annotations

from pathlib import Path

import typer.main

from exportpilot.cli.main import app
from exportpilot.config import Settings

DOCS = Path(__file__).resolve().parents[2] / "docs"


class TestDocumented:
    def test_every_setting_is_documented(self) -> None:
        text = (DOCS / "configuration.md").read_text()
        missing = [n for n in Settings.model_fields if f"`EXPORTPILOT_{n.upper()}`" not in text]
        assert not missing, f"undocumented settings: {missing}"

    def test_every_cli_command_is_documented(self) -> None:
        text = (DOCS / "cli.md").read_text()
        group = typer.main.get_group(app)
        commands = []
        for name, cmd in group.commands.items():
            sub = getattr(cmd, "commands", None)
            commands += [f"exportpilot {name} {s}" for s in sub] if sub else [f"exportpilot {name}"]
        missing = [c for c in commands if f"`{c}" not in text]
        assert not missing, f"undocumented commands: {missing}"
