"""The buyer trust score: 0-100 from six components, each with its points and the evidence behind them.

``compute_trust`` is a pure function of ``TrustFacts`` (gathered from the database by the buyers service),
so every component can be checked on its own.

- identity (0-30): verified by an overseas trade office (30) or by an advisor (25);
- domains (0-15): web and e-mail domain agree (7) and resemble the company name (8);
- activity (0-20): inquiries posted (2 each, up to 3), replies to introductions (2 each, up to 3),
  meetings held (4 each, up to 2);
- responsiveness (0-15): share of introductions answered (up to 10), median answer within 3 days (5)
  or within a week (2);
- specificity (0-20): how many of HS code, quantity, target price, destination and certifications its
  inquiries give;
- signals (down to -60): a free-mail address for a large importer, a phone number or domain of another
  country, many near-identical inquiries, possible duplicate records, flagged by an advisor.

A blocked buyer scores 0 whatever the rest says.
"""

from __future__ import annotations

import statistics
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import phonenumbers
from rapidfuzz import fuzz

from exportpilot.buyers.dedup import (
    email_domain,
    host_domain,
    is_free_mail,
    name_matches_domain,
    normalise_name,
    tld_country,
)
from exportpilot.models import VerificationSource, VerificationStatus

LARGE_IMPORTER_USD = 1_000_000  # annual imports from which a buyer counts as a "large importer"
NEAR_IDENTICAL = 90  # token-set similarity (0-100) of two inquiry texts that are "near-identical"
NEAR_IDENTICAL_MIN_COUNT = 3  # this many near-identical inquiries is a spam signal
FAST_ANSWER_HOURS = 72
SLOW_ANSWER_HOURS = 168
SIGNALS_FLOOR = -60

# English text of every piece of evidence; the web pages translate the same strings (web/buyers/labels.py).
REASONS: dict[str, str] = {
    "identity_office": "Identity verified by an overseas trade office",
    "identity_advisor": "Identity verified by an advisor",
    "identity_unverified": "Identity not verified yet",
    "identity_flagged": "Flagged by an advisor: identity under review",
    "identity_blocked": "Blocked by the agency",
    "domains_none": "No web site or e-mail address to check",
    "domains_agree": "Web site and e-mail use the same domain (%(domain)s)",
    "domains_differ": "Web site (%(web)s) and e-mail (%(email)s) use different domains",
    "domain_single": "Only one company domain to check (%(domain)s)",
    "email_free_mail": "E-mail at a free mailbox provider (%(domain)s)",
    "domain_matches_name": "The domain %(domain)s matches the company name",
    "domain_unlike_name": "The domain %(domain)s does not resemble the company name",
    "activity_inquiries": "Inquiries posted: %(count)s",
    "activity_replies": "Replies to introductions: %(count)s",
    "activity_meetings": "Meetings held: %(count)s",
    "responsiveness_unknown": "No introductions answered or due yet",
    "responsiveness_share": "Answered %(answered)s of %(due)s introductions",
    "responsiveness_time": "Median answer time %(hours)s hours",
    "responsiveness_slow": "Median answer time %(hours)s hours (slow)",
    "specificity_none": "No inquiries to judge",
    "specificity_share": "Its inquiries give %(percent)s%% of: HS code, quantity, price, destination, "
    "certifications",
    "specificity_often_missing": "Often missing: %(fields)s",
    "signal_none": "No duplicate or fraud signals",
    "signal_free_mail_large": "A large importer writing from a free mailbox (%(domain)s)",
    "signal_phone_country": "Phone number is from %(phone_country)s, the buyer is registered in %(country)s",
    "signal_tld_country": "Domain %(domain)s is of %(tld_country)s, the buyer is registered in %(country)s",
    "signal_near_identical": "%(count)s near-identical inquiries",
    "signal_duplicate": "Possible duplicate of buyer records %(ids)s",
    "signal_flagged": "Flagged: %(reason)s",
    "signal_blocked": "Blocked: %(reason)s",
}
COMPONENT_MAX = {
    "identity": 30,
    "domains": 15,
    "activity": 20,
    "responsiveness": 15,
    "specificity": 20,
    "signals": 0,
}
SPECIFIC_FIELDS = ("hs_code", "quantity", "target_price", "destination", "certifications")
FIELD_NAMES = {
    "hs_code": "HS code",
    "quantity": "quantity",
    "target_price": "target price",
    "destination": "destination",
    "certifications": "certifications",
}


