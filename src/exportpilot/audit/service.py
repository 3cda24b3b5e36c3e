"""Audit log: who changed what, written in the caller's transaction."""

from __future__ import annotations

import datetime as dt
import decimal
import enum
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from exportpilot.auth.policy import require_admin
from exportpilot.kit.pagination import PageParams
from exportpilot.models import AuditEntry, User


def _jsonable(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def record(
    session: Session,
    *,
    actor: User | None,
    action: str,
    entity: str,
    entity_id: Any,
    changes: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry to the audit log."""
    entry = AuditEntry(
        actor_id=actor.id if actor else None,
        action=action,
        entity=entity,
        entity_id=str(entity_id),
        changes=_jsonable(changes or {}),
    )
    session.add(entry)
    session.flush()
    return entry


def diff(obj: Any, updates: dict[str, Any]) -> dict[str, Any]:
    """Apply ``updates`` to ``obj`` and return ``{field: [old, new]}`` for what really changed."""
    changed: dict[str, Any] = {}
    for field, new in updates.items():
        old = getattr(obj, field)
        if old != new:
            changed[field] = [_jsonable(old), _jsonable(new)]
            setattr(obj, field, new)
    return changed


def history(session: Session, *, entity: str, entity_id: Any, limit: int = 50) -> Sequence[AuditEntry]:
    """Return the latest audit entries of one record."""
    stmt = (
        select(AuditEntry)
        .where(AuditEntry.entity == entity, AuditEntry.entity_id == str(entity_id))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(limit)
    )
    return session.scalars(stmt).all()


def list_entries(
    session: Session,
    *,
    actor: User,
    params: PageParams,
    entity: str | None = None,
    entity_id: str | None = None,
    actor_id: int | None = None,
) -> tuple[Sequence[AuditEntry], int]:
    """List the audit log, newest first (admins only)."""
    require_admin(actor)
    stmt = select(AuditEntry)
    if entity:
        stmt = stmt.where(AuditEntry.entity == entity)
    if entity_id:
        stmt = stmt.where(AuditEntry.entity_id == entity_id)
    if actor_id is not None:
        stmt = stmt.where(AuditEntry.actor_id == actor_id)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    items = session.scalars(
        stmt.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).offset(params.offset).limit(params.size)
    ).all()
    return items, int(total)
