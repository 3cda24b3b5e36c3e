"""Users, passwords and API tokens."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy.orm import Session

from exportpilot.audit import service as audit
from exportpilot.auth.policy import require_admin
from exportpilot.errors import Conflict, InvalidInput, NotAuthenticated, NotFound, PermissionDenied
from exportpilot.kit.pagination import PageParams
from exportpilot.kit.security import hash_password, new_token, token_digest, verify_password
from exportpilot.models import ApiToken, Buyer, Company, Role, User
from exportpilot.users.repository import TokenRepository, UserRepository
from exportpilot.users.schemas import UserCreate, UserUpdate


def _check_links(session: Session, role: Role, company_id: int | None, buyer_id: int | None) -> None:
    if company_id is not None:
        if role != Role.exporter:
            raise InvalidInput("only an exporter user can belong to a company", field="company_id")
        if session.get(Company, company_id) is None:
            raise InvalidInput(f"company {company_id} does not exist", field="company_id")
    if buyer_id is not None:
        if role != Role.buyer:
            raise InvalidInput("only a buyer user can belong to a buyer record", field="buyer_id")
        if session.get(Buyer, buyer_id) is None:
            raise InvalidInput(f"buyer {buyer_id} does not exist", field="buyer_id")


def create_user(session: Session, *, data: UserCreate, actor: User | None) -> User:
    """Create a user; only admins may (``actor=None`` is the command line)."""
    if actor is not None:
        require_admin(actor)
    repo = UserRepository(session)
    if repo.by_email(data.email) is not None:
        raise Conflict(f"a user with e-mail {data.email} already exists", field="email")
    _check_links(session, data.role, data.company_id, data.buyer_id)
    user = repo.add(
        User(
            email=data.email.lower(),
            full_name=data.full_name,
            password_hash=hash_password(data.password),
            role=data.role,
            language=data.language,
            company_id=data.company_id,
            buyer_id=data.buyer_id,
        )
    )
    audit.record(
        session,
        actor=actor,
        action="create",
        entity="user",
        entity_id=user.id,
        changes={"email": user.email, "role": user.role},
    )
    return user


def get_user(session: Session, *, user_id: int, actor: User) -> User:
    """Return a user: admins see everyone, others only themselves."""
    if actor.id != user_id:
        require_admin(actor)
    user = UserRepository(session).get(user_id)
    if user is None:
        raise NotFound(f"user {user_id} not found")
    return user


def list_users(session: Session, *, actor: User, params: PageParams) -> tuple[list[User], int]:
    """List users (admins only)."""
    require_admin(actor)
    repo = UserRepository(session)
    items, total = repo.paginate(repo.list_query(), params)
    return list(items), total


def update_user(session: Session, *, user_id: int, data: UserUpdate, actor: User) -> User:
    """Update a user: anyone their own name, password and language; admins everything."""
    user = get_user(session, user_id=user_id, actor=actor)
    updates = data.model_dump(exclude_unset=True)
    admin_only = {"role", "is_active", "company_id", "buyer_id"} & updates.keys()
    if admin_only and actor.role != Role.admin:
        raise PermissionDenied(f"only an admin may change {', '.join(sorted(admin_only))}")
    password = updates.pop("password", None)
    role = updates.get("role", user.role)
    _check_links(
        session, role, updates.get("company_id", user.company_id), updates.get("buyer_id", user.buyer_id)
    )
    changes = audit.diff(user, updates)
    if password:
        user.password_hash = hash_password(password)
        changes["password"] = "changed"
    session.flush()
    if changes:
        audit.record(session, actor=actor, action="update", entity="user", entity_id=user.id, changes=changes)
    return user


def delete_user(session: Session, *, user_id: int, actor: User) -> None:
    """Deactivate a user (kept for the audit trail); admins only, never themselves."""
    require_admin(actor)
    if user_id == actor.id:
        raise InvalidInput("an admin cannot deactivate their own account", field="user_id")
    user = get_user(session, user_id=user_id, actor=actor)
    user.is_active = False
    session.flush()
    audit.record(session, actor=actor, action="delete", entity="user", entity_id=user.id)


def authenticate(session: Session, *, email: str, password: str) -> User:
    """Return the active user with these credentials, or raise NotAuthenticated."""
    user = UserRepository(session).by_email(email)
    if user is None or not user.is_active or not verify_password(user.password_hash, password):
        raise NotAuthenticated("wrong e-mail or password")
    user.last_login_at = datetime.now(UTC)
    return user


def issue_token(session: Session, *, user: User, ttl_days: int, name: str = "api") -> tuple[str, ApiToken]:
    """Create a bearer token; the plain token is returned once and never stored."""
    plain = new_token()
    now = datetime.now(UTC)
    token = TokenRepository(session).add(
        ApiToken(
            user_id=user.id,
            digest=token_digest(plain),
            name=name,
            created_at=now,
            expires_at=now + timedelta(days=ttl_days),
        )
    )
    return plain, token


def user_for_token(session: Session, *, plain: str) -> User:
    """Resolve a bearer token to its active user, or raise NotAuthenticated."""
    token = TokenRepository(session).by_digest(token_digest(plain))
    if token is None or token.revoked:
        raise NotAuthenticated("invalid or revoked token")
    expires = token.expires_at if token.expires_at.tzinfo else token.expires_at.replace(tzinfo=UTC)
    if expires < datetime.now(UTC):
        raise NotAuthenticated("token expired")
    user = session.get(User, token.user_id)
    if user is None or not user.is_active:
        raise NotAuthenticated("user is inactive")
    return user


def revoke_token(session: Session, *, plain: str) -> None:
    """Revoke a bearer token."""
    token = TokenRepository(session).by_digest(token_digest(plain))
    if token is not None:
        token.revoked = True
        session.flush()
