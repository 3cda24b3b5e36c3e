"""One error body for the whole API: ``{"error": <kind>, "detail": <reason>}`` (plus ``field`` when known)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import IntegrityError
from starlette.exceptions import HTTPException as StarletteHTTPException

from exportpilot.errors import ExportPilotError


def _loc(loc: tuple[Any, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path")]
    return ".".join(parts) or "body"


def validation_body(exc: RequestValidationError) -> dict[str, Any]:
    errors = exc.errors()
    problems = [
        {
            "field": _loc(tuple(e.get("loc", ()))),
            "reason": str(e.get("msg", "invalid")).removeprefix("Value error, "),
        }
        for e in errors
    ]
    detail = "; ".join(f"{p['field']}: {p['reason']}" for p in problems) or "invalid request"
    body: dict[str, Any] = {"error": "ValidationError", "detail": detail, "problems": problems}
    if problems:
        body["field"] = problems[0]["field"]
    return body


def _respond(
    request: Request, body: dict[str, Any], status: int, headers: dict[str, str] | None = None
) -> Response:
    """JSON for the API; for web pages, the page renderer the web layer registered (if any)."""
    renderer = getattr(request.app.state, "html_error_renderer", None)
    if renderer is not None and not request.url.path.startswith("/api"):
        return renderer(request, status, body)
    return JSONResponse(body, status_code=status, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ExportPilotError)
    async def _domain(request: Request, exc: ExportPilotError) -> Response:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status_code == 401 else None
        return _respond(request, exc.body(), exc.status_code, headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        return _respond(request, validation_body(exc), 422)

    @app.exception_handler(IntegrityError)
    async def _integrity(request: Request, exc: IntegrityError) -> Response:
        # A race the service checks did not catch (e.g. two inserts of the same unique key).
        body = {"error": "Conflict", "detail": "the change conflicts with existing data and was not saved"}
        return _respond(request, body, 409)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> Response:
        names = {404: "NotFound", 405: "MethodNotAllowed", 413: "PayloadTooLarge"}
        body = {"error": names.get(exc.status_code, "HTTPError"), "detail": str(exc.detail)}
        return _respond(request, body, exc.status_code, getattr(exc, "headers", None))
