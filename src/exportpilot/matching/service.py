"""Match buyers' needs to exporters' products and back, with an explanation for every match.

Retrieval finds the texts that say the same thing (``retrieval.text_scores``: the cross-lingual text
engine, whose product and buyer-text vectors persist in the vector index, or lexical); re-ranking
(``rerank.score_match``) then weighs what a trade needs: HS compatibility, certifications, MOQ against
quantity, price against target, the buyer's trust, and lowers pairs the buyer already declined.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy.orm import Session

from exportpilot.auth import policy
from exportpilot.buyers import inquiries as inquiry_service
from exportpilot.buyers import service as buyers
from exportpilot.buyers.repository import BuyerRepository, InquiryRepository
from exportpilot.buyers.schemas import canonical_unit
from exportpilot.buyers.trust import TrustScore
from exportpilot.matching.repository import MatchingRepository
from exportpilot.matching.rerank import (
    WEIGHTS_FOR_BUYERS,
    WEIGHTS_FOR_PRODUCTS,
    Decline,
    Need,
    Offer,
    Scored,
    hs_level,
    score_match,
)
from exportpilot.matching.retrieval import (
    ENGINE,
    Corpus,
    engine_enabled,
    lexical_scores,
    relative,
    text_scores,
)
from exportpilot.models import Buyer, Company, Inquiry, Introduction, IntroductionStage, Product, Role, User
from exportpilot.products import service as products

MAX_TOP = 50
RERANK_POOL = 200  # candidates re-ranked after retrieval (plus every one with a compatible HS code)
TRUST_POOL = 60  # buyers whose trust is computed, the best by text and HS


@dataclass
class ProductResult:
    product: Product
    company: Company
    scored: Scored
    introduction_id: int | None


@dataclass
class BuyerResult:
    buyer: Buyer
    inquiry: Inquiry | None
    trust: TrustScore
    introducible: bool
    scored: Scored
    introduction_id: int | None


def offer_of(product: Product) -> Offer:
    return Offer(
        product_id=product.id,
        hs_code=product.hs_code,
        certifications=tuple(product.certifications or ()),
        moq=product.moq,
        moq_unit=canonical_unit(product.moq_unit) or (product.moq_unit or None),
        price_min=product.price_min,
        price_max=product.price_max,
        currency=product.currency,
    )


def need_of(inquiry: Inquiry) -> Need:
    return Need(
        hs_codes=(inquiry.hs_code,) if inquiry.hs_code else (),
        certifications=tuple(inquiry.certifications or ()),
        quantity=inquiry.quantity,
        unit=inquiry.unit,
        target_price=inquiry.target_price,
        currency=inquiry.currency,
        destination=inquiry.destination_country,
        deadline=inquiry.deadline,
        is_inquiry=True,
    )


def profile_need(buyer: Buyer) -> Need:
    return Need(hs_codes=tuple(buyer.hs_interests or ()), is_inquiry=False)


def product_text(product: Product, hs: dict[str, str]) -> str:
    parts = [product.name_ko, product.name_en, product.description_ko, product.description_en]
    if product.hs_code and product.hs_code in hs:
        parts.append(hs[product.hs_code])
    parts.extend(product.certifications or ())
    return "\n".join(p for p in parts if p)


def product_dense_text(product: Product) -> str:
    """What the text engine embeds for a product: its names and one description.

    The English description when there is one (e5 places it well for every language), else the
    Korean one; the HS description is left out (the known code goes to the HS bridge directly). About
    half the tokens of :func:`product_text`, so the catalogue embeds twice as fast.
    """
    description = product.description_en or product.description_ko
    return "\n".join(p for p in (product.name_ko, product.name_en, description) if p)


def inquiry_text(inquiry: Inquiry, hs: dict[str, str]) -> str:
    parts = [inquiry.title, inquiry.text]
    if inquiry.hs_code and inquiry.hs_code in hs:
        parts.append(hs[inquiry.hs_code])
    return "\n".join(parts)


def profile_text(buyer: Buyer, hs: dict[str, str]) -> str:
    parts = [buyer.products_of_interest or ""] + [hs[c] for c in buyer.hs_interests or () if c in hs]
    return "\n".join(p for p in parts if p)


def database_url(session: Session) -> str:
    """The URL of the session's database, password included (the vector index may connect to it)."""
    return session.get_bind().engine.url.render_as_string(hide_password=False)


def products_corpus(session: Session, pairs: list[tuple[Product, Company]], hs: dict[str, str]) -> Corpus:
    """The products as the text engine's corpus; their vectors persist in the vector index."""
    return Corpus(
        texts=[product_text(p, hs) for p, _ in pairs],
        keys=[p.id for p, _ in pairs],
        name="products",
        database_url=database_url(session),
        hs_codes=[p.hs_code for p, _ in pairs],
        dense_texts=[product_dense_text(p) for p, _ in pairs],
    )


