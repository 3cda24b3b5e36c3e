"""The FastAPI application factory: API under /api, web pages under /."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI
from starlette.middleware.sessions import SessionMiddleware

from exportpilot import __version__
from exportpilot.api.errors import install_error_handlers
from exportpilot.api.limits import BodySizeLimit
from exportpilot.audit.endpoints import router as audit_router
from exportpilot.buyers.endpoints import inquiries_router
from exportpilot.buyers.endpoints import router as buyers_router
from exportpilot.companies.endpoints import router as companies_router
from exportpilot.config import Settings, get_settings
from exportpilot.consultations.endpoints import router as consultations_router
from exportpilot.events.endpoints import router as events_router
from exportpilot.markets.endpoints import router as markets_router
from exportpilot.matching.endpoints import introductions_router
from exportpilot.matching.endpoints import router as matching_router
from exportpilot.products.endpoints import hs_router
from exportpilot.products.endpoints import router as products_router
from exportpilot.reference.endpoints import router as reference_router
from exportpilot.users.endpoints import auth_router
from exportpilot.users.endpoints import router as users_router

DESCRIPTION = """ExportPilot takes a small exporter from "we make this product" to "we are talking to the
right overseas buyer, in the right market, in their language".

Authenticate with `POST /api/auth/token` and send `Authorization: Bearer <token>`.
Every error has the body `{"error": <kind>, "detail": <reason>}` (and `field` when one field is at fault).
"""


def api_router() -> APIRouter:
    router = APIRouter(prefix="/api")
    routers = (auth_router, users_router, companies_router, products_router, buyers_router, reference_router)
    buyer_finding = (inquiries_router, matching_router, introductions_router)
    for r in (*routers, *buyer_finding, events_router, consultations_router, audit_router):
        router.include_router(r)
    router.include_router(hs_router)
    router.include_router(markets_router)

    @router.get("/health", tags=["meta"], summary="Liveness check")
    def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    return router


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    app = FastAPI(title="ExportPilot", version=__version__, description=DESCRIPTION)
    install_error_handlers(app)
    app.include_router(api_router())
    from exportpilot.web.app import mount_web

    mount_web(app, settings)
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key,
        session_cookie="exportpilot_session",
        same_site="lax",
        https_only=settings.environment.value == "production",
        max_age=14 * 24 * 3600,
    )
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_body_bytes)
    return app
