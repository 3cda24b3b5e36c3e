"""Server-rendered pages (Jinja2 + htmx) in Korean and English."""

from __future__ import annotations

from fastapi import FastAPI

from exportpilot.config import Settings


def mount_web(app: FastAPI, settings: Settings) -> None:
    """Attach the web pages, static files and the HTML error renderer to ``app``."""