@dataclass(frozen=True)
class InquiryFacts:
    text: str
    hs_code: bool = False
    quantity: bool = False
    target_price: bool = False
    destination: bool = False
    certifications: bool = False

    def present(self) -> dict[str, bool]:
        return {f: bool(getattr(self, f)) for f in SPECIFIC_FIELDS}


@dataclass(frozen=True)
class TrustFacts:
    """Everything the score looks at, for one buyer."""

    company_name: str
    country_iso2: str
    status: VerificationStatus = VerificationStatus.unverified
    verified_via: VerificationSource | None = None
    status_reason: str | None = None
    website: str | None = None
    email: str | None = None
    phone: str | None = None
    annual_imports_usd: int | None = None
    inquiries: tuple[InquiryFacts, ...] = ()
    introductions_due: int = 0  # introductions answered, or waiting longer than the answer window
    answer_hours: tuple[float, ...] = ()  # how long each answered introduction waited
    meetings: int = 0
    duplicate_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class Evidence:
    code: str
    params: dict[str, Any] = field(default_factory=dict)
    points: int = 0

    def text(self, translate: Callable[[str], str] = lambda s: s) -> str:
        """The evidence in words; ``translate`` turns each English message into the reader's language."""
        params = {
            k: ", ".join(translate(FIELD_NAMES.get(str(v), str(v))) for v in value)
            if isinstance(value, list)
            else value
            for k, value in self.params.items()
        }
        return translate(REASONS[self.code]) % params


@dataclass(frozen=True)
class TrustComponent:
    code: str
    points: int
    max_points: int
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True)
class TrustScore:
    score: int
    components: tuple[TrustComponent, ...]
    blocked: bool = False

    def component(self, code: str) -> TrustComponent:
        return next(c for c in self.components if c.code == code)


def _component(code: str, evidence: list[Evidence], floor: int = 0) -> TrustComponent:
    points = sum(e.points for e in evidence)
    cap = COMPONENT_MAX[code]
    return TrustComponent(code, max(floor, min(cap, points)), cap, tuple(evidence))


def identity(f: TrustFacts) -> TrustComponent:
    if f.status == VerificationStatus.blocked:
        ev = Evidence("identity_blocked")
    elif f.status == VerificationStatus.flagged:
        ev = Evidence("identity_flagged")
    elif f.status == VerificationStatus.verified and f.verified_via == VerificationSource.overseas_office:
        ev = Evidence("identity_office", points=30)
    elif f.status == VerificationStatus.verified:
        ev = Evidence("identity_advisor", points=25)
    else:
        ev = Evidence("identity_unverified")
    return _component("identity", [ev])


def domains(f: TrustFacts) -> TrustComponent:
    web, mail = host_domain(f.website), email_domain(f.email)
    evidence: list[Evidence] = []
    if mail and is_free_mail(mail):
        evidence.append(Evidence("email_free_mail", {"domain": mail}))
        mail = None
    if not web and not mail:
        if not evidence:
            evidence.append(Evidence("domains_none"))
        return _component("domains", evidence)
    if web and mail:
        if web == mail:
            evidence.append(Evidence("domains_agree", {"domain": web}, 7))
        else:
            evidence.append(Evidence("domains_differ", {"web": web, "email": mail}))
    else:
        evidence.append(Evidence("domain_single", {"domain": web or mail}, 3))
    key = normalise_name(f.company_name)
    named = [d for d in (web, mail) if d and name_matches_domain(key, d)]
    if named:
        evidence.append(Evidence("domain_matches_name", {"domain": named[0]}, 8))
    else:
        evidence.append(Evidence("domain_unlike_name", {"domain": web or mail}))
    return _component("domains", evidence)


def activity(f: TrustFacts) -> TrustComponent:
    replies = len(f.answer_hours)
    evidence = [
        Evidence("activity_inquiries", {"count": len(f.inquiries)}, 2 * min(len(f.inquiries), 3)),
        Evidence("activity_replies", {"count": replies}, 2 * min(replies, 3)),
        Evidence("activity_meetings", {"count": f.meetings}, 4 * min(f.meetings, 2)),
    ]
    return _component("activity", evidence)


