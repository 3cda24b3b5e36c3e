"""Introductions: a match put in front of both sides, and what became of it.

introduced → accepted or declined (with a reason) → contacted → meeting → sample → contract (with value).
Every step records who and when. The buyer (or an advisor on its behalf) accepts; until then the
exporter never sees how to reach the buyer. Declines feed back into the rankings (``rerank``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from exportpilot.audit import service as audit
from exportpilot.auth import policy
from exportpilot.buyers import service as buyers
from exportpilot.buyers.repository import BuyerRepository, InquiryRepository
from exportpilot.db.base import utcnow
from exportpilot.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from exportpilot.kit.pagination import PageParams
from exportpilot.matching import service as matching
from exportpilot.matching.repository import IntroductionRepository
from exportpilot.matching.schemas import (
    FUNNEL_STAGES,
    AdvanceIn,
    DeclineIn,
    FunnelRead,
    FunnelRow,
    IntroductionCreate,
    IntroductionFilter,
)
from exportpilot.models import (
    Buyer,
    Introduction,
    IntroductionEvent,
    IntroductionStage,
    Product,
    Role,
    User,
)
from exportpilot.reference import service as reference

PROGRESS = (
    IntroductionStage.accepted,
    IntroductionStage.contacted,
    IntroductionStage.meeting,
    IntroductionStage.sample,
    IntroductionStage.contract,
)
STAGE_RANK = {s.value: n for n, s in enumerate((IntroductionStage.introduced, *PROGRESS))}


def _step(
    session: Session, intro: Introduction, stage: IntroductionStage, actor: User, note: str | None
) -> None:
    intro.stage = stage
    intro.events.append(IntroductionEvent(stage=stage, actor_id=actor.id, note=note, at=utcnow()))
    session.flush()


def get_introduction(session: Session, *, introduction_id: int, actor: User) -> Introduction:
    """Return an introduction the actor is party to (staff: any)."""
    intro = IntroductionRepository(session).get(introduction_id)
    if intro is None:
        raise NotFound(f"introduction {introduction_id} not found")
    policy.require(policy.can_view_introduction(actor, intro), "you are not party to this introduction")
    return intro


def list_introductions(
    session: Session, *, actor: User, filters: IntroductionFilter, params: PageParams
) -> tuple[list[Introduction], int]:
    """List the introductions the actor is party to (staff: all)."""
    only_buyer = only_company = None
    if actor.role == Role.buyer:
        only_buyer = actor.buyer_id if actor.buyer_id is not None else -1
    elif actor.role == Role.exporter:
        only_company = actor.company_id if actor.company_id is not None else -1
    repo = IntroductionRepository(session)
    items, total = repo.paginate(
        repo.filtered(filters, only_buyer=only_buyer, only_company=only_company), params
    )
    return list(items), total


def create_introduction(session: Session, *, data: IntroductionCreate, actor: User) -> Introduction:
    """Introduce a buyer to an exporter's product; a buyer asking for it accepts it at once."""
    buyer = BuyerRepository(session).get(data.buyer_id)
    if buyer is None:
        raise InvalidInput(f"buyer_id: unknown buyer {data.buyer_id}", field="buyer_id")
    product = session.get(Product, data.product_id)
    if product is None:
        raise InvalidInput(f"product_id: unknown product {data.product_id}", field="product_id")
    policy.require(
        policy.can_introduce(actor, buyer=buyer, product=product), "you may not make this introduction"
    )
    inquiry = None
    if data.inquiry_id is not None:
        inquiry = InquiryRepository(session).get(data.inquiry_id)
        if inquiry is None or inquiry.buyer_id != buyer.id:
            raise InvalidInput(
                f"inquiry_id: buyer {buyer.id} has no inquiry {data.inquiry_id}", field="inquiry_id"
            )
    trust = buyers.trust_scores(session, [buyer])[buyer.id]
    if not buyers.is_introducible(buyer, trust):
        raise Conflict(
            f"buyer {buyer.id} cannot be introduced: trust score {trust.score} "
            f"(bar {buyers.trust_bar()}), status {buyer.verification_status.value}",
            field="buyer_id",
        )
    repo = IntroductionRepository(session)
    if (already := repo.open_between(buyer.id, product.id)) is not None:
        raise Conflict(
            f"buyer {buyer.id} was already introduced to product {product.id} (introduction {already.id})"
        )
    scored = matching.score_pair(session, buyer=buyer, product=product, inquiry=inquiry)
    intro = Introduction(
        buyer_id=buyer.id,
        product_id=product.id,
        company_id=product.company_id,
        inquiry_id=inquiry.id if inquiry else None,
        stage=IntroductionStage.introduced,
        score=scored.score,
        explanation=scored.explanation.model_dump(mode="json"),
        introduced_by_id=actor.id,
    )
    repo.add(intro)
    _step(session, intro, IntroductionStage.introduced, actor, data.note)
    if actor.role == Role.buyer:  # the buyer asked for this supplier: that is its acceptance
        intro.answered_at = utcnow()
        _step(session, intro, IntroductionStage.accepted, actor, None)
    audit.record(
        session,
        actor=actor,
        action="create",
        entity="introduction",
        entity_id=intro.id,
        changes={**data.model_dump(mode="json"), "score": scored.score, "stage": intro.stage.value},
    )
    return intro


