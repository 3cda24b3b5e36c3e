"""Words of the matching pages that come from the domain: explanation signals, stages, decline reasons.

The explanation strings repeat ``matching.explain.MESSAGES`` so that pybabel finds them here; a test
checks that the two stay the same.
"""

from __future__ import annotations

from typing import Any

from exportpilot.matching.explain import Explanation, Signal
from exportpilot.models import DeclineReason, IntroductionStage
from exportpilot.web.i18n import N_, gettext_for

MESSAGES = {
    "text_similar": N_("Descriptions are similar (%(percent)s%% of the best text match)"),
    "hs_same6": N_("Same HS subheading %(code)s"),
    "hs_same4": N_("Same HS heading %(code)s"),
    "hs_same2": N_("Same HS chapter %(code)s"),
    "certs_held": N_("Holds the required certifications: %(certs)s"),
    "moq_ok": N_("The quantity %(quantity)s %(unit)s meets the minimum order of %(moq)s"),
    "price_ok": N_("Target price %(target)s %(currency)s is within the price range (from %(price_min)s)"),
    "trust": N_("Buyer trust score %(score)s of 100"),
    "interest_hs": N_("The buyer lists HS %(code)s among its interests"),
    "hs_different": N_("Different HS codes: %(inquiry)s asked, %(product)s offered"),
    "hs_unknown": N_("No HS code on %(side)s to compare"),
    "certs_missing": N_("Missing required certifications: %(certs)s"),
    "moq_short": N_("The quantity %(quantity)s %(unit)s is below the minimum order of %(moq)s"),
    "price_low": N_("Target price %(target)s %(currency)s is below the lowest price %(price_min)s"),
    "trust_low": N_("Buyer trust score %(score)s is below the bar of %(bar)s"),
    "moq_unknown": N_("Minimum order or quantity unknown: assumed feasible"),
    "moq_units": N_("Quantity in %(unit)s, minimum order in %(moq_unit)s: not compared"),
    "price_unknown": N_("Price or target price unknown: not compared"),
    "price_currency": N_(
        "Target price in %(currency)s, product priced in %(product_currency)s: not compared"
    ),
    "certs_none": N_("No certifications required"),
    "declined_same": N_("The buyer declined this product before (%(reason)s)"),
    "declined_similar": N_("The buyer declined %(count)s similar products (HS %(code)s) before"),
    "ask_quantity": N_("What quantity do you need, and in which unit?"),
    "ask_certification": N_("Is %(certs)s a must, or would other certifications do?"),
    "ask_moq": N_("Could the first order reach the minimum order of %(moq)s %(unit)s?"),
    "ask_price": N_("What target price per unit, and in which currency, do you have in mind?"),
    "ask_currency": N_("Could you accept prices in %(currency)s?"),
    "ask_destination": N_("Where should the goods be delivered (country and port)?"),
    "ask_hs": N_("Which product category or HS code does this fall under?"),
    "ask_deadline": N_("By when do you need the goods?"),
    "ask_interest": N_(
        "Which of the product's specifications matter most, and what volume do you buy a year?"
    ),
    "ask_samples": N_("Would you like samples before ordering?"),
}

SIDES = {"the product": N_("the product"), "the inquiry": N_("the inquiry"), "the buyer": N_("the buyer")}

STAGES = {
    IntroductionStage.introduced: N_("Introduced"),
    IntroductionStage.accepted: N_("Accepted"),
    IntroductionStage.declined: N_("Declined"),
    IntroductionStage.contacted: N_("Contacted"),
    IntroductionStage.meeting: N_("Meeting"),
    IntroductionStage.sample: N_("Sample"),
    IntroductionStage.contract: N_("Contract"),
}

DECLINE_REASONS = {
    DeclineReason.price: N_("Price"),
    DeclineReason.moq: N_("Minimum order"),
    DeclineReason.certification: N_("Certification"),
    DeclineReason.specification: N_("Specification"),
    DeclineReason.not_relevant: N_("Not relevant"),
    DeclineReason.timing: N_("Timing"),
    DeclineReason.other: N_("Other"),
}

RETRIEVAL = {"lexical": N_("lexical text match"), "text-engine": N_("cross-lingual text engine")}


def signal_text(lang: str, signal: Signal | dict[str, Any]) -> str:
    """A signal in the reader's language (also for explanations stored as JSON on introductions)."""
    code = signal.code if isinstance(signal, Signal) else signal["code"]
    params = dict(signal.params if isinstance(signal, Signal) else signal.get("params", {}))
    if "side" in params and params["side"] in SIDES:
        params["side"] = gettext_for(lang, SIDES[params["side"]])
    if "reason" in params and params["reason"] in {r.value for r in DeclineReason}:
        params["reason"] = gettext_for(lang, DECLINE_REASONS[DeclineReason(params["reason"])])
    return (
        gettext_for(lang, MESSAGES[code], **params)
        if params
        else gettext_for(lang, MESSAGES[code]).replace("%%", "%")
    )


def explanation_view(lang: str, explanation: Explanation | dict[str, Any]) -> dict[str, Any]:
    data = explanation.model_dump() if isinstance(explanation, Explanation) else explanation
    view: dict[str, Any] = {
        key: [signal_text(lang, s) for s in data.get(key, [])]
        for key in ("matched", "missing", "assumed", "penalties")
    }
    nq = data.get("next_question")
    view["next_question"] = signal_text(lang, nq) if nq else None
    return view
