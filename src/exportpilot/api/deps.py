"""Typed dependencies: a session per request (one unit of work) and the current user."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from exportpilot.config import Settings, get_settings
from exportpilot.db.session import unit_of_work
from exportpilot.errors import NotAuthenticated
from exportpilot.kit.pagination import PageParams, page_params
from exportpilot.models import User
from exportpilot.users import service as users


def get_session() -> Iterator[Session]:
    """One session per request: commit if the handler returns, roll back if it raises."""
    with unit_of_work() as session:
        yield session


# scope="function": the unit of work ends when the handler returns, before the response is sent, so a
# failed commit becomes an error response and a client never sees a success that was not saved.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_settings)]
PageDep = Annotated[PageParams, Depends(page_params)]


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None


def optional_user(request: Request, session: SessionDep) -> User | None:
    """The user behind the bearer token or, for the web, the session cookie."""
    token = bearer_token(request)
    if token:
        return users.user_for_token(session, plain=token)
    user_id = request.session.get("user_id") if "session" in request.scope else None
    if user_id is None:
        return None
    user = session.get(User, int(user_id))
    if user is None or not user.is_active:
        request.session.clear()
        return None
    return user


def current_user(user: Annotated[User | None, Depends(optional_user)]) -> User:
    if user is None:
        raise NotAuthenticated("log in first: send 'Authorization: Bearer <token>' or use the web session")
    return user


CurrentUser = Annotated[User, Depends(current_user)]
OptionalUser = Annotated[User | None, Depends(optional_user)]