def accept_introduction(
    session: Session, *, introduction_id: int, actor: User, note: str | None = None
) -> Introduction:
    """The buyer (or an advisor for it) accepts: from now on the exporter sees its contact details."""
    intro = get_introduction(session, introduction_id=introduction_id, actor=actor)
    policy.require(
        policy.can_answer_introduction(actor, intro), "only the buyer or agency staff accept an introduction"
    )
    if intro.stage != IntroductionStage.introduced:
        raise Conflict(f"introduction {intro.id} is already {intro.stage.value}")
    intro.answered_at = utcnow()
    _step(session, intro, IntroductionStage.accepted, actor, note)
    audit.record(
        session,
        actor=actor,
        action="accept",
        entity="introduction",
        entity_id=intro.id,
        changes={"note": note},
    )
    return intro


def decline_introduction(
    session: Session, *, introduction_id: int, data: DeclineIn, actor: User
) -> Introduction:
    """Either side declines, with a reason that lowers similar matches later."""
    intro = get_introduction(session, introduction_id=introduction_id, actor=actor)
    policy.require(policy.can_decline_introduction(actor, intro), "you may not decline this introduction")
    if intro.stage not in (IntroductionStage.introduced, IntroductionStage.accepted):
        raise Conflict(f"introduction {intro.id} is {intro.stage.value} and can no longer be declined")
    if intro.answered_at is None and actor.role != Role.exporter:
        intro.answered_at = utcnow()
    intro.decline_reason = data.reason
    intro.decline_note = data.note
    _step(session, intro, IntroductionStage.declined, actor, data.note or data.reason.value)
    audit.record(
        session,
        actor=actor,
        action="decline",
        entity="introduction",
        entity_id=intro.id,
        changes=data.model_dump(mode="json"),
    )
    return intro


def advance_introduction(
    session: Session, *, introduction_id: int, data: AdvanceIn, actor: User
) -> Introduction:
    """Record progress after acceptance: contacted, meeting, sample, contract (with its value)."""
    intro = get_introduction(session, introduction_id=introduction_id, actor=actor)
    policy.require(
        policy.can_record_progress(actor, intro),
        "progress is recorded only after the buyer accepted the introduction",
    )
    stage = IntroductionStage(data.stage)
    if STAGE_RANK[stage.value] <= STAGE_RANK[intro.stage.value]:
        raise Conflict(
            f"introduction {intro.id} is already {intro.stage.value}; it moves forward only", field="stage"
        )
    changes: dict[str, Any] = {"stage": [intro.stage.value, stage.value]}
    if stage == IntroductionStage.contract:
        if data.contract_value is None:
            raise InvalidInput("contract_value: give the value of the contract", field="contract_value")
        currency = reference.get_currency(session, data.contract_currency or "", field="contract_currency")
        intro.contract_value = data.contract_value
        intro.contract_currency = currency.code
        changes["contract"] = [str(data.contract_value), currency.code]
    elif data.contract_value is not None:
        raise InvalidInput("contract_value: only a contract has a value", field="contract_value")
    _step(session, intro, stage, actor, data.note)
    audit.record(
        session, actor=actor, action="advance", entity="introduction", entity_id=intro.id, changes=changes
    )
    return intro


def contacts_visible(session: Session, intro: Introduction, actor: User) -> bool:
    if actor.role != Role.exporter:
        return policy.can_view_introduction(actor, intro)
    return intro.company_id == actor.company_id and intro.stage in policy.ACCEPTED_STAGES


def introduction_contacts(session: Session, *, introduction_id: int, actor: User) -> Buyer:
    """The buyer's contact details, for a party to the introduction once the buyer accepted it."""
    intro = get_introduction(session, introduction_id=introduction_id, actor=actor)
    if actor.role == Role.exporter and intro.stage not in policy.ACCEPTED_STAGES:
        raise PermissionDenied(
            "the buyer's contact details are shown once the buyer accepts the introduction "
            f"(now: {intro.stage.value})"
        )
    return buyers.contact_details(session, buyer_id=intro.buyer_id, actor=actor)


def funnel(session: Session, *, actor: User, by: str = "region") -> FunnelRead:
    """Count introductions by the furthest stage they reached, per region, advisor or market."""
    policy.require(policy.can_view_funnel(actor), "only agency staff see the outcomes funnel")
    if by not in ("region", "advisor", "market"):
        raise InvalidInput(f"by: {by!r} is not one of region, advisor, market", field="by")
    rows: dict[str, FunnelRow] = {}
    total = dict.fromkeys(FUNNEL_STAGES, 0)
    declined = 0
    for key, ko, en, stage, n in IntroductionRepository(session).stage_counts(by):
        row = rows.setdefault(
            key,
            FunnelRow(
                key=key or "-",
                name_ko=ko or "담당자 없음",
                name_en=en or "No advisor",
                counts=dict.fromkeys(FUNNEL_STAGES, 0),
                declined=0,
            ),
        )
        if stage == IntroductionStage.declined.value:
            # A declined introduction counts as introduced (and declined), whatever stage it had reached.
            row.declined += n
            declined += n
            row.counts["introduced"] += n
            total["introduced"] += n
            continue
        for s in FUNNEL_STAGES:
            if STAGE_RANK[s] <= STAGE_RANK[stage]:
                row.counts[s] += n
                total[s] += n
    ordered = sorted(rows.values(), key=lambda r: (-r.counts["introduced"], r.key))
    return FunnelRead.model_validate(
        {"by": by, "stages": list(FUNNEL_STAGES), "total": total, "declined": declined, "rows": ordered}
    )