def prepare_products(session: Session) -> int:
    """Embed the products that are new or changed into the vector index and fit the text engine on them.

    Returns
    -------
    int
        The number of products in the corpus.
    """
    from exportpilot.matching.retrieval import prepare

    repo = MatchingRepository(session)
    pairs = list(repo.products())
    hs = repo.hs_descriptions([p.hs_code for p, _ in pairs])
    prepare(products_corpus(session, pairs, hs))
    return len(pairs)


def _entry_key(buyer: Buyer, inquiry: Inquiry | None) -> int:
    # one key space for profiles (even) and inquiries (odd) in the buyer_texts index
    return 2 * int(inquiry.id) + 1 if inquiry is not None else 2 * int(buyer.id)


def _declines(rows: list[tuple[Introduction, str | None]]) -> dict[int, list[Decline]]:
    out: dict[int, list[Decline]] = defaultdict(list)
    for intro, hs in rows:
        if intro.stage == IntroductionStage.declined:
            reason = intro.decline_reason.value if intro.decline_reason else "other"
            out[intro.buyer_id].append(Decline(intro.product_id, hs, reason))
    return out


def _open_intros(rows: list[tuple[Introduction, str | None]]) -> dict[tuple[int, int], int]:
    return {(i.buyer_id, i.product_id): i.id for i, _ in rows if i.stage != IntroductionStage.declined}


def _hs_compatible(codes: tuple[str, ...], code: str | None) -> bool:
    return bool(code) and any(hs_level(c, code or "") >= 4 for c in codes)


def match_inquiry(
    session: Session, *, inquiry_id: int, actor: User, top: int = 10
) -> tuple[Inquiry, bool, list[ProductResult], str]:
    """Rank the exporters' products for a buyer's inquiry."""
    inquiry = inquiry_service.get_inquiry(session, inquiry_id=inquiry_id, actor=actor)
    policy.require(
        policy.can_match_inquiry(actor, inquiry), "only the buyer and agency staff match inquiries"
    )
    top = max(1, min(top, MAX_TOP))
    buyer = BuyerRepository(session).get(inquiry.buyer_id)
    assert buyer is not None
    trust = buyers.trust_scores(session, [buyer])[buyer.id]
    repo = MatchingRepository(session)
    pairs = list(repo.products())
    hs = repo.hs_descriptions([inquiry.hs_code, *(p.hs_code for p, _ in pairs)])
    raw, retrieval = text_scores(inquiry_text(inquiry, hs), products_corpus(session, pairs, hs))
    text = relative(raw)
    need = need_of(inquiry)
    order = sorted(range(len(pairs)), key=lambda i: -text[i])
    pool = set(order[:RERANK_POOL]) | {
        i for i, (p, _) in enumerate(pairs) if _hs_compatible(need.hs_codes, p.hs_code)
    }
    intro_rows = list(repo.introductions_between(buyer_ids=[buyer.id]))
    declines = _declines(intro_rows)[buyer.id]
    existing = _open_intros(intro_rows)
    results = []
    for i in pool:
        product, company = pairs[i]
        scored = score_match(
            text=text[i], need=need, offer=offer_of(product), weights=WEIGHTS_FOR_PRODUCTS, declines=declines
        )
        results.append(ProductResult(product, company, scored, existing.get((buyer.id, product.id))))
    results.sort(key=lambda r: (-r.scored.score, r.product.id))
    return inquiry, buyers.is_introducible(buyer, trust), results[:top], retrieval


Entry = tuple[Buyer, Inquiry | None, Need, str]


def _buyer_entries(session: Session) -> tuple[list[Buyer], list[Entry], Corpus]:
    """Every active buyer's profile and open inquiries, and their texts as the engine's corpus."""
    repo = MatchingRepository(session)
    candidates = list(BuyerRepository(session).active(exclude_blocked=True))
    by_buyer: dict[int, list[Inquiry]] = defaultdict(list)
    for inquiry in InquiryRepository(session).open_of_buyers(b.id for b in candidates):
        by_buyer[inquiry.buyer_id].append(inquiry)
    hs_codes: list[str | None] = []
    for b in candidates:
        hs_codes += list(b.hs_interests or ())
        hs_codes += [i.hs_code for i in by_buyer[b.id]]
    hs = repo.hs_descriptions(hs_codes)
    entries: list[Entry] = []
    for b in candidates:
        entries.append((b, None, profile_need(b), profile_text(b, hs)))
        entries += [(b, i, need_of(i), inquiry_text(i, hs)) for i in by_buyer[b.id]]
    corpus = Corpus(
        texts=[e[3] for e in entries],
        keys=[_entry_key(b, i) for b, i, _n, _t in entries],
        name="buyer_texts",
        database_url=database_url(session),
        hs_codes=[i.hs_code if i is not None else list(b.hs_interests or ()) for b, i, _n, _t in entries],
        # the buyer's own words; the HS descriptions of its interests go to the bridge as codes
        dense_texts=[
            "\n".join(x for x in (i.title, i.text) if x) if i is not None else (b.products_of_interest or t)
            for b, i, _n, t in entries
        ],
    )
    return candidates, entries, corpus


