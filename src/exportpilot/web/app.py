"""Server-rendered pages (Jinja2 + htmx) in Korean and English."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, Response
from fastapi.staticfiles import StaticFiles

from exportpilot.config import Settings
from exportpilot.web.auth.pages import router as auth_router
from exportpilot.web.buyers.pages import router as buyers_router
from exportpilot.web.companies.pages import router as companies_router
from exportpilot.web.consultations.pages import router as consultations_router
from exportpilot.web.dashboard.pages import router as dashboard_router
from exportpilot.web.errors import render_error
from exportpilot.web.events.pages import router as events_router
from exportpilot.web.forms import FormRejected
from exportpilot.web.markets.pages import router as markets_router
from exportpilot.web.matching.pages import router as matching_router
from exportpilot.web.products.pages import router as products_router

STATIC_DIR = Path(__file__).parent / "static"


def plotly_js_path() -> Path:
    """plotly.js as shipped inside the installed ``plotly`` package (so the charts work offline)."""
    return Path(str(files("plotly") / "package_data" / "plotly.min.js"))


def mount_web(app: FastAPI, settings: Settings) -> None:
    """Attach the web pages, static files and the HTML error renderer to ``app``."""
    app.state.web_settings = settings
    app.state.html_error_renderer = render_error
    plotly_js = plotly_js_path()

    @app.get("/static/vendor/plotly.min.js", include_in_schema=False)
    def plotly() -> Response:
        return FileResponse(
            plotly_js, media_type="text/javascript", headers={"Cache-Control": "public, max-age=86400"}
        )

    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.exception_handler(FormRejected)
    async def _form_rejected(request: Request, exc: FormRejected) -> Response:
        return exc.response

    for router in (auth_router, dashboard_router, companies_router, products_router, buyers_router):
        app.include_router(router)
    app.include_router(matching_router)
    app.include_router(events_router)
    app.include_router(consultations_router)
    app.include_router(markets_router)
