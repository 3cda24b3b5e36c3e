"""Factories and helpers for the buyer-finding tests (registry, inquiries, matching, introductions)."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from exportpilot.models import (
    AuditEntry,
    Buyer,
    BuyerContact,
    Inquiry,
    Introduction,
    IntroductionEvent,
    IntroductionStage,
    VerificationSource,
    VerificationStatus,
)
from tests.factories import make_buyer

_seq = itertools.count(1)


def trusted_buyer(session: Session, **kw: Any) -> Buyer:
    """A buyer well above the default trust bar: verified by an office, consistent company domain."""
    n = next(_seq)
    slug = kw.pop("slug", f"trusted{n}")
    buyer = make_buyer(
        session,
        company_name=kw.pop("company_name", f"{slug.capitalize()} Trading Co., Ltd."),
        country_code=kw.pop("country_code", "VNM"),
        website=kw.pop("website", f"https://www.{slug}.com.vn"),
        email=kw.pop("email", f"buy@{slug}.com.vn"),
        phone=kw.pop("phone", "+84 28 3822 1234"),
        verification_status=kw.pop("verification_status", VerificationStatus.verified),
        verified_via=kw.pop("verified_via", VerificationSource.overseas_office),
        **kw,
    )
    buyer.contacts = [BuyerContact(name="Nguyen Van An", email=f"an@{slug}.com.vn", phone="+84 90 123 4567")]
    session.flush()
    return buyer


def make_inquiry(session: Session, buyer: Buyer, **kw: Any) -> Inquiry:
    inquiry = Inquiry(
        buyer_id=buyer.id,
        title=kw.pop("title", "Kitchen knives"),
        text=kw.pop("text", "We buy stainless steel kitchen knives for retail chains."),
        **kw,
    )
    session.add(inquiry)
    session.flush()
    return inquiry


def make_introduction(
    session: Session,
    buyer: Buyer,
    product: Any,
    *,
    stage: IntroductionStage = IntroductionStage.introduced,
    created_at: dt.datetime | None = None,
    answered_after: dt.timedelta | None = None,
    **kw: Any,
) -> Introduction:
    created = created_at or dt.datetime.now(dt.UTC)
    intro = Introduction(
        buyer_id=buyer.id,
        product_id=product.id,
        company_id=product.company_id,
        stage=stage,
        created_at=created,
        answered_at=created + answered_after if answered_after is not None else None,
        **kw,
    )
    intro.events = [IntroductionEvent(stage=IntroductionStage.introduced, at=created)]
    session.add(intro)
    session.flush()
    return intro


def count(session: Session, model: Any) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def audit_actions(session: Session, entity: str, entity_id: int) -> list[str]:
    stmt = (
        select(AuditEntry.action)
        .where(AuditEntry.entity == entity, AuditEntry.entity_id == str(entity_id))
        .order_by(AuditEntry.id)
    )
    return list(session.scalars(stmt).all())


def money(value: str) -> Decimal:
    return Decimal(value)
