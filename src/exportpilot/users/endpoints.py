from __future__ import annotations

from fastapi import APIRouter, Request, status

from exportpilot.api.deps import CurrentUser, PageDep, SessionDep, SettingsDep, bearer_token
from exportpilot.kit.pagination import Page
from exportpilot.users import service
from exportpilot.users.schemas import TokenRead, TokenRequest, UserCreate, UserRead, UserUpdate

auth_router = APIRouter(prefix="/auth", tags=["auth"])
router = APIRouter(prefix="/users", tags=["users"])


@auth_router.post(
    "/token", response_model=TokenRead, summary="Exchange e-mail and password for a bearer token"
)
def create_token(body: TokenRequest, session: SessionDep, settings: SettingsDep) -> TokenRead:
    user = service.authenticate(session, email=body.email, password=body.password)
    plain, token = service.issue_token(session, user=user, ttl_days=settings.token_ttl_days)
    return TokenRead(access_token=plain, expires_at=token.expires_at)


@auth_router.delete("/token", status_code=status.HTTP_204_NO_CONTENT, summary="Revoke the token in use")
def revoke_token(request: Request, session: SessionDep, _user: CurrentUser) -> None:
    token = bearer_token(request)
    if token:
        service.revoke_token(session, plain=token)


@router.get("/me", response_model=UserRead, summary="The logged-in user")
def me(user: CurrentUser) -> UserRead:
    return UserRead.model_validate(user)


@router.get("", response_model=Page[UserRead], summary="List users (admin)")
def list_users(session: SessionDep, user: CurrentUser, params: PageDep) -> Page[UserRead]:
    items, total = service.list_users(session, actor=user, params=params)
    return Page(
        items=[UserRead.model_validate(u) for u in items], total=total, page=params.page, size=params.size
    )


@router.post(
    "", response_model=UserRead, status_code=status.HTTP_201_CREATED, summary="Create a user (admin)"
)
def create_user(body: UserCreate, session: SessionDep, user: CurrentUser) -> UserRead:
    return UserRead.model_validate(service.create_user(session, data=body, actor=user))


@router.get("/{user_id}", response_model=UserRead, summary="One user (admin, or yourself)")
def get_user(user_id: int, session: SessionDep, user: CurrentUser) -> UserRead:
    return UserRead.model_validate(service.get_user(session, user_id=user_id, actor=user))


@router.patch("/{user_id}", response_model=UserRead, summary="Change a user")
def update_user(user_id: int, body: UserUpdate, session: SessionDep, user: CurrentUser) -> UserRead:
    return UserRead.model_validate(service.update_user(session, user_id=user_id, data=body, actor=user))


@router.delete("/{user_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Deactivate a user (admin)")
def delete_user(user_id: int, session: SessionDep, user: CurrentUser) -> None:
    service.delete_user(session, user_id=user_id, actor=user)