def prepare_buyer_texts(session: Session) -> int:
    """Embed the buyers' new or changed profiles and open inquiries into the vector index; fit the engine.

    Returns
    -------
    int
        The number of texts (profiles and inquiries) in the corpus.
    """
    from exportpilot.matching.retrieval import prepare

    _candidates, entries, corpus = _buyer_entries(session)
    prepare(corpus)
    return len(entries)


def match_product(
    session: Session, *, product_id: int, actor: User, top: int = 10
) -> tuple[Product, list[BuyerResult], str]:
    """Rank buyers (through their open inquiries or their profile) for an exporter's product.

    Exporters see only buyers above the trust bar; staff also see the others, marked as such.
    """
    product = products.get_product(session, product_id=product_id, actor=actor)
    policy.require(
        policy.can_match_product(actor, product), "only the exporter and agency staff match products"
    )
    top = max(1, min(top, MAX_TOP))
    repo = MatchingRepository(session)
    candidates, entries, corpus = _buyer_entries(session)
    hs = repo.hs_descriptions([product.hs_code])
    raw, retrieval = text_scores(product_text(product, hs), corpus)
    text = relative(raw)
    offer = offer_of(product)
    # A first pass without trust picks the buyers worth scoring in full.
    best: dict[int, tuple[float, int]] = {}
    for n, (b, _inq, need, _t) in enumerate(entries):
        pre = score_match(text=text[n], need=need, offer=offer, weights=WEIGHTS_FOR_PRODUCTS).score
        if b.id not in best or pre > best[b.id][0]:
            best[b.id] = (pre, n)
    shortlist = sorted(best, key=lambda bid: -best[bid][0])[:TRUST_POOL]
    buyers_by_id = {b.id: b for b in candidates}
    trusts = buyers.trust_scores(session, [buyers_by_id[bid] for bid in shortlist])
    intro_rows = list(repo.introductions_between(buyer_ids=shortlist))
    declines = _declines(intro_rows)
    existing = _open_intros(intro_rows)
    bar = buyers.trust_bar()
    results: list[BuyerResult] = []
    for n, (b, inq, need, _t) in enumerate(entries):
        if b.id not in trusts:
            continue
        trust = trusts[b.id]
        scored = score_match(
            text=text[n],
            need=need,
            offer=offer,
            weights=WEIGHTS_FOR_BUYERS,
            trust=trust.score,
            bar=bar,
            declines=declines[b.id],
        )
        introducible = buyers.is_introducible(b, trust, bar)
        if actor.role == Role.exporter and not introducible:
            continue
        results.append(BuyerResult(b, inq, trust, introducible, scored, existing.get((b.id, product.id))))
    # One row per buyer: its best-matching inquiry (or its profile).
    results.sort(key=lambda r: (-r.scored.score, r.buyer.id, r.inquiry.id if r.inquiry else 0))
    seen: set[int] = set()
    unique = []
    for r in results:
        if r.buyer.id not in seen:
            seen.add(r.buyer.id)
            unique.append(r)
    return product, unique[:top], retrieval


def score_pair(session: Session, *, buyer: Buyer, product: Product, inquiry: Inquiry | None) -> Scored:
    """Score one buyer (or one of its inquiries) against one product, as the rankings do."""
    repo = MatchingRepository(session)
    hs = repo.hs_descriptions([product.hs_code, inquiry.hs_code if inquiry else None, *buyer.hs_interests])
    query = inquiry_text(inquiry, hs) if inquiry else profile_text(buyer, hs)
    text = 0.0
    if engine_enabled():
        # the engine's scores are relative to a corpus: the product's place among all products, as
        # match_inquiry ranks it (the fitted corpus is shared with the rankings)
        pairs = list(repo.products())
        hs_all = repo.hs_descriptions([p.hs_code for p, _ in pairs])
        raw, used = text_scores(query, products_corpus(session, pairs, hs_all))
        row = next((i for i, (p, _) in enumerate(pairs) if p.id == product.id), None)
        if used == ENGINE and row is not None:
            text = relative(raw)[row]
        else:
            text = min(1.0, 2 * lexical_scores(query, [product_text(product, hs)])[0])
    else:
        raw, _ = text_scores(query, [product_text(product, hs)])
        # One candidate has no best to be relative to: a lone pair keeps its raw similarity, scaled as
        # the lexical scores of good matches are (about 0.5 for a close paraphrase).
        text = min(1.0, 2 * raw[0]) if raw else 0.0
    trust = buyers.trust_scores(session, [buyer])[buyer.id]
    declines = _declines(list(repo.introductions_between(buyer_ids=[buyer.id])))[buyer.id]
    return score_match(
        text=text,
        need=need_of(inquiry) if inquiry else profile_need(buyer),
        offer=offer_of(product),
        weights=WEIGHTS_FOR_BUYERS,
        trust=trust.score,
        bar=buyers.trust_bar(),
        declines=declines,
    )
