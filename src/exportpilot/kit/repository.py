"""Generic repository: the only place that builds queries for a model."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from exportpilot.db.base import Base
from exportpilot.kit.pagination import PageParams

M = TypeVar("M", bound=Base)

LIKE_ESCAPE = "\\"


def contains(text: str) -> str:
    """A case-folded LIKE pattern matching ``text`` anywhere, with ``%`` and ``_`` taken literally."""
    escaped = text.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class RepositoryBase(Generic[M]):
    model: type[M]

    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, pk: Any) -> M | None:
        return self.session.get(self.model, pk)

    def base_query(self) -> Select[M]:
        return select(self.model)

    def count(self, stmt: Select[Any]) -> int:
        return int(self.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0)

    def paginate(self, stmt: Select[M], params: PageParams) -> tuple[Sequence[M], int]:
        total = self.count(stmt)
        items = self.session.scalars(stmt.offset(params.offset).limit(params.size)).unique().all()
        return items, total

    def add(self, obj: M) -> M:
        self.session.add(obj)
        self.session.flush()
        return obj

    def delete(self, obj: M) -> None:
        self.session.delete(obj)
        self.session.flush()
