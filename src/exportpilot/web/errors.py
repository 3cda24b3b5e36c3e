"""Errors on web pages: a redirect to the login page for 401, a page in the user's language otherwise."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from exportpilot.web import labels
from exportpilot.web.deps import render_page, session_language, web_settings


def login_url(request: Request) -> str:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return "/login?" + urlencode({"next": target})


def render_error(request: Request, status: int, body: dict[str, Any]) -> Response:
    """Registered as ``app.state.html_error_renderer``; the API's handlers call it for non-API paths."""
    if status == 401:
        url = login_url(request)
        if request.headers.get("HX-Request") == "true":
            # htmx follows redirects inside its request; this makes the whole page go to the login form.
            return Response(status_code=204, headers={"HX-Redirect": url})
        return RedirectResponse(url, status_code=303)
    lang = (
        getattr(request.state, "lang", None)
        or session_language(request)
        or web_settings(request).default_language
    )
    viewer = getattr(request.state, "viewer", None)
    context = {
        "status": status,
        "title": labels.ERROR_TITLES.get(status, labels.DEFAULT_ERROR_TITLE),
        "hint": labels.ERROR_HINTS.get(status),
        "reason": body.get("detail", ""),
        "error_kind": body.get("error", ""),
    }
    return render_page(request, lang, viewer, "errors/error.html", context, status_code=status)
