from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from exportpilot.kit.security import MIN_PASSWORD_LENGTH
from exportpilot.models import Role


class UserCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: EmailStr
    full_name: str = Field(min_length=1, max_length=120)
    password: str = Field(min_length=MIN_PASSWORD_LENGTH, max_length=200)
    role: Role
    language: str = Field("ko", pattern="^(ko|en)$")
    company_id: int | None = None
    buyer_id: int | None = None


class UserUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    full_name: str | None = Field(None, min_length=1, max_length=120)
    password: str | None = Field(None, min_length=MIN_PASSWORD_LENGTH, max_length=200)
    language: str | None = Field(None, pattern="^(ko|en)$")
    role: Role | None = None
    is_active: bool | None = None
    company_id: int | None = None
    buyer_id: int | None = None


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    email: str
    full_name: str
    role: Role
    language: str
    is_active: bool
    company_id: int | None
    buyer_id: int | None
    created_at: datetime


class TokenRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    email: str = Field(min_length=1, max_length=254)
    password: str = Field(min_length=1, max_length=200)


class TokenRead(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_at: datetime
