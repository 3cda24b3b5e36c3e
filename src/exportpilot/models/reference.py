"""Reference tables: countries, currencies, languages, Korea's provinces and regions, HS nomenclature."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from exportpilot.db.base import Base


class Country(Base):
    __tablename__ = "countries"

    iso3: Mapped[str] = mapped_column(String(3), primary_key=True)
    iso2: Mapped[str] = mapped_column(String(2), unique=True)
    numeric: Mapped[str] = mapped_column(String(3))
    name_en: Mapped[str] = mapped_column(String(120))
    name_ko: Mapped[str] = mapped_column(String(120))


class Currency(Base):
    __tablename__ = "currencies"

    code: Mapped[str] = mapped_column(String(3), primary_key=True)
    name_en: Mapped[str] = mapped_column(String(120))
    name_ko: Mapped[str] = mapped_column(String(120))


class Language(Base):
    __tablename__ = "languages"

    code: Mapped[str] = mapped_column(String(2), primary_key=True)  # ISO 639-1
    name_en: Mapped[str] = mapped_column(String(120))
    name_ko: Mapped[str] = mapped_column(String(120))


class Region(Base):
    """One of the 5 poles and 3 special self-governing provinces (5극 3특)."""

    __tablename__ = "regions"

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    name_ko: Mapped[str] = mapped_column(String(40))
    name_en: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(10))  # pole | special
    sort_order: Mapped[int] = mapped_column(Integer, default=0)


class RegionalHQ(Base):
    """One of the agency's regional headquarters."""

    __tablename__ = "regional_hqs"

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    name_ko: Mapped[str] = mapped_column(String(60))
    name_en: Mapped[str] = mapped_column(String(120))
    city_ko: Mapped[str] = mapped_column(String(40))


class Province(Base):
    """A first-level administrative division of Korea (시·도)."""

    __tablename__ = "provinces"

    code: Mapped[str] = mapped_column(String(10), primary_key=True)  # ISO 3166-2, e.g. KR-11
    name_ko: Mapped[str] = mapped_column(String(40))
    name_en: Mapped[str] = mapped_column(String(80))
    region_code: Mapped[str] = mapped_column(ForeignKey("regions.code"))
    hq_code: Mapped[str] = mapped_column(ForeignKey("regional_hqs.code"))

    region: Mapped[Region] = relationship(lazy="joined")
    hq: Mapped[RegionalHQ] = relationship(lazy="joined")


class HSCode(Base):
    """A line of the HS 2022 nomenclature: chapter (2), heading (4) or subheading (6)."""

    __tablename__ = "hs_codes"

    code: Mapped[str] = mapped_column(String(6), primary_key=True)
    level: Mapped[int] = mapped_column(Integer)
    parent: Mapped[str | None] = mapped_column(String(6), nullable=True)
    section: Mapped[str] = mapped_column(String(6))
    description: Mapped[str] = mapped_column(Text)
