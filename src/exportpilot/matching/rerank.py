"""Re-rank retrieved candidates on what a trade needs: HS compatibility, certifications, MOQ, price, trust.

Pure functions of plain data, so each signal is testable without a database. A match's score is the
weighted sum of its signals (each 0-1), less the penalties of earlier declines, and it comes with an
``Explanation``: what matched, what is missing or assumed, and the next question to ask.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from exportpilot.matching.explain import Explanation, Signal

# Same HS6 > same HS4 > same HS2 > different; unknown is neither rewarded nor ruled out.
HS_SCORES = {6: 1.0, 4: 0.7, 2: 0.35}
HS_UNKNOWN = 0.3
ASSUMED = 0.5  # MOQ or price that cannot be compared
WEIGHTS_FOR_PRODUCTS = {"text": 0.35, "hs": 0.25, "certs": 0.15, "moq": 0.10, "price": 0.15}
WEIGHTS_FOR_BUYERS = {"text": 0.30, "hs": 0.25, "certs": 0.10, "moq": 0.05, "price": 0.10, "trust": 0.20}
PENALTY_SAME = 0.30  # the buyer declined this very product
PENALTY_SIMILAR = 0.10  # ... per declined product of the same HS heading
PENALTY_SIMILAR_MAX = 0.20


@dataclass(frozen=True)
class Offer:
    """An exporter's product as matching sees it (``moq_unit`` canonical: pcs, kg, t ...)."""

    product_id: int
    hs_code: str | None = None
    certifications: tuple[str, ...] = ()
    moq: int | None = None
    moq_unit: str | None = None
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    currency: str | None = None


@dataclass(frozen=True)
class Need:
    """What a buyer wants: one inquiry, or its profile (HS interests) when it has no inquiry."""

    hs_codes: tuple[str, ...] = ()
    certifications: tuple[str, ...] = ()
    quantity: Decimal | None = None
    unit: str | None = None
    target_price: Decimal | None = None
    currency: str | None = None
    destination: str | None = None
    deadline: dt.date | None = None
    is_inquiry: bool = True


@dataclass(frozen=True)
class Decline:
    """An earlier introduction of this buyer that was declined."""

    product_id: int
    hs_code: str | None
    reason: str


@dataclass
class Scored:
    score: float
    signals: dict[str, float]
    explanation: Explanation
    penalty: float = 0.0
    below_bar: bool = False
    notes: list[str] = field(default_factory=list)


def _num(value: Decimal | int | float) -> str:
    d = Decimal(str(value))
    return format(d.quantize(Decimal(1)) if d == d.to_integral() else d.normalize(), "f")


def hs_level(need: str, offer: str) -> int:
    """How many leading digits two HS codes share at the levels that mean something: 6, 4, 2 or 0."""
    for level in (6, 4, 2):
        if len(need) >= level and len(offer) >= level and need[:level] == offer[:level]:
            return level
    return 0


def hs_fit(need: Need, offer: Offer, ex: Explanation) -> float:
    if not need.hs_codes or not offer.hs_code:
        side = "the product" if need.hs_codes else ("the inquiry" if need.is_inquiry else "the buyer")
        ex.missing.append(Signal.of("hs_unknown", side=side))
        return HS_UNKNOWN
    best = max(need.hs_codes, key=lambda c: hs_level(c, offer.hs_code or ""))
    level = hs_level(best, offer.hs_code)
    if level == 0:
        ex.missing.append(
            Signal.of("hs_different", inquiry="/".join(need.hs_codes[:3]), product=offer.hs_code)
        )
        return 0.0
    if need.is_inquiry:
        ex.matched.append(Signal.of(f"hs_same{level}", code=offer.hs_code[:level]))
    else:
        ex.matched.append(Signal.of("interest_hs", code=best))
    return HS_SCORES[level]


def _cert_key(name: str) -> str:
    return re.sub(r"[\s\-_.]", "", name.casefold()).removesuffix("mark")


def cert_fit(need: Need, offer: Offer, ex: Explanation) -> float:
    if not need.certifications:
        ex.assumed.append(Signal.of("certs_none"))
        return 1.0
    held = {_cert_key(c) for c in offer.certifications}
    have = [c for c in need.certifications if _cert_key(c) in held]
    lack = [c for c in need.certifications if _cert_key(c) not in held]
    if have:
        ex.matched.append(Signal.of("certs_held", certs=", ".join(have)))
    if lack:
        ex.missing.append(Signal.of("certs_missing", certs=", ".join(lack)))
    return len(have) / len(need.certifications)


