"""Buyers' inquiries (RFQs): free text in any language plus optional structured fields, validated."""

from __future__ import annotations

import datetime as dt
import logging
import re
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from exportpilot.audit import service as audit
from exportpilot.auth import policy
from exportpilot.buyers import service as buyers
from exportpilot.buyers.repository import BuyerRepository, InquiryRepository
from exportpilot.buyers.schemas import (
    DEFAULT_MAX_QUANTITY,
    MAX_QUANTITY,
    InquiryCreate,
    InquiryFilter,
    InquiryUpdate,
)
from exportpilot.config import get_settings
from exportpilot.errors import InvalidInput, NotFound, PermissionDenied
from exportpilot.kit.pagination import PageParams
from exportpilot.models import Buyer, HSSource, Inquiry, Role, User, VerificationStatus
from exportpilot.reference import service as reference

log = logging.getLogger(__name__)

MAX_DEADLINE = dt.timedelta(days=2 * 366)
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_URL = re.compile(r"(https?://|www\.)\S+", re.I)
_PHONE = re.compile(r"\+?\d[\d\s().-]{6,}\d")


def redact_contacts(text: str) -> str:
    """Hide e-mail addresses, web addresses and phone numbers that a buyer typed into an inquiry."""
    text = _EMAIL.sub("[…]", text)
    text = _URL.sub("[…]", text)
    return _PHONE.sub(lambda m: "[…]" if sum(c.isdigit() for c in m.group(0)) >= 8 else m.group(0), text)


def _candidate_fields(candidate: Any) -> tuple[str | None, float | None]:
    if isinstance(candidate, list | tuple) and len(candidate) >= 2:
        return str(candidate[0]), float(candidate[1])

    def pick(*names: str) -> Any:
        for name in names:
            value = candidate.get(name) if isinstance(candidate, dict) else getattr(candidate, name, None)
            if value is not None:
                return value
        return None

    code = pick("hs6", "code", "hs_code")
    score = pick("probability", "score", "confidence")
    return (str(code) if code is not None else None), (float(score) if score is not None else None)


def suggest_hs(text: str) -> tuple[str | None, str]:
    """Ask the trained HS classifier (``exportpilot hs train``) for the inquiry's HS6.

    Returns the code (or None) and a note saying where it came from or why there is none.
    """
    from exportpilot.products.hs_classifier import HSModelNotFound
    from exportpilot.products.hs_model import load_default

    try:
        model = load_default(get_settings())
    except HSModelNotFound as exc:
        log.info("no HS model: %s", exc)
        return None, "HS code left empty: no HS classifier model is built yet (exportpilot hs train)"
    except Exception as exc:  # the classifier is optional: an inquiry is saved without it, saying why
        log.exception("the HS classifier failed to load")
        return None, f"HS code left empty: the HS classifier failed to load ({type(exc).__name__})"
    try:
        prediction = model.predict_top([text], 1, explain=False)[0]
    except Exception as exc:  # as above: report, do not lose the inquiry
        log.exception("the HS classifier failed")
        return None, f"HS code left empty: the HS classifier failed ({type(exc).__name__})"
    top = prediction.top
    if top is None:
        return None, "HS code left empty: the HS classifier found no code"
    if prediction.needs_review:
        return None, (
            f"HS code left empty: the HS classifier's best guess {top.hs6} "
            f"(probability {top.probability:.2f}) needs expert review"
        )
    return top.hs6, f"suggested by the HS classifier (probability {top.probability:.2f}); please confirm"


def _buyer_for(session: Session, actor: User, buyer_id: int | None) -> Buyer:
    if actor.role == Role.buyer:
        if actor.buyer_id is None:
            raise PermissionDenied("register your company as a buyer before posting inquiries")
        if buyer_id is not None and buyer_id != actor.buyer_id:
            raise PermissionDenied("a buyer posts inquiries only for itself")
        buyer_id = actor.buyer_id
    if buyer_id is None:
        raise InvalidInput("buyer_id: name the buyer who sends the inquiry", field="buyer_id")
    buyer = BuyerRepository(session).get(buyer_id)
    if buyer is None:
        raise InvalidInput(f"buyer_id: unknown buyer {buyer_id}", field="buyer_id")
    policy.require(policy.can_post_inquiry(actor, buyer), "you may not post inquiries for this buyer")
    if buyer.merged_into_id is not None:
        raise InvalidInput(
            f"buyer_id: buyer {buyer.id} was merged into buyer {buyer.merged_into_id}", field="buyer_id"
        )
    if buyer.verification_status == VerificationStatus.blocked:
        raise PermissionDenied("this buyer is blocked and cannot post inquiries")
    return buyer


