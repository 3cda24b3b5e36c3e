"""Overseas buyers: the importers the agency introduces to Korean exporters, screened and de-duplicated."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from exportpilot.audit import service as audit
from exportpilot.auth import policy
from exportpilot.buyers.dedup import BuyerKey, DuplicateIndex, DuplicateMatch
from exportpilot.buyers.repository import BuyerRepository
from exportpilot.buyers.schemas import BuyerCreate, BuyerFilter, BuyerUpdate, ContactIn, ScreeningIn
from exportpilot.buyers.trust import InquiryFacts, TrustFacts, TrustScore, compute_trust
from exportpilot.config import get_settings
from exportpilot.db.base import utcnow
from exportpilot.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from exportpilot.kit.pagination import PageParams
from exportpilot.models import (
    Buyer,
    BuyerContact,
    HSSource,
    Inquiry,
    Introduction,
    IntroductionStage,
    Role,
    User,
    VerificationSource,
    VerificationStatus,
)
from exportpilot.reference import service as reference

# An introduction not answered within this window counts against the buyer's responsiveness.
ANSWER_WINDOW = dt.timedelta(days=7)
MEETING_STAGES = frozenset({IntroductionStage.meeting, IntroductionStage.sample, IntroductionStage.contract})
# When duplicates are merged, the most severe screening decision survives.
_SEVERITY = {
    VerificationStatus.unverified: 0,
    VerificationStatus.verified: 1,
    VerificationStatus.flagged: 2,
    VerificationStatus.blocked: 3,
}
_SCREEN_ACTIONS = {
    VerificationStatus.verified: "verify",
    VerificationStatus.flagged: "flag",
    VerificationStatus.blocked: "block",
}
_FILLABLE = (
    "city",
    "website",
    "email",
    "phone",
    "business_type",
    "annual_imports_usd",
    "products_of_interest",
)


def _aware(value: dt.datetime) -> dt.datetime:
    # SQLite hands back naive datetimes for timezone-aware columns; they are UTC.
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def normalise_fields(session: Session, fields: dict[str, Any]) -> None:
    """Resolve country, language and HS codes in ``fields`` (raising InvalidInput naming the field)."""
    if fields.get("country"):
        fields["country_code"] = reference.get_country(session, fields.pop("country"), field="country").iso3
    else:
        fields.pop("country", None)
    if fields.get("languages"):
        fields["languages"] = [
            reference.get_language(session, c, field="languages").code for c in fields["languages"]
        ]
    for code in fields.get("hs_interests") or []:
        reference.get_hs_code(session, code, field="hs_interests", levels=(2, 4, 6))


def make_contacts(session: Session, contacts: list[ContactIn]) -> list[BuyerContact]:
    out = []
    for c in contacts:
        if c.language:
            reference.get_language(session, c.language, field="contacts.language")
        out.append(BuyerContact(**c.model_dump()))
    return out


def buyer_key(buyer: Buyer) -> BuyerKey:
    """What de-duplication compares of a stored buyer."""
    return BuyerKey.of(
        id=buyer.id,
        name=buyer.company_name,
        country=buyer.country_code,
        website=buyer.website,
        emails=[buyer.email, *(c.email for c in buyer.contacts)],
    )


def duplicate_index(session: Session, countries: set[str]) -> DuplicateIndex:
    """The buyers of ``countries`` (merged duplicates left out), ready to look for duplicates in."""
    return DuplicateIndex(buyer_key(b) for b in BuyerRepository(session).active_in_countries(countries))


def get_buyer(session: Session, *, buyer_id: int, actor: User) -> Buyer:
    """Return a buyer the actor may see."""
    buyer = BuyerRepository(session).get(buyer_id)
    if buyer is None:
        raise NotFound(f"buyer {buyer_id} not found")
    policy.require(policy.can_view_buyer(actor, buyer), "you may not see this buyer")
    return buyer


def merged_from_ids(session: Session, *, buyer_id: int) -> list[int]:
    """The ids of the duplicates merged into this buyer."""
    return BuyerRepository(session).merged_from(buyer_id)


def list_buyers(
    session: Session, *, actor: User, filters: BuyerFilter, params: PageParams
) -> tuple[list[Buyer], int]:
    """List the buyers the actor may see."""
    if actor.role == Role.exporter:
        raise PermissionDenied("exporters see buyers only through introductions")
    only = None
    if actor.role == Role.buyer:
        only = actor.buyer_id if actor.buyer_id is not None else -1
    if filters.country:
        filters = filters.model_copy(update={"country": reference.get_country(session, filters.country).iso3})
    repo = BuyerRepository(session)
    items, total = repo.paginate(repo.filtered(filters, only_id=only), params)
    return list(items), total


def create_buyer(session: Session, *, data: BuyerCreate, actor: User) -> Buyer:
    """Register an overseas buyer; a buyer user registers its own company."""
    policy.require(policy.can_create_buyer(actor), "you may not register a buyer")
    fields = data.model_dump(exclude={"contacts"})
    normalise_fields(session, fields)
    key = BuyerKey.of(
        id=None,
        name=fields["company_name"],
        country=fields["country_code"],
        website=fields.get("website"),
        emails=[fields.get("email"), *(c.email for c in data.contacts)],
    )
    same = [m for m in duplicate_index(session, {key.country}).matches(key) if m.verdict == "same"]
    if same:
        other = same[0].other
        raise Conflict(
            f"{fields['company_name']!r} in {key.country} is already registered as buyer {other.id} "
            f"({other.name!r})",
            field="company_name",
        )
    buyer = Buyer(**fields)
    buyer.contacts = make_contacts(session, data.contacts)
    BuyerRepository(session).add(buyer)
    if actor.role == Role.buyer:
        actor.buyer_id = buyer.id
    audit.record(
        session,
        actor=actor,
        action="create",
        entity="buyer",
        entity_id=buyer.id,
        changes=data.model_dump(mode="json"),
    )
    return buyer


def update_buyer(session: Session, *, buyer_id: int, data: BuyerUpdate, actor: User) -> Buyer:
    """Change a buyer the actor may edit; only agency staff set the verification status."""
    buyer = get_buyer(session, buyer_id=buyer_id, actor=actor)
    policy.require(policy.can_edit_buyer(actor, buyer), "you may not edit this buyer")
    updates = data.model_dump(exclude_unset=True, exclude={"contacts"})
    if "verification_status" in updates:
        policy.require(policy.can_verify_buyer(actor), "only agency staff may change the verification status")
        policy.require(
            policy.can_screen_buyer(actor, buyer, updates["verification_status"]),
            "only an admin may lift a block",
        )
    if updates.get("company_name", "") is None or ("country" in updates and updates["country"] is None):
        raise InvalidInput("company_name and country cannot be empty", field="company_name")
    normalise_fields(session, updates)
    changes = audit.diff(buyer, updates)
    if data.contacts is not None:
        buyer.contacts = make_contacts(session, data.contacts)
        changes["contacts"] = [c.model_dump(mode="json") for c in data.contacts]
    session.flush()
    if changes:
        audit.record(
            session, actor=actor, action="update", entity="buyer", entity_id=buyer.id, changes=changes
        )
    return buyer


def delete_buyer(session: Session, *, buyer_id: int, actor: User) -> None:
    """Delete a buyer (admins only)."""
    buyer = get_buyer(session, buyer_id=buyer_id, actor=actor)
    policy.require_admin(actor)
    audit.record(
        session,
        actor=actor,
        action="delete",
        entity="buyer",
        entity_id=buyer.id,
        changes={"company_name": buyer.company_name},
    )
    BuyerRepository(session).delete(buyer)


def screen_buyer(
    session: Session, *, buyer_id: int, status: VerificationStatus, data: ScreeningIn, actor: User
) -> Buyer:
    """Verify, flag or block a buyer, with the reason; the decision is audited."""
    buyer = BuyerRepository(session).get(buyer_id)
    if buyer is None:
        raise NotFound(f"buyer {buyer_id} not found")
    if status not in _SCREEN_ACTIONS:
        raise InvalidInput(f"status: {status.value!r} is not a screening decision", field="status")
    policy.require(
        policy.can_screen_buyer(actor, buyer, status),
        "only an admin may lift a block"
        if policy.is_staff(actor)
        else "only agency staff verify, flag or block buyers",
    )
    if buyer.merged_into_id is not None:
        raise Conflict(f"buyer {buyer.id} was merged into buyer {buyer.merged_into_id}; screen that one")
    via = buyer.verified_via
    if status == VerificationStatus.verified:
        via = data.via or VerificationSource.advisor
    changes = audit.diff(
        buyer,
        {
            "verification_status": status,
            "verified_via": via,
            "status_reason": data.reason,
            "status_changed_at": utcnow(),
            "status_changed_by_id": actor.id,
        },
    )
    session.flush()
    changes.pop("status_changed_at", None)
    audit.record(
        session,
        actor=actor,
        action=_SCREEN_ACTIONS[status],
        entity="buyer",
        entity_id=buyer.id,
        changes=changes,
    )
    return buyer


def trust_facts(session: Session, buyers: Sequence[Buyer]) -> dict[int, TrustFacts]:
    """Gather what the trust score looks at for each of ``buyers``, in a few queries."""
    repo = BuyerRepository(session)
    ids = [b.id for b in buyers]
    inquiries: dict[int, list[Inquiry]] = defaultdict(list)
    for inquiry in repo.inquiries_of(ids):
        inquiries[inquiry.buyer_id].append(inquiry)
    intros: dict[int, list[Introduction]] = defaultdict(list)
    for intro in repo.introductions_of(ids):
        intros[intro.buyer_id].append(intro)
    index = duplicate_index(session, {b.country_code for b in buyers})
    now = utcnow()
    out: dict[int, TrustFacts] = {}
    for b in buyers:
        answered = [i for i in intros[b.id] if i.answered_at is not None]
        # Due: answered, or waiting past the window; an exporter's decline ends the wait for the buyer.
        due = sum(
            1
            for i in intros[b.id]
            if i.answered_at is not None
            or (i.stage != IntroductionStage.declined and now - _aware(i.created_at) > ANSWER_WINDOW)
        )
        hours = tuple(
            max(0.0, (_aware(i.answered_at) - _aware(i.created_at)).total_seconds() / 3600)
            for i in answered
            if i.answered_at is not None
        )
        # Alike names with different company domains are usually namesakes: listed for review, not held
        # against the buyer; the same company registered twice, or sharing a domain, is.
        duplicates = tuple(
            sorted(
                m.other.id
                for m in index.matches(buyer_key(b), exclude_id=b.id)
                if m.other.id is not None and (m.verdict == "same" or m.shared_domains)
            )
        )
        out[b.id] = TrustFacts(
            company_name=b.company_name,
            country_iso2=b.country.iso2,
            status=b.verification_status,
            verified_via=b.verified_via,
            status_reason=b.status_reason,
            website=b.website,
            email=b.email,
            phone=b.phone,
            annual_imports_usd=b.annual_imports_usd,
            inquiries=tuple(
                InquiryFacts(
                    text=f"{i.title}\n{i.text}",
                    hs_code=i.hs_code is not None and i.hs_source != HSSource.classifier,
                    quantity=i.quantity is not None,
                    target_price=i.target_price is not None,
                    destination=i.destination_country is not None,
                    certifications=bool(i.certifications),
                )
                for i in inquiries[b.id]
            ),
            introductions_due=due,
            answer_hours=hours,
            meetings=sum(1 for i in intros[b.id] if i.stage in MEETING_STAGES),
            duplicate_ids=duplicates,
        )
    return out


def trust_scores(session: Session, buyers: Sequence[Buyer]) -> dict[int, TrustScore]:
    """The trust score of each buyer."""
    return {bid: compute_trust(facts) for bid, facts in trust_facts(session, buyers).items()}


def trust_bar() -> int:
    return get_settings().min_buyer_trust


def is_introducible(buyer: Buyer, score: TrustScore, bar: int | None = None) -> bool:
    """Whether a buyer may be shown and introduced to exporters: above the bar, not flagged or blocked."""
    if buyer.merged_into_id is not None:
        return False
    if buyer.verification_status in (VerificationStatus.flagged, VerificationStatus.blocked):
        return False
    return score.score >= (trust_bar() if bar is None else bar)


def get_trust(session: Session, *, buyer_id: int, actor: User) -> tuple[Buyer, TrustScore]:
    """Return a buyer's trust score with its evidence."""
    buyer = get_buyer(session, buyer_id=buyer_id, actor=actor)
    policy.require(policy.can_view_trust(actor, buyer), "you may not see this buyer's trust evidence")
    return buyer, trust_scores(session, [buyer])[buyer.id]


