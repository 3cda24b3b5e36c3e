from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class AuditRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    at: datetime
    actor_id: int | None
    action: str
    entity: str
    entity_id: str
    changes: dict[str, Any]


class AuditFilter(BaseModel):
    entity: str | None = Field(None, max_length=40)
    entity_id: str | None = Field(None, max_length=40)
    actor_id: int | None = None
