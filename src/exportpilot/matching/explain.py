"""What a match explanation can say: one message per signal code, in English with ``%(name)s`` slots.

The web pages translate the same strings (``web/matching/labels.py``, checked by a test), so the API and
the pages say the same thing.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

MESSAGES: dict[str, str] = {
    # matched
    "text_similar": "Descriptions are similar (%(percent)s%% of the best text match)",
    "hs_same6": "Same HS subheading %(code)s",
    "hs_same4": "Same HS heading %(code)s",
    "hs_same2": "Same HS chapter %(code)s",
    "certs_held": "Holds the required certifications: %(certs)s",
    "moq_ok": "The quantity %(quantity)s %(unit)s meets the minimum order of %(moq)s",
    "price_ok": "Target price %(target)s %(currency)s is within the price range (from %(price_min)s)",
    "trust": "Buyer trust score %(score)s of 100",
    "interest_hs": "The buyer lists HS %(code)s among its interests",
    # missing or falling short
    "hs_different": "Different HS codes: %(inquiry)s asked, %(product)s offered",
    "hs_unknown": "No HS code on %(side)s to compare",
    "certs_missing": "Missing required certifications: %(certs)s",
    "moq_short": "The quantity %(quantity)s %(unit)s is below the minimum order of %(moq)s",
    "price_low": "Target price %(target)s %(currency)s is below the lowest price %(price_min)s",
    "trust_low": "Buyer trust score %(score)s is below the bar of %(bar)s",
    # assumed, for want of data
    "moq_unknown": "Minimum order or quantity unknown: assumed feasible",
    "moq_units": "Quantity in %(unit)s, minimum order in %(moq_unit)s: not compared",
    "price_unknown": "Price or target price unknown: not compared",
    "price_currency": "Target price in %(currency)s, product priced in %(product_currency)s: not compared",
    "certs_none": "No certifications required",
    # penalties from earlier declines
    "declined_same": "The buyer declined this product before (%(reason)s)",
    "declined_similar": "The buyer declined %(count)s similar products (HS %(code)s) before",
    # the next question to ask
    "ask_quantity": "What quantity do you need, and in which unit?",
    "ask_certification": "Is %(certs)s a must, or would other certifications do?",
    "ask_moq": "Could the first order reach the minimum order of %(moq)s %(unit)s?",
    "ask_price": "What target price per unit, and in which currency, do you have in mind?",
    "ask_currency": "Could you accept prices in %(currency)s?",
    "ask_destination": "Where should the goods be delivered (country and port)?",
    "ask_hs": "Which product category or HS code does this fall under?",
    "ask_deadline": "By when do you need the goods?",
    "ask_interest": "Which of the product's specifications matter most, and what volume do you buy a year?",
    "ask_samples": "Would you like samples before ordering?",
}


def message(code: str, params: dict[str, Any] | None = None) -> str:
    """The English text of a signal."""
    template = MESSAGES[code]
    return template % params if params else template.replace("%%", "%")


class Signal(BaseModel):
    code: str
    params: dict[str, Any] = Field(default_factory=dict)
    text: str = ""

    @classmethod
    def of(cls, signal: str, /, **params: Any) -> Signal:
        clean = {k: (str(v) if not isinstance(v, int | float | str) else v) for k, v in params.items()}
        return cls(code=signal, params=clean, text=message(signal, clean))


class Explanation(BaseModel):
    """Why a match was made: what matched, what is missing or assumed, and what to ask next."""

    matched: list[Signal] = Field(default_factory=list)
    missing: list[Signal] = Field(default_factory=list)
    assumed: list[Signal] = Field(default_factory=list)
    penalties: list[Signal] = Field(default_factory=list)
    next_question: Signal | None = None