def moq_fit(need: Need, offer: Offer, ex: Explanation) -> float:
    if need.quantity is None or offer.moq is None:
        ex.assumed.append(Signal.of("moq_unknown"))
        return ASSUMED
    if offer.moq_unit and need.unit and offer.moq_unit != need.unit:
        ex.assumed.append(Signal.of("moq_units", unit=need.unit, moq_unit=offer.moq_unit))
        return ASSUMED
    params = {"quantity": _num(need.quantity), "unit": need.unit or "", "moq": _num(offer.moq)}
    if need.quantity >= offer.moq:
        ex.matched.append(Signal.of("moq_ok", **params))
        return 1.0
    ex.missing.append(Signal.of("moq_short", **params))
    return float(need.quantity / offer.moq)


def price_fit(need: Need, offer: Offer, ex: Explanation) -> float:
    if need.target_price is None or offer.price_min is None:
        ex.assumed.append(Signal.of("price_unknown"))
        return ASSUMED
    if need.currency and offer.currency and need.currency != offer.currency:
        ex.assumed.append(
            Signal.of("price_currency", currency=need.currency, product_currency=offer.currency)
        )
        return ASSUMED
    params = {
        "target": _num(need.target_price),
        "currency": need.currency or "",
        "price_min": _num(offer.price_min),
    }
    if need.target_price >= offer.price_min:
        ex.matched.append(Signal.of("price_ok", **params))
        return 1.0
    ex.missing.append(Signal.of("price_low", **params))
    ratio = float(need.target_price / offer.price_min)
    return max(0.0, 1.0 - 2.0 * (1.0 - ratio))  # 50 % under the lowest price scores 0


def decline_penalty(declines: list[Decline], offer: Offer, ex: Explanation) -> float:
    """Earlier declines by the buyer lower the match: this product, or others of its HS heading."""
    same = [d for d in declines if d.product_id == offer.product_id]
    if same:
        ex.penalties.append(Signal.of("declined_same", reason=same[-1].reason))
        return PENALTY_SAME
    if not offer.hs_code:
        return 0.0
    heading = offer.hs_code[:4]
    similar = [d for d in declines if d.hs_code and d.hs_code[:4] == heading]
    if not similar:
        return 0.0
    ex.penalties.append(Signal.of("declined_similar", count=len(similar), code=heading))
    return min(PENALTY_SIMILAR_MAX, PENALTY_SIMILAR * len(similar))


def next_question(need: Need, offer: Offer, ex: Explanation) -> Signal:
    """The one question that would most improve this match, asked of whoever can answer it."""
    codes = {s.code: s for s in [*ex.missing, *ex.assumed]}
    if not need.is_inquiry:
        return Signal.of("ask_interest")
    if need.quantity is None:
        return Signal.of("ask_quantity")
    if "certs_missing" in codes:
        return Signal.of("ask_certification", certs=codes["certs_missing"].params["certs"])
    if "moq_short" in codes:
        return Signal.of(
            "ask_moq", moq=codes["moq_short"].params["moq"], unit=offer.moq_unit or need.unit or ""
        )
    if need.target_price is None:
        return Signal.of("ask_price")
    if "price_currency" in codes:
        return Signal.of("ask_currency", currency=offer.currency or "")
    if need.destination is None:
        return Signal.of("ask_destination")
    if "hs_unknown" in codes:
        return Signal.of("ask_hs")
    if need.deadline is None:
        return Signal.of("ask_deadline")
    return Signal.of("ask_samples")


def score_match(
    *,
    text: float,
    need: Need,
    offer: Offer,
    weights: dict[str, float],
    trust: int | None = None,
    bar: int | None = None,
    declines: list[Decline] | None = None,
) -> Scored:
    """Score one buyer-need / product pair from its text similarity (0-1) and the trade signals."""
    ex = Explanation()
    text = max(0.0, min(1.0, text))
    if text > 0:
        ex.matched.append(Signal.of("text_similar", percent=round(100 * text)))
    signals = {
        "text": text,
        "hs": hs_fit(need, offer, ex),
        "certs": cert_fit(need, offer, ex),
        "moq": moq_fit(need, offer, ex),
        "price": price_fit(need, offer, ex),
    }
    below = False
    if "trust" in weights and trust is not None:
        signals["trust"] = trust / 100
        if bar is not None and trust < bar:
            below = True
            ex.missing.append(Signal.of("trust_low", score=trust, bar=bar))
        else:
            ex.matched.append(Signal.of("trust", score=trust))
    penalty = decline_penalty(declines or [], offer, ex)
    total = sum(weights[k] * signals.get(k, 0.0) for k in weights) - penalty
    ex.next_question = next_question(need, offer, ex)
    return Scored(round(max(0.0, total), 4), signals, ex, penalty, below)
