"""Log in and out with the web session cookie."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response

from exportpilot.errors import NotAuthenticated
from exportpilot.users import service as users
from exportpilot.web.deps import AnyWeb, PostedForm, csrf_token
from exportpilot.web.forms import FORM_LEVEL, FormRejected, values
from exportpilot.web.i18n import N_

router = APIRouter(include_in_schema=False)


def safe_next(target: str | None) -> str:
    """Only a path on this site: never an absolute or scheme-relative URL (no open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target):  # browsers drop tabs and newlines in URLs
        return "/"
    return target


@router.get("/login")
def login_form(web: AnyWeb, next: str = "/") -> Response:
    if web.user is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return web.render("auth/login.html", {"form": {"email": "", "next": safe_next(next)}, "errors": {}})


@router.post("/login")
def login(web: AnyWeb, form: PostedForm) -> Response:
    data = values(form, ("email", "password", "next"))
    try:
        user = users.authenticate(web.session, email=data["email"], password=data["password"])
    except NotAuthenticated as exc:
        context = {
            "form": {"email": data["email"], "next": safe_next(data["next"])},
            "errors": {FORM_LEVEL: web._(N_("Wrong e-mail or password."))},
        }
        raise FormRejected(web.render("auth/login.html", context, status_code=422)) from exc
    session = web.request.session
    lang = session.get("lang")
    # A new session on login, so a session id seen before login is worth nothing after it.
    session.clear()
    session["user_id"] = user.id
    if lang:
        session["lang"] = lang
    csrf_token(web.request)
    return RedirectResponse(safe_next(data["next"]), status_code=303)


@router.post("/logout")
def logout(web: AnyWeb, form: PostedForm) -> Response:
    session = web.request.session
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    return RedirectResponse("/login", status_code=303)


@router.get("/logout")
def logout_confirm(web: AnyWeb) -> Response:
    if web.user is None:
        return RedirectResponse("/login", status_code=303)
    return web.render("auth/logout.html")
