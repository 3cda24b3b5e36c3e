"""Write the generated demo data set to the database, replacing any previous demo data.

Only generated rows are touched: companies, products and buyers with ``is_generated`` set (with their
exports and contacts) and users whose e-mail address is on :data:`DEMO_EMAIL_DOMAIN`. Rows entered by
people are never deleted; references from them to demo rows (a real company's advisor, a real user's
company or buyer) are cleared first.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import ColumnElement, delete, func, insert, select, update
from sqlalchemy.orm import Session

from exportpilot.demo.consultations import clear_consultation_demo, load_consultation_demo
from exportpilot.demo.events import clear_demo_events, load_demo_events
from exportpilot.demo.generator import DEMO_EMAIL_DOMAIN, DEMO_PASSWORD, DemoData, DemoUser, generate_demo
from exportpilot.errors import InvalidInput
from exportpilot.kit.security import hash_password
from exportpilot.models import (
    ApiToken,
    AuditEntry,
    Buyer,
    BuyerContact,
    Company,
    CompanyExport,
    Country,
    Currency,
    HSCode,
    Product,
    Province,
    User,
)

log = logging.getLogger(__name__)

#: The steps of :func:`load_demo`, in order; ``progress`` is called with each as it starts.
STEPS: tuple[str, ...] = ("checking", "clearing", "advisors", "companies", "products", "buyers", "users")

_HINT = "run `exportpilot reference load` first"


def load_demo(
    session: Session, data: DemoData | None = None, *, progress: Callable[[str], object] | None = None
) -> dict[str, int]:
    """Replace the demo data in the database with ``data`` (by default :func:`generate_demo`'s).

    Re-running is safe: previously generated rows are deleted first, so nothing is duplicated.
    Nothing is committed: the caller's unit of work does.

    Parameters
    ----------
    session
        Session of the caller's unit of work.
    data
        The data set to write; generated with the default seed and sizes when omitted.
    progress
        Called with the name of each step of :data:`STEPS` as it starts.

    Returns
    -------
    dict
        Table name to the number of rows written, e.g. ``{"users": 62, "companies": 320, ...}``.

    Raises
    ------
    InvalidInput
        When the reference data (countries, provinces, HS codes, currencies) is missing or lacks a
        code the demo data uses.
    """

    def step(name: str) -> None:
        if progress is not None:
            progress(name)

    step("checking")
    data = data if data is not None else generate_demo()
    _check_reference(session, data)
    password_hash = hash_password(DEMO_PASSWORD)  # once: argon2 is deliberately slow

    step("clearing")
    clear_demo(session)

    step("advisors")
    advisor_ids = _insert_ids(session, User, [_user_row(u, password_hash) for u in data.advisors])

    step("companies")
    company_ids = _insert_ids(
        session,
        Company,
        [
            {
                "name_ko": c.name_ko,
                "name_en": c.name_en,
                "brn": c.brn,
                "province_code": c.province_code,
                "industry": c.industry,
                "employees": c.employees,
                "export_status": c.export_status,
                "founded_year": c.founded_year,
                "website": c.website,
                "description": c.description,
                "advisor_id": advisor_ids[c.advisor_index],
                "is_generated": True,
            }
            for c in data.companies
        ],
    )
    export_rows = [
        {"company_id": cid, "year": e.year, "value_usd": e.value_usd}
        for cid, c in zip(company_ids, data.companies, strict=True)
        for e in c.exports
    ]
    _insert(session, CompanyExport, export_rows)

    step("products")
    product_rows = [
        {
            "company_id": cid,
            "name_ko": p.name_ko,
            "name_en": p.name_en,
            "description_ko": p.description_ko,
            "description_en": p.description_en,
            "hs_code": p.hs_code,
            "specifications": dict(p.specifications),
            "certifications": list(p.certifications),
            "moq": p.moq,
            "moq_unit": p.moq_unit,
            "price_min": p.price_min,
            "price_max": p.price_max,
            "currency": p.currency,
            "is_generated": True,
        }
        for cid, c in zip(company_ids, data.companies, strict=True)
        for p in c.products
    ]
    _insert(session, Product, product_rows)

    step("buyers")
    buyer_ids = _insert_ids(
        session,
        Buyer,
        [
            {
                "company_name": b.company_name,
                "country_code": b.country_code,
                "city": b.city,
                "website": b.website,
                "email": b.email,
                "phone": b.phone,
                "business_type": b.business_type,
                "annual_imports_usd": b.annual_imports_usd,
                "products_of_interest": b.products_of_interest,
                "hs_interests": list(b.hs_interests),
                "languages": list(b.languages),
                "verification_status": b.verification_status,
                "is_generated": True,
            }
            for b in data.buyers
        ],
    )
    contact_rows = [
        {
            "buyer_id": bid,
            "name": ct.name,
            "title": ct.title,
            "email": ct.email,
            "phone": ct.phone,
            "language": ct.language,
        }
        for bid, b in zip(buyer_ids, data.buyers, strict=True)
        for ct in b.contacts
    ]
    _insert(session, BuyerContact, contact_rows)

    step("users")
    user_rows = []
    for user in data.users:
        row = _user_row(user, password_hash)
        row["company_id"] = company_ids[user.company_index] if user.company_index is not None else None
        row["buyer_id"] = buyer_ids[user.buyer_index] if user.buyer_index is not None else None
        user_rows.append(row)
    _insert(session, User, user_rows)
    # The demo event (events domain): a small generated consultation meeting; not part of the counts.
    load_demo_events(session, data, company_ids=company_ids, buyer_ids=buyer_ids)
    # The online consultation room: some demo advisors' availability at overseas offices (not in counts).
    load_consultation_demo(session, advisor_ids)

    counts = {
        "users": len(advisor_ids) + len(user_rows),
        "companies": len(company_ids),
        "company_exports": len(export_rows),
        "products": len(product_rows),
        "buyers": len(buyer_ids),
        "buyer_contacts": len(contact_rows),
    }
    log.info("demo data loaded (seed %s): %s", data.seed, counts)
    return counts


def clear_demo(session: Session) -> None:
    """Delete every generated row and every demo user; references to them from other rows are cleared."""
    demo_users = select(User.id).where(User.email.endswith(f"@{DEMO_EMAIL_DOMAIN}", autoescape=True))
    companies = select(Company.id).where(Company.is_generated.is_(True))
    buyers = select(Buyer.id).where(Buyer.is_generated.is_(True))
    clear_demo_events(session)
    clear_consultation_demo(session)
    statements = (
        update(Company).where(Company.advisor_id.in_(demo_users)).values(advisor_id=None),
        update(AuditEntry).where(AuditEntry.actor_id.in_(demo_users)).values(actor_id=None),
        update(User).where(User.company_id.in_(companies)).values(company_id=None),
        update(User).where(User.buyer_id.in_(buyers)).values(buyer_id=None),
        delete(ApiToken).where(ApiToken.user_id.in_(demo_users)),
        delete(User).where(User.id.in_(demo_users)),
        delete(CompanyExport).where(CompanyExport.company_id.in_(companies)),
        delete(Product).where(Product.is_generated.is_(True) | Product.company_id.in_(companies)),
        delete(Company).where(Company.is_generated.is_(True)),
        delete(BuyerContact).where(BuyerContact.buyer_id.in_(buyers)),
        delete(Buyer).where(Buyer.is_generated.is_(True)),
    )
    for statement in statements:
        session.execute(statement, execution_options={"synchronize_session": False})


def _check_reference(session: Session, data: DemoData) -> None:
    """Raise :class:`InvalidInput` unless every province, country, HS code and currency used exists."""
    empty = [
        name
        for name, model in (("countries", Country), ("provinces", Province), ("hs_codes", HSCode))
        if not session.scalar(select(func.count()).select_from(model))
    ]
    if empty:
        raise InvalidInput(f"the reference data is missing ({', '.join(empty)} empty): {_HINT}")
    wanted: list[tuple[str, Any, set[str]]] = [
        ("provinces", Province.code, {c.province_code for c in data.companies}),
        ("countries", Country.iso3, {b.country_code for b in data.buyers}),
        ("HS codes", HSCode.code, {p.hs_code for c in data.companies for p in c.products}),
        ("currencies", Currency.code, {p.currency for c in data.companies for p in c.products}),
    ]
    for label, column, codes in wanted:
        missing = sorted(codes - _existing(session, column, codes))
        if missing:
            shown = ", ".join(missing[:10]) + (" ..." if len(missing) > 10 else "")
            raise InvalidInput(f"the reference data lacks {label} the demo data uses ({shown}): {_HINT}")


def _existing(session: Session, column: Any, codes: Iterable[str]) -> set[str]:
    found: set[str] = set()
    codes = sorted(codes)
    for start in range(0, len(codes), 500):
        condition: ColumnElement[bool] = column.in_(codes[start : start + 500])
        found.update(session.scalars(select(column).where(condition)))
    return found


def _user_row(user: DemoUser, password_hash: str) -> dict[str, Any]:
    return {
        "email": user.email,
        "full_name": user.full_name,
        "password_hash": password_hash,
        "role": user.role,
        "language": user.language,
        "is_active": True,
    }


def _insert_ids(session: Session, model: Any, rows: list[dict[str, Any]]) -> list[int]:
    """Insert ``rows`` in bulk and return their new ids, in the order of ``rows``."""
    if not rows:
        return []
    statement = insert(model).returning(model.id, sort_by_parameter_order=True)
    return list(session.scalars(statement, rows))


def _insert(session: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    if rows:
        session.execute(insert(model), rows)
