"""Look up and list reference data; the other domains validate their codes through these functions."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Literal

import pycountry
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from exportpilot.errors import InvalidInput
from exportpilot.models import Country, Currency, HSCode, Language, Province, Region, RegionalHQ

HS_LEVEL_NAMES = {2: "chapter", 4: "heading", 6: "subheading"}

_KO_SUFFIXES = ("특별자치시", "특별자치도", "특별시", "광역시")
_EN_SUFFIX = re.compile(
    r"(special self governing (city|province)|metropolitan city|special city|province|state|city"
    r"|teukbyeoljachido|teukbyeoljachisi|teukbyeolsi|gwangyeoksi|do|si)$"
)


def _clean(code: str | None, field: str, what: str) -> str:
    """Return ``code`` stripped, or raise when it is empty."""
    value = (code or "").strip()
    if not value:
        raise InvalidInput(f"{field}: a {what} is required", field=field)
    return value


def get_country(session: Session, code: str | None, field: str = "country_code") -> Country:
    """Return the country with ISO 3166-1 alpha-2, alpha-3 or numeric ``code``, in any case."""
    value = _clean(code, field, "country code").upper()
    if len(value) == 2 and value.isalpha():
        column = Country.iso2
    elif len(value) == 3 and value.isalpha():
        column = Country.iso3
    elif len(value) == 3 and value.isdigit():
        column = Country.numeric
    else:
        raise InvalidInput(
            f"{field}: {code!r} is not a country code "
            "(expected ISO 3166-1 alpha-2 or alpha-3, e.g. 'VN' or 'VNM')",
            field=field,
        )
    country = session.scalars(select(Country).where(column == value)).first()
    if country is None:
        raise InvalidInput(f"{field}: unknown country code {code!r}", field=field)
    return country


def get_currency(session: Session, code: str | None, field: str = "currency") -> Currency:
    """Return the currency with ISO 4217 ``code`` (e.g. 'usd'), in any case."""
    value = _clean(code, field, "currency code").upper()
    currency = session.get(Currency, value) if len(value) == 3 else None
    if currency is None:
        raise InvalidInput(
            f"{field}: unknown currency code {code!r} (expected ISO 4217, e.g. 'USD')", field=field
        )
    return currency


def get_language(session: Session, code: str | None, field: str = "language") -> Language:
    """Return the language with ISO 639-1 ``code`` (e.g. 'EN'), in any case."""
    value = _clean(code, field, "language code").lower()
    language = session.get(Language, value) if len(value) == 2 else None
    if language is None:
        raise InvalidInput(
            f"{field}: unknown language code {code!r} (expected ISO 639-1, e.g. 'en')", field=field
        )
    return language


def short_name_ko(name: str) -> str:
    """Return the short Korean name of a province: 서울특별시 → 서울, 충청북도 → 충북, 경기도 → 경기."""
    name = name.strip().replace(" ", "")
    for suffix in _KO_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    if name.endswith("도") and len(name) == 4:  # 충청북도, 전라남도, 경상북도 ... take 1st and 3rd syllables
        return name[0] + name[2]
    if name.endswith(("도", "시")) and len(name) >= 3:
        return name[:-1]
    return name


def _norm_en(name: str) -> str:
    """Fold an English or romanised province name: 'Gyeonggi-do' and 'GYEONGGI Province' → 'gyeonggi'."""
    words = re.sub(r"[^a-z0-9]+", " ", name.lower()).strip()
    return _EN_SUFFIX.sub("", words).replace(" ", "")


def _province_keys(province: Province) -> set[str]:
    """Return every spelling under which ``province`` can be looked up."""
    keys = {
        province.code.lower(),
        province.code.removeprefix("KR-"),
        province.name_ko,
        short_name_ko(province.name_ko),
        _norm_en(province.name_en),
    }
    subdivision = pycountry.subdivisions.get(code=province.code)
    if subdivision is not None:  # the ISO romanisation, which also keeps former names (Jeollabuk-do)
        keys.add(_norm_en(subdivision.name))
    keys.discard("")
    return keys


def get_province(session: Session, code: str | None, field: str = "province_code") -> Province:
    """Return the province named by ISO 3166-2 code or Korean or English name: 'KR-11', '서울', 'Seoul'."""
    value = _clean(code, field, "province")
    candidates = {value.lower(), value.replace(" ", ""), short_name_ko(value), _norm_en(value)}
    candidates.discard("")
    matches = [p for p in list_provinces(session) if candidates & _province_keys(p)]
    if len(matches) != 1:
        raise InvalidInput(
            f"{field}: unknown province {code!r} (expected an ISO 3166-2:KR code such as 'KR-11', "
            "or a name such as '서울특별시', '서울' or 'Seoul')",
            field=field,
        )
    return matches[0]


def normalize_hs_code(code: str) -> str:
    """Strip dots, spaces and dashes from an HS code: '8504.40' → '850440'."""
    return re.sub(r"[\s.\-]", "", code)


def get_hs_code(
    session: Session, code: str | None, field: str = "hs_code", levels: Iterable[int] = (6,)
) -> HSCode:
    """Return the HS 2022 line ``code`` ('8504.40' or '850440'), which must be at one of ``levels``."""
    allowed = tuple(sorted(set(levels)))
    wanted = " or ".join(f"{n}-digit {HS_LEVEL_NAMES.get(n, 'line')}" for n in allowed)
    value = normalize_hs_code(_clean(code, field, "HS code"))
    if not value.isdigit() or len(value) not in HS_LEVEL_NAMES:
        hint = f"; use its first 6 digits, {value[:6]!r}" if value.isdigit() and len(value) > 6 else ""
        raise InvalidInput(f"{field}: {code!r} is not an HS code (expected a {wanted}{hint})", field=field)
    line = session.get(HSCode, value)
    if line is None:
        raise InvalidInput(f"{field}: {code!r} is not in the HS 2022 nomenclature", field=field)
    if line.level not in allowed:
        raise InvalidInput(
            f"{field}: {code!r} is an HS {HS_LEVEL_NAMES.get(line.level, 'line')} ({line.level} digits); "
            f"a {wanted} is required",
            field=field,
        )
    return line


def list_countries(session: Session, lang: Literal["ko", "en"] = "ko") -> list[Country]:
    """List every country sorted by its name in ``lang`` (Korean in 가나다 order, or English)."""
    if lang not in ("ko", "en"):
        raise InvalidInput(f"lang: unsupported language {lang!r} (expected 'ko' or 'en')", field="lang")
    countries = session.scalars(select(Country)).all()
    # Sorted in Python so the order is the same on every database collation.
    if lang == "ko":
        return sorted(countries, key=lambda c: c.name_ko)
    return sorted(countries, key=lambda c: c.name_en.casefold())


def list_currencies(session: Session) -> Sequence[Currency]:
    """List every currency by code."""
    return session.scalars(select(Currency).order_by(Currency.code)).all()


def list_languages(session: Session) -> Sequence[Language]:
    """List every ISO 639-1 language by code."""
    return session.scalars(select(Language).order_by(Language.code)).all()


def list_provinces(session: Session) -> Sequence[Province]:
    """List the 17 provinces in ISO 3166-2 code order (서울, 부산, 대구, ...)."""
    return session.scalars(select(Province).order_by(Province.code)).unique().all()


def list_regions(session: Session) -> Sequence[Region]:
    """List the regions of 5극 3특: the 5 poles, then the 3 special provinces."""
    return session.scalars(select(Region).order_by(Region.sort_order, Region.code)).all()


def list_hqs(session: Session) -> list[RegionalHQ]:
    """List the regional HQs in the order of the first province each serves (서울, 부산, ...)."""
    first: dict[str, str] = {}
    for province in list_provinces(session):
        first.setdefault(province.hq_code, province.code)
    hqs = session.scalars(select(RegionalHQ)).all()
    return sorted(hqs, key=lambda h: (first.get(h.code, "~"), h.code))


def provinces_of_region(session: Session, region_code: str) -> Sequence[Province]:
    """List the provinces of one region, by code."""
    stmt = select(Province).where(Province.region_code == region_code).order_by(Province.code)
    return session.scalars(stmt).unique().all()


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def search_hs(
    session: Session, q: str, limit: int = 20, levels: Iterable[int] | None = None
) -> Sequence[HSCode]:
    """Find HS lines whose code starts with ``q`` ('8504.4') or whose description has all of its words."""
    limit = max(1, min(int(limit), 200))
    text = (q or "").strip()
    if not text:
        return []
    stmt = select(HSCode)
    digits = normalize_hs_code(text)
    if digits.isdigit():
        stmt = stmt.where(HSCode.code.startswith(digits, autoescape=True))
    else:
        words = [w for w in re.split(r"\s+", text) if w]
        stmt = stmt.where(
            and_(*(HSCode.description.ilike(f"%{_escape_like(w)}%", escape="\\") for w in words))
        )
    if levels is not None:
        stmt = stmt.where(or_(*(HSCode.level == n for n in set(levels))))
    return session.scalars(stmt.order_by(HSCode.code).limit(limit)).all()
