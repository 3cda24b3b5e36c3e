"""Settings, read from the environment with the prefix ``EXPORTPILOT_``."""

from __future__ import annotations

import enum
import string
import zoneinfo
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_SECRET = "change-me-in-production"


class Environment(enum.StrEnum):
    development = "development"
    test = "test"
    production = "production"


def _default_shared_data() -> Path | None:
    candidate = PROJECT_ROOT.parent / "shared" / "data"
    return candidate if candidate.is_dir() else None


class Settings(BaseSettings):
    """Every setting of ExportPilot; each is documented in ``docs/configuration.md``."""

    model_config = SettingsConfigDict(env_prefix="EXPORTPILOT_", env_file=".env", extra="ignore")

    environment: Environment = Field(Environment.development, description="development, test or production.")
    var_dir: Path = Field(
        PROJECT_ROOT / "var", description="Folder for the embedded database, models and other runtime files."
    )
    database_url: str = Field(
        "",
        description="SQLAlchemy URL of the database; empty means a SQLite file `exportpilot.db` in var_dir.",
    )
    shared_data: Path | None = Field(
        default_factory=_default_shared_data,
        description="Folder of the real reference data (trade flows, HS cases); default ../shared/data.",
    )
    secret_key: str = Field(
        DEFAULT_SECRET,
        description="Key that signs session cookies; must be changed outside development.",
    )
    regions_file: Path | None = Field(
        None,
        description="TOML file mapping provinces to regions and regional HQs; default: the shipped mapping.",
    )
    default_language: str = Field(
        "ko", description="UI language when the user has not chosen one (ko or en)."
    )
    max_body_bytes: int = Field(
        1_000_000, description="Largest request body accepted; larger bodies get a 413."
    )
    token_ttl_days: int = Field(30, description="Lifetime of API bearer tokens, in days.")
    matching_retrieval: Literal["auto", "lexical"] = Field(
        "auto",
        description="Text retrieval of the matching service: 'auto' uses the cross-lingual text engine "
        "(vectors persisted in the vector index), 'lexical' always uses character n-grams.",
    )
    min_buyer_trust: int = Field(
        40,
        ge=0,
        le=100,
        description="Lowest buyer trust score (0-100) at which a buyer is shown and introduced to exporters.",
    )
    consultation_link_template: str = Field(
        "https://meet.jit.si/exportpilot-{booking_id}-{token}",
        description="Video meeting link of a confirmed consultation; placeholders {booking_id}, {token} "
        "(required: a random secret per booking), {advisor_id}, {company_id}, {date} (YYYYMMDD, UTC).",
    )
    consultation_default_timezone: str = Field(
        "Asia/Seoul", description="IANA time zone in which exporters see consultation slots by default."
    )
    consultation_min_notice_hours: int = Field(
        24, ge=0, le=24 * 30, description="Hours ahead of its start by which a consultation must be booked."
    )
    consultation_horizon_days: int = Field(
        90, ge=1, le=366, description="How many days ahead consultations may be booked."
    )

    @field_validator("consultation_link_template")
    @classmethod
    def _check_link_template(cls, value: str) -> str:
        allowed = {"booking_id", "token", "advisor_id", "company_id", "date"}
        try:
            names = {name for _, name, _, _ in string.Formatter().parse(value) if name is not None}
        except ValueError as exc:
            raise ValueError(f"EXPORTPILOT_CONSULTATION_LINK_TEMPLATE is not a template: {exc}") from exc
        if unknown := names - allowed:
            raise ValueError(
                f"EXPORTPILOT_CONSULTATION_LINK_TEMPLATE: unknown placeholder(s) {sorted(unknown)}; "
                f"use {sorted(allowed)}"
            )
        if "token" not in names:
            raise ValueError("EXPORTPILOT_CONSULTATION_LINK_TEMPLATE must contain {token} (a secret)")
        if not value.startswith(("https://", "http://")):
            raise ValueError("EXPORTPILOT_CONSULTATION_LINK_TEMPLATE must start with https:// or http://")
        return value

    @field_validator("consultation_default_timezone")
    @classmethod
    def _check_timezone(cls, value: str) -> str:
        if value not in zoneinfo.available_timezones():
            raise ValueError(f"EXPORTPILOT_CONSULTATION_DEFAULT_TIMEZONE: unknown IANA time zone {value!r}")
        return value

    @model_validator(mode="after")
    def _check(self) -> Settings:
        if self.environment != Environment.development and self.secret_key == DEFAULT_SECRET:
            raise ValueError(
                "EXPORTPILOT_SECRET_KEY is left at its default; set a long random value outside development"
            )
        if self.default_language not in ("ko", "en"):
            raise ValueError("EXPORTPILOT_DEFAULT_LANGUAGE must be 'ko' or 'en'")
        return self

    @property
    def sqlalchemy_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.var_dir / 'exportpilot.db'}"


@lru_cache
def get_settings() -> Settings:
    return Settings()