def _validate(session: Session, fields: dict[str, Any], *, today: dt.date) -> None:
    """Check the structured fields against the reference data; each problem names its field."""
    if fields.get("language"):
        fields["language"] = reference.get_language(session, fields["language"], field="language").code
    if fields.get("hs_code"):
        fields["hs_code"] = reference.get_hs_code(
            session, fields["hs_code"], field="hs_code", levels=(2, 4, 6)
        ).code
    quantity: Decimal | None = fields.get("quantity")
    if quantity is not None:
        if not fields.get("unit"):
            raise InvalidInput("unit: give the unit of the quantity (pcs, kg, t, ...)", field="unit")
        limit = MAX_QUANTITY.get(fields["unit"], DEFAULT_MAX_QUANTITY)
        if quantity > limit:
            raise InvalidInput(
                f"quantity: {quantity} {fields['unit']} is not a plausible order (at most {limit:,})",
                field="quantity",
            )
    if fields.get("target_price") is not None and not fields.get("currency"):
        raise InvalidInput("currency: give the currency of the target price", field="currency")
    if fields.get("currency"):
        fields["currency"] = reference.get_currency(session, fields["currency"], field="currency").code
    if fields.get("destination_country"):
        fields["destination_country"] = reference.get_country(
            session, fields["destination_country"], field="destination_country"
        ).iso3
    deadline: dt.date | None = fields.get("deadline")
    if deadline is not None:
        if deadline < today:
            raise InvalidInput(f"deadline: {deadline.isoformat()} is in the past", field="deadline")
        if deadline > today + MAX_DEADLINE:
            raise InvalidInput("deadline: more than two years ahead", field="deadline")


def create_inquiry(
    session: Session, *, data: InquiryCreate, actor: User, today: dt.date | None = None
) -> Inquiry:
    """Post a buyer's inquiry; when it has no HS code, the classifier suggests one if it can."""
    buyer = _buyer_for(session, actor, data.buyer_id)
    fields = data.model_dump(exclude={"buyer_id"})
    _validate(session, fields, today=today or dt.date.today())
    if fields.get("hs_code"):
        fields["hs_source"] = HSSource.buyer
    else:
        code, note = suggest_hs(f"{data.title}\n{data.text}")
        if code is not None:
            try:
                fields["hs_code"] = reference.get_hs_code(session, code).code
                fields["hs_source"] = HSSource.classifier
            except InvalidInput:
                note = f"HS code left empty: the classifier suggested {code}, which is not in HS 2022"
        fields["hs_note"] = note
    inquiry = Inquiry(buyer_id=buyer.id, created_by_id=actor.id, **fields)
    InquiryRepository(session).add(inquiry)
    audit.record(
        session,
        actor=actor,
        action="create",
        entity="inquiry",
        entity_id=inquiry.id,
        changes={"buyer_id": buyer.id, **data.model_dump(mode="json", exclude={"buyer_id"})},
    )
    return inquiry


def _introducible(session: Session, buyer_id: int) -> bool:
    buyer = BuyerRepository(session).get(buyer_id)
    if buyer is None:
        return False
    return buyers.is_introducible(buyer, buyers.trust_scores(session, [buyer])[buyer.id])


def get_inquiry(session: Session, *, inquiry_id: int, actor: User) -> Inquiry:
    """Return an inquiry the actor may see (exporters: open inquiries of buyers above the trust bar)."""
    inquiry = InquiryRepository(session).get(inquiry_id)
    if inquiry is None:
        raise NotFound(f"inquiry {inquiry_id} not found")
    introducible = actor.role == Role.exporter and _introducible(session, inquiry.buyer_id)
    policy.require(
        policy.can_view_inquiry(actor, inquiry, introducible=introducible), "you may not see this inquiry"
    )
    return inquiry


def shown_text(inquiry: Inquiry, actor: User) -> str:
    """The inquiry's text as the actor may read it: exporters never see contact details typed into it."""
    return redact_contacts(inquiry.text) if actor.role == Role.exporter else inquiry.text


def list_inquiries(
    session: Session, *, actor: User, filters: InquiryFilter, params: PageParams
) -> tuple[list[Inquiry], int]:
    """List the inquiries the actor may see (exporters find inquiries through their matches)."""
    if actor.role == Role.exporter:
        raise PermissionDenied("exporters see inquiries through the buyers matched to their products")
    only = None
    if actor.role == Role.buyer:
        only = actor.buyer_id if actor.buyer_id is not None else -1
    repo = InquiryRepository(session)
    items, total = repo.paginate(repo.filtered(filters, only_buyer=only), params)
    return list(items), total


def update_inquiry(
    session: Session, *, inquiry_id: int, data: InquiryUpdate, actor: User, today: dt.date | None = None
) -> Inquiry:
    """Change or close an inquiry of the actor's (staff: any)."""
    inquiry = get_inquiry(session, inquiry_id=inquiry_id, actor=actor)
    policy.require(policy.can_edit_inquiry(actor, inquiry), "you may not change this inquiry")
    updates = data.model_dump(exclude_unset=True)
    for required in ("title", "text"):
        if required in updates and updates[required] is None:
            raise InvalidInput(f"{required} cannot be empty", field=required)
    merged = {
        "quantity": inquiry.quantity,
        "unit": inquiry.unit,
        "target_price": inquiry.target_price,
        "currency": inquiry.currency,
        **updates,
    }
    if "deadline" not in updates:
        merged.pop("deadline", None)
    _validate(session, merged, today=today or dt.date.today())
    for key in ("language", "hs_code", "currency", "destination_country"):
        if key in updates:
            updates[key] = merged[key]
    if updates.get("hs_code"):
        updates["hs_source"] = HSSource.buyer
        updates["hs_note"] = None
    changes = audit.diff(inquiry, updates)
    session.flush()
    if changes:
        audit.record(
            session, actor=actor, action="update", entity="inquiry", entity_id=inquiry.id, changes=changes
        )
    return inquiry
