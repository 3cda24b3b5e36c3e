"""What every page needs: the logged-in user, the UI language, the CSRF token and a way to render."""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass, field
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session
from starlette.datastructures import FormData

from exportpilot.api.deps import SessionDep, optional_user
from exportpilot.config import Settings, get_settings
from exportpilot.errors import NotAuthenticated, PermissionDenied
from exportpilot.models import Role, User
from exportpilot.users import service as users
from exportpilot.users.schemas import UserUpdate
from exportpilot.web.i18n import LANGUAGES, gettext_for
from exportpilot.web.templating import render_template

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"


@dataclass(frozen=True)
class Viewer:
    """A plain copy of the logged-in user for templates, usable after the database session has closed."""

    id: int
    full_name: str
    email: str
    role: Role
    company_id: int | None
    buyer_id: int | None

    @classmethod
    def of(cls, user: User) -> Viewer:
        return cls(user.id, user.full_name, user.email, user.role, user.company_id, user.buyer_id)

    @property
    def is_staff(self) -> bool:
        return self.role in (Role.admin, Role.advisor)

    @property
    def sees_companies(self) -> bool:
        return self.role != Role.buyer

    @property
    def sees_buyers(self) -> bool:
        return self.role != Role.exporter


def web_settings(request: Request) -> Settings:
    return getattr(request.app.state, "web_settings", None) or get_settings()


def csrf_token(request: Request) -> str:
    """The session's CSRF token, created on first use."""
    token = request.session.get("csrf")
    if not token:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return str(token)


def session_language(request: Request) -> str | None:
    if "session" not in request.scope:
        return None
    lang = request.session.get("lang")
    return lang if lang in LANGUAGES else None


def flash(request: Request, message: str, **params: object) -> None:
    """Keep a (translatable) message for the next page shown."""
    request.session.setdefault("flash", [])
    request.session["flash"] = [*request.session["flash"], [message, params]]


def current_url(request: Request, **changes: Any) -> str:
    """This page's path and query with ``changes`` applied (a value of None drops the parameter)."""
    params = dict(request.query_params)
    for key, value in changes.items():
        if value is None or value == "":
            params.pop(key, None)
        else:
            params[key] = str(value)
    query = urlencode(params)
    return request.url.path + (f"?{query}" if query else "")


def base_context(request: Request, lang: str, viewer: Viewer | None) -> dict[str, Any]:
    """The variables base.html needs; also used by the error pages."""
    messages = []
    if "session" in request.scope:
        for message, params in request.session.pop("flash", []):
            messages.append(gettext_for(lang, message, **params))
    return {
        "request": request,
        "viewer": viewer,
        "csrf_token": csrf_token(request) if "session" in request.scope else "",
        "flashes": messages,
        "path": request.url.path,
        "lang_url": lambda code: current_url(request, lang=code),
        "url_with": lambda **changes: current_url(request, **changes),
        "is_htmx": request.headers.get("HX-Request") == "true",
    }


def render_page(
    request: Request,
    lang: str,
    viewer: Viewer | None,
    name: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    ctx = base_context(request, lang, viewer)
    ctx.update(context or {})
    response = HTMLResponse(render_template(lang, name, ctx), status_code=status_code, headers=headers)
    # The same URL answers with a whole page or, for htmx, only a fragment: caches must keep both apart.
    response.headers["Vary"] = "HX-Request, Cookie"
    return response


@dataclass
class Web:
    """The request as the pages see it: database session, user (or None), language."""

    request: Request
    session: Session
    user: User | None
    lang: str
    viewer: Viewer | None = field(default=None)

    def _(self, message: str, **params: object) -> str:
        return gettext_for(self.lang, message, **params)

    def render(
        self, name: str, context: dict[str, Any] | None = None, *, status_code: int = 200
    ) -> HTMLResponse:
        return render_page(self.request, self.lang, self.viewer, name, context, status_code=status_code)

    @property
    def actor(self) -> User:
        """The logged-in user; pages that need one depend on ``LoggedIn``, so this never fails there."""
        if self.user is None:
            raise NotAuthenticated("log in to see this page")
        return self.user

    def wants_fragment(self, target: str) -> bool:
        """True when htmx asks for the element ``target`` only (not when it restores a whole page)."""
        headers = self.request.headers
        return (
            headers.get("HX-Request") == "true"
            and headers.get("HX-Target") == target
            and headers.get("HX-History-Restore-Request") != "true"
        )


def _language(request: Request, session: Session, user: User | None) -> str:
    """?lang= (kept in the session and, when logged in, on the user), else the user's, else the default."""
    asked = request.query_params.get("lang")
    if asked in LANGUAGES:
        request.session["lang"] = asked
        if user is not None and user.language != asked:
            users.update_user(session, user_id=user.id, data=UserUpdate(language=asked), actor=user)
        return str(asked)
    chosen = session_language(request)
    if chosen:
        return chosen
    if user is not None and user.language in LANGUAGES:
        return user.language
    return web_settings(request).default_language


def web_context(request: Request, session: SessionDep) -> Web:
    user = optional_user(request, session)
    lang = _language(request, session, user)
    viewer = Viewer.of(user) if user is not None else None
    # The error pages read these, since they are rendered after the database session is gone.
    request.state.lang = lang
    request.state.viewer = viewer
    return Web(request=request, session=session, user=user, lang=lang, viewer=viewer)


def logged_in(web: Annotated[Web, Depends(web_context)]) -> Web:
    if web.user is None:
        raise NotAuthenticated("log in to see this page")
    return web


async def checked_form(request: Request) -> FormData:
    """The posted form, once its CSRF token matches the session's."""
    form = await request.form()
    sent = form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER) or ""
    expected = request.session.get("csrf") or ""
    if not isinstance(sent, str) or not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        raise PermissionDenied(
            "the form's security token is missing or out of date (CSRF check); reload the page and try again"
        )
    return form


AnyWeb = Annotated[Web, Depends(web_context)]
LoggedIn = Annotated[Web, Depends(logged_in)]
PostedForm = Annotated[FormData, Depends(checked_form)]