def responsiveness(f: TrustFacts) -> TrustComponent:
    due = max(f.introductions_due, len(f.answer_hours))
    if due == 0:
        return _component("responsiveness", [Evidence("responsiveness_unknown")])
    answered = len(f.answer_hours)
    evidence = [
        Evidence("responsiveness_share", {"answered": answered, "due": due}, round(10 * answered / due))
    ]
    if f.answer_hours:
        median = statistics.median(f.answer_hours)
        hours = round(median)
        if median <= FAST_ANSWER_HOURS:
            evidence.append(Evidence("responsiveness_time", {"hours": hours}, 5))
        elif median <= SLOW_ANSWER_HOURS:
            evidence.append(Evidence("responsiveness_time", {"hours": hours}, 2))
        else:
            evidence.append(Evidence("responsiveness_slow", {"hours": hours}))
    return _component("responsiveness", evidence)


def specificity(f: TrustFacts) -> TrustComponent:
    if not f.inquiries:
        return _component("specificity", [Evidence("specificity_none")])
    shares = [sum(i.present().values()) / len(SPECIFIC_FIELDS) for i in f.inquiries]
    mean = sum(shares) / len(shares)
    evidence = [Evidence("specificity_share", {"percent": round(100 * mean)}, round(20 * mean))]
    missing = [
        name
        for name in SPECIFIC_FIELDS
        if sum(not i.present()[name] for i in f.inquiries) * 2 > len(f.inquiries)
    ]
    if missing:
        evidence.append(Evidence("specificity_often_missing", {"fields": missing}))
    return _component("specificity", evidence)


def phone_region(phone: str | None) -> tuple[str, ...]:
    """The countries (ISO alpha-2) an international phone number can belong to; () when it is not one."""
    if not phone or not phone.strip().startswith("+"):
        return ()
    try:
        number = phonenumbers.parse(phone, None)
    except phonenumbers.NumberParseException:
        return ()
    if phonenumbers.is_valid_number(number):
        region = phonenumbers.region_code_for_number(number)
        if region and region != "ZZ":
            return (region,)
    # Not a number in use: the calling code says no more than which countries share it (+1: US, CA ...).
    return tuple(phonenumbers.region_codes_for_country_code(number.country_code or 0))


def largest_near_identical_group(texts: list[str]) -> int:
    """The size of the largest group of texts that are near-identical to one of them."""
    folded = [" ".join(t.casefold().split()) for t in texts]
    best = 0
    for a in folded:
        best = max(best, sum(1 for b in folded if fuzz.token_set_ratio(a, b) >= NEAR_IDENTICAL))
    return best


def signals(f: TrustFacts) -> TrustComponent:
    evidence: list[Evidence] = []
    mail = email_domain(f.email)
    if is_free_mail(mail) and (f.annual_imports_usd or 0) >= LARGE_IMPORTER_USD:
        evidence.append(Evidence("signal_free_mail_large", {"domain": mail}, -15))
    regions = phone_region(f.phone)
    if regions and f.country_iso2 not in regions:
        evidence.append(
            Evidence("signal_phone_country", {"phone_country": regions[0], "country": f.country_iso2}, -10)
        )
    for domain in dict.fromkeys(d for d in (host_domain(f.website), mail) if d and not is_free_mail(d)):
        tld = tld_country(domain)
        if tld and tld != f.country_iso2:
            params = {"domain": domain, "tld_country": tld, "country": f.country_iso2}
            evidence.append(Evidence("signal_tld_country", params, -10))
            break
    group = largest_near_identical_group([i.text for i in f.inquiries])
    if group >= NEAR_IDENTICAL_MIN_COUNT:
        evidence.append(Evidence("signal_near_identical", {"count": group}, -15))
    if f.duplicate_ids:
        ids = ", ".join(f"#{i}" for i in sorted(f.duplicate_ids))
        evidence.append(Evidence("signal_duplicate", {"ids": ids}, -10))
    if f.status == VerificationStatus.flagged:
        evidence.append(Evidence("signal_flagged", {"reason": f.status_reason or "–"}, -20))
    if f.status == VerificationStatus.blocked:
        evidence.append(Evidence("signal_blocked", {"reason": f.status_reason or "–"}))
    if not evidence:
        evidence.append(Evidence("signal_none"))
    return _component("signals", evidence, floor=SIGNALS_FLOOR)


def compute_trust(facts: TrustFacts) -> TrustScore:
    """Score a buyer 0-100 and say why, component by component."""
    components = (
        identity(facts),
        domains(facts),
        activity(facts),
        responsiveness(facts),
        specificity(facts),
        signals(facts),
    )
    blocked = facts.status == VerificationStatus.blocked
    total = 0 if blocked else max(0, min(100, sum(c.points for c in components)))
    return TrustScore(total, components, blocked)