def find_duplicates(
    session: Session, *, actor: User | None, country: str | None = None
) -> list[tuple[Buyer, Buyer, DuplicateMatch]]:
    """List pairs of buyers that are or may be the same company, most certain first (actor None: CLI)."""
    policy.require(policy.can_merge_buyers(actor), "only agency staff review duplicate buyers")
    repo = BuyerRepository(session)
    if country:
        buyers = list(
            repo.active_in_countries({reference.get_country(session, country, field="country").iso3})
        )
    else:
        buyers = list(repo.active(exclude_blocked=False))
    by_id = {b.id: b for b in buyers}
    index = DuplicateIndex(buyer_key(b) for b in buyers)
    pairs: list[tuple[Buyer, Buyer, DuplicateMatch]] = []
    for b in buyers:
        for m in index.matches(buyer_key(b), exclude_id=b.id):
            if m.other.id is not None and m.other.id > b.id:
                pairs.append((b, by_id[m.other.id], m))
    pairs.sort(key=lambda p: (p[2].verdict != "same", -p[2].score, p[0].id, p[1].id))
    return pairs


def merge_buyers(session: Session, *, keep_id: int, merge_ids: list[int], actor: User | None) -> Buyer:
    """Merge duplicates into one buyer, moving their contacts, inquiries, introductions and users."""
    policy.require(policy.can_merge_buyers(actor), "only agency staff merge buyers")
    repo = BuyerRepository(session)
    keep = repo.get(keep_id)
    if keep is None:
        raise NotFound(f"buyer {keep_id} not found")
    if keep.merged_into_id is not None:
        raise Conflict(f"buyer {keep_id} was itself merged into buyer {keep.merged_into_id}", field="keep_id")
    if not merge_ids:
        raise InvalidInput("merge_ids: name at least one buyer to merge", field="merge_ids")
    dups: list[Buyer] = []
    for mid in dict.fromkeys(merge_ids):
        if mid == keep_id:
            raise InvalidInput("merge_ids: a buyer cannot be merged into itself", field="merge_ids")
        dup = repo.get(mid)
        if dup is None:
            raise NotFound(f"buyer {mid} not found")
        if dup.merged_into_id is not None:
            raise Conflict(
                f"buyer {mid} was already merged into buyer {dup.merged_into_id}", field="merge_ids"
            )
        dups.append(dup)
    moved = {"contacts": 0, "inquiries": 0, "introductions": 0, "users": 0}
    filled: dict[str, Any] = {}
    status_before = keep.verification_status
    for dup in dups:
        known = {(c.email or "").casefold() or c.name.casefold() for c in keep.contacts}
        for contact in list(dup.contacts):
            ident = (contact.email or "").casefold() or contact.name.casefold()
            if ident not in known:
                contact.buyer = keep
                known.add(ident)
                moved["contacts"] += 1
        for model, key in ((Inquiry, "inquiries"), (Introduction, "introductions"), (User, "users")):
            column = model.buyer_id
            result = session.execute(update(model).where(column == dup.id).values(buyer_id=keep.id))
            moved[key] += int(getattr(result, "rowcount", 0) or 0)
        session.execute(update(Buyer).where(Buyer.merged_into_id == dup.id).values(merged_into_id=keep.id))
        for name in _FILLABLE:
            if getattr(keep, name) in (None, "") and getattr(dup, name) not in (None, ""):
                setattr(keep, name, getattr(dup, name))
                filled[name] = getattr(dup, name)
        for name in ("hs_interests", "languages"):
            union = list(dict.fromkeys([*getattr(keep, name), *getattr(dup, name)]))
            if union != getattr(keep, name):
                setattr(keep, name, union)
                filled[name] = union
        if _SEVERITY[dup.verification_status] > _SEVERITY[keep.verification_status]:
            keep.verification_status = dup.verification_status
            keep.verified_via = dup.verified_via
            keep.status_reason = f"merged from buyer {dup.id}: {dup.status_reason or '–'}"[:500]
            keep.status_changed_at = dup.status_changed_at
        dup.merged_into_id = keep.id
    session.flush()
    session.expire_all()
    ids = [d.id for d in dups]
    changes: dict[str, Any] = {"merged_from": ids, "moved": moved, "filled": filled}
    if keep.verification_status != status_before:
        changes["verification_status"] = [status_before.value, keep.verification_status.value]
    audit.record(session, actor=actor, action="merge", entity="buyer", entity_id=keep.id, changes=changes)
    for mid in ids:
        audit.record(
            session,
            actor=actor,
            action="merge",
            entity="buyer",
            entity_id=mid,
            changes={"merged_into": keep.id},
        )
    merged = repo.get(keep.id)
    assert merged is not None
    return merged


def contact_details(session: Session, *, buyer_id: int, actor: User) -> Buyer:
    """Return a buyer whose contact details the actor may see (exporters: after an accepted introduction)."""
    buyer = BuyerRepository(session).get(buyer_id)
    if buyer is None:
        raise NotFound(f"buyer {buyer_id} not found")
    intros: list[Introduction] = []
    if actor.role == Role.exporter and actor.company_id is not None:
        intros = list(
            session.scalars(
                select(Introduction).where(
                    Introduction.buyer_id == buyer.id, Introduction.company_id == actor.company_id
                )
            ).all()
        )
    policy.require(
        policy.can_see_buyer_contacts(actor, buyer, intros),
        "an exporter sees a buyer's contact details only after the buyer accepted an introduction",
    )
    return buyer
