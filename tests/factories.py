"""Object factories: valid rows with overridable fields, so tests state only what matters."""

from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy.orm import Session

from exportpilot.kit.brn import brn_check_digit
from exportpilot.kit.security import hash_password
from exportpilot.models import Buyer, Company, Product, Role, User

_seq = itertools.count(1)
PASSWORD = "correct horse battery"
_PASSWORD_HASH = hash_password(PASSWORD)


def valid_brn(n: int | None = None) -> str:
    n = next(_seq) if n is None else n
    first9 = f"{(n * 7919) % 10**9:09d}"
    return first9 + str(brn_check_digit(first9))


def make_user(session: Session, role: Role = Role.exporter, **kw: Any) -> User:
    i = next(_seq)
    user = User(
        email=kw.pop("email", f"user{i}@example.com"),
        full_name=kw.pop("full_name", f"User {i}"),
        password_hash=_PASSWORD_HASH,
        role=role,
        **kw,
    )
    session.add(user)
    session.flush()
    return user


def make_company(session: Session, **kw: Any) -> Company:
    i = next(_seq)
    company = Company(
        name_ko=kw.pop("name_ko", f"테스트기업{i}"),
        name_en=kw.pop("name_en", f"Test Company {i}"),
        brn=kw.pop("brn", valid_brn()),
        province_code=kw.pop("province_code", "KR-48"),
        industry=kw.pop("industry", "machinery"),
        employees=kw.pop("employees", 25),
        **kw,
    )
    session.add(company)
    session.flush()
    return company


def make_product(session: Session, company: Company | None = None, **kw: Any) -> Product:
    company = company or make_company(session)
    i = next(_seq)
    product = Product(
        company_id=company.id,
        name_ko=kw.pop("name_ko", f"제품{i}"),
        name_en=kw.pop("name_en", f"Product {i}"),
        description_ko=kw.pop("description_ko", "스테인리스 주방용 칼"),
        description_en=kw.pop("description_en", "Stainless steel kitchen knife"),
        hs_code=kw.pop("hs_code", "821191"),
        **kw,
    )
    session.add(product)
    session.flush()
    return product


def make_buyer(session: Session, **kw: Any) -> Buyer:
    i = next(_seq)
    buyer = Buyer(
        company_name=kw.pop("company_name", f"Buyer Trading {i}"),
        country_code=kw.pop("country_code", "VNM"),
        **kw,
    )
    session.add(buyer)
    session.flush()
    return buyer
