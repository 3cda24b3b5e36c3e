"""A deterministic generator of demo data. Everything it makes is GENERATED, NOT REAL.

The companies, buyers, people, business registration numbers, web sites and e-mail addresses are
invented (web and e-mail addresses use the reserved ``.example`` top-level domain); any resemblance to
real firms or people is a coincidence. Products follow realistic templates of Korean SME exports
(``demo/data/<industry>.toml``), with real HS 2022 subheadings. Companies, products and buyers carry
``is_generated=True`` and company descriptions start with :data:`GENERATED_MARK`.

:func:`generate_demo` is pure: the same seed and sizes always give the same :class:`DemoData` (it uses
its own ``random.Random`` instances, never the global one or the clock). It returns plain dataclasses;
:func:`exportpilot.demo.loader.load_demo` writes them to the database.
"""

from __future__ import annotations

import math
import random
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from exportpilot.demo.catalogue import Industry, Interest, Template, load_catalogue
from exportpilot.demo.people import (
    CULTURES,
    ascii_fold,
    buyer_company,
    korean_company,
    korean_person,
    person_name,
    slug,
)
from exportpilot.demo.phrases import BUSINESS_TYPES, DEFAULT_JOINER, EXTRAS, FRAMES, JOINERS, TITLES
from exportpilot.demo.world import HQ_CODES, INDUSTRY_WEIGHTS, MARKETS, PROVINCES, Market, ProvinceInfo
from exportpilot.errors import InvalidInput
from exportpilot.kit.brn import brn_check_digit
from exportpilot.models import ExportStatus, Role, VerificationStatus

T = TypeVar("T")

DEFAULT_SEED = 20261121

#: The password of every demo user. DEMO ONLY: never use the demo data set on a reachable server.
DEMO_PASSWORD = "demo-password"

#: Every demo user's e-mail address is on this domain; the loader finds previous demo users by it.
DEMO_EMAIL_DOMAIN = "demo.exportpilot.example"

#: The start of every generated company's description.
GENERATED_MARK = "[생성된 데모 데이터 · Generated demo data]"

#: The years of the companies' export history.
EXPORT_YEARS: tuple[int, ...] = (2021, 2022, 2023, 2024, 2025)

FREEMAIL_DOMAIN = "freemail.example"

ADVISOR_COUNT = len(HQ_CODES)
EXPORTER_USERS = 30
BUYER_USERS = 20


@dataclass(frozen=True, slots=True)
class DemoProduct:
    template: str  # key of the catalogue template it was made from
    name_ko: str
    name_en: str
    description_ko: str
    description_en: str
    hs_code: str
    specifications: dict[str, str]
    certifications: tuple[str, ...]
    moq: int
    moq_unit: str
    price_min: Decimal
    price_max: Decimal
    currency: str = "USD"


@dataclass(frozen=True, slots=True)
class DemoExport:
    year: int
    value_usd: int


@dataclass(frozen=True, slots=True)
class DemoCompany:
    name_ko: str
    name_en: str
    brn: str
    province_code: str
    city_ko: str
    city_en: str
    industry: str
    employees: int
    export_status: ExportStatus
    founded_year: int
    website: str
    description: str
    advisor_index: int  # index into DemoData.advisors
    exports: tuple[DemoExport, ...]
    products: tuple[DemoProduct, ...]


@dataclass(frozen=True, slots=True)
class DemoContact:
    name: str
    title: str
    email: str
    phone: str
    language: str


@dataclass(frozen=True, slots=True)
class DemoBuyer:
    company_name: str
    country_code: str
    city: str
    website: str | None
    email: str
    phone: str
    business_type: str
    annual_imports_usd: int
    products_of_interest: str
    hs_interests: tuple[str, ...]
    languages: tuple[str, ...]
    verification_status: VerificationStatus
    contacts: tuple[DemoContact, ...]


@dataclass(frozen=True, slots=True)
class DemoUser:
    email: str
    full_name: str
    role: Role
    language: str
    company_index: int | None = None  # index into DemoData.companies (exporter users)
    buyer_index: int | None = None  # index into DemoData.buyers (buyer users)
    hq_code: str | None = None  # the regional HQ an advisor works at (not stored)


@dataclass(frozen=True, slots=True)
class DemoData:
    seed: int
    advisors: tuple[DemoUser, ...]
    companies: tuple[DemoCompany, ...]
    buyers: tuple[DemoBuyer, ...]
    users: tuple[DemoUser, ...]  # exporter and buyer users

    def counts(self) -> dict[str, int]:
        """The number of rows :func:`~exportpilot.demo.loader.load_demo` writes to each table."""
        return {
            "users": len(self.advisors) + len(self.users),
            "companies": len(self.companies),
            "company_exports": sum(len(c.exports) for c in self.companies),
            "products": sum(len(c.products) for c in self.companies),
            "buyers": len(self.buyers),
            "buyer_contacts": sum(len(b.contacts) for b in self.buyers),
        }


def generate_demo(seed: int = DEFAULT_SEED, *, companies: int = 320, buyers: int = 2200) -> DemoData:
    """Generate the demo data set; the same arguments always give the same result.

    Companies are spread over all 17 provinces (at least 2 each when there are 34 or more) and all
    industries (when there are at least as many companies as industries); buyers over about 70
    markets (at least 3 each when there are enough buyers).
    """
    if companies < 1:
        raise InvalidInput("companies: at least 1 company is required", field="companies")
    if buyers < 0:
        raise InvalidInput("buyers: must not be negative", field="buyers")
    catalogue = {industry.code: industry for industry in load_catalogue()}
    advisors = tuple(
        DemoUser(
            email=f"advisor{i + 1:02d}@{DEMO_EMAIL_DOMAIN}",
            full_name=korean_person(random.Random(f"{seed}/advisor/{i}")),
            role=Role.advisor,
            language="ko",
            hq_code=hq,
        )
        for i, hq in enumerate(HQ_CODES)
    )
    company_list = _companies(random.Random(f"{seed}/companies"), companies, catalogue)
    buyer_list = _buyers(random.Random(f"{seed}/buyers"), buyers, catalogue)
    users = _users(random.Random(f"{seed}/users"), company_list, buyer_list)
    return DemoData(seed=seed, advisors=advisors, companies=company_list, buyers=buyer_list, users=users)


# --- helpers ---------------------------------------------------------------------------------------


def _pick(rng: random.Random, items: Sequence[T], weights: Sequence[float]) -> T:
    return rng.choices(items, weights=weights)[0]


def _allocate(total: int, weights: Sequence[float], minimum: int) -> list[int]:
    """Split ``total`` by ``weights`` (largest remainder), giving each at least ``minimum`` if possible."""
    floor = minimum if total >= minimum * len(weights) else 0
    rest = total - floor * len(weights)
    weight_sum = sum(weights)
    quotas = [rest * w / weight_sum for w in weights]
    counts = [floor + int(q) for q in quotas]
    order = sorted(range(len(weights)), key=lambda i: (-(quotas[i] - int(quotas[i])), i))
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts


def _digits(rng: random.Random, pattern: str) -> str:
    """Fill each '#' of ``pattern`` with a digit (the first of each group is not 0)."""
    out = []
    previous = " "
    for ch in pattern:
        if ch == "#":
            out.append(str(rng.randint(1, 9) if not previous.isdigit() else rng.randint(0, 9)))
            previous = out[-1]
        else:
            out.append(ch)
            previous = ch
    return "".join(out)


def _unique(base: str, taken: set[str]) -> str:
    value, n = base, 1
    while value in taken:
        n += 1
        value = f"{base}{n}"
    taken.add(value)
    return value


# --- companies -------------------------------------------------------------------------------------


def _companies(rng: random.Random, total: int, catalogue: dict[str, Industry]) -> tuple[DemoCompany, ...]:
    counts = _allocate(total, [p.weight for p in PROVINCES], 2)
    provinces = [p for p, n in zip(PROVINCES, counts, strict=True) for _ in range(n)]
    rng.shuffle(provinces)
    codes = list(INDUSTRY_WEIGHTS)
    industries = [
        _pick(rng, codes, [INDUSTRY_WEIGHTS[c] * p.affinity.get(c, 1.0) for c in codes]) for p in provinces
    ]
    _cover_industries(industries, provinces, codes)

    names: set[str] = set()
    brns: set[str] = set()
    hosts: set[str] = set()
    used_products: set[tuple[str, int, tuple[int, ...]]] = set()
    result = []
    for province, industry_code in zip(provinces, industries, strict=True):
        industry = catalogue[industry_code]
        city = rng.choice(province.cities)
        for _ in range(50):
            name_ko, name_en, brand = korean_company(rng, industry_code, city)
            if name_ko not in names and name_en not in names:
                break
        else:  # pragma: no cover - 60 roots x 6 words x 4 styles x 4 forms make this practically unreachable
            name_en = f"{name_en} {len(names)}"
        names.update((name_ko, name_en))
        employees = 5 + int(295 * rng.betavariate(1.1, 4.5))
        status = _export_status(rng, employees)
        exports = _exports(rng, status, employees)
        first_export = exports[0].year if exports else 2025
        founded = _founded(rng, status, first_export)
        host = _unique(slug(_LEGAL_SUFFIX.sub("", name_en)), hosts)
        products = _products(rng, industry, brand, used_products)
        result.append(
            DemoCompany(
                name_ko=name_ko,
                name_en=name_en,
                brn=_brn(rng, brns),
                province_code=province.code,
                city_ko=city[0],
                city_en=city[1],
                industry=industry_code,
                employees=employees,
                export_status=status,
                founded_year=founded,
                website=f"https://www.{host}.example",
                description=_company_description(
                    province, city, industry, founded, employees, status, products
                ),
                advisor_index=HQ_CODES.index(province.hq_code),
                exports=exports,
                products=products,
            )
        )
    return tuple(result)


_LEGAL_SUFFIX = re.compile(
    r" (Co\., Ltd\.|Corp\.|Inc\.|LLC|Agricultural Corp\.|Farming Association|Fishery Corp\.)$"
)


def _cover_industries(industries: list[str], provinces: list[ProvinceInfo], codes: list[str]) -> None:
    """Reassign companies so every industry has at least one (when there are enough companies)."""
    if len(industries) < len(codes):
        return
    for code in codes:
        if code in industries:
            continue
        counts = Counter(industries)
        donor = max(codes, key=lambda c: (counts[c], c))
        candidates = [i for i, c in enumerate(industries) if c == donor]
        best = max(candidates, key=lambda i: (provinces[i].affinity.get(code, 1.0), -i))
        industries[best] = code


def _brn(rng: random.Random, taken: set[str]) -> str:
    """A unique business registration number with a valid check digit (a corporate type code)."""
    while True:
        first9 = (
            f"{rng.randint(101, 899):03d}{rng.choice(('81', '86', '87', '88'))}{rng.randint(1, 9999):04d}"
        )
        brn = first9 + str(brn_check_digit(first9))
        if brn not in taken:
            taken.add(brn)
            return brn


def _export_status(rng: random.Random, employees: int) -> ExportStatus:
    statuses = (ExportStatus.none, ExportStatus.initial, ExportStatus.growing, ExportStatus.established)
    if employees < 20:
        weights = (0.35, 0.35, 0.22, 0.08)
    elif employees < 60:
        weights = (0.2, 0.3, 0.32, 0.18)
    elif employees < 150:
        weights = (0.1, 0.2, 0.35, 0.35)
    else:
        weights = (0.05, 0.1, 0.35, 0.5)
    return _pick(rng, statuses, weights)


def _exports(rng: random.Random, status: ExportStatus, employees: int) -> tuple[DemoExport, ...]:
    """Yearly exports consistent with the status: none → no rows; initial → under $100 k a year."""
    if status is ExportStatus.none:
        return ()
    if status is ExportStatus.initial:
        start = _pick(rng, (2023, 2024, 2025), (0.3, 0.35, 0.35))
        return tuple(DemoExport(y, rng.randint(50, 950) * 100) for y in EXPORT_YEARS if y >= start)
    if status is ExportStatus.growing:
        start = _pick(rng, (2021, 2022), (0.7, 0.3))
        value = rng.uniform(100_000, 600_000)
        growth = rng.uniform(1.15, 1.6)
        rows = []
        for year in EXPORT_YEARS:
            if year < start:
                continue
            rows.append(DemoExport(year, int(min(value, 8_000_000) * rng.uniform(0.92, 1.08)) // 100 * 100))
            value *= growth
        return tuple(rows)
    value = rng.uniform(1_000_000, 4_000_000) * (1 + employees / 100)
    rows = []
    for year in EXPORT_YEARS:
        rows.append(DemoExport(year, int(value) // 1000 * 1000))
        value *= rng.uniform(0.85, 1.2)
    return tuple(rows)


def _founded(rng: random.Random, status: ExportStatus, first_export: int) -> int:
    low, high = {
        ExportStatus.established: (1980, 2012),
        ExportStatus.growing: (1990, 2019),
        ExportStatus.initial: (2000, 2022),
        ExportStatus.none: (2008, 2024),
    }[status]
    return rng.randint(low, min(high, first_export))


def _products(
    rng: random.Random, industry: Industry, brand: str, used: set[tuple[str, int, tuple[int, ...]]]
) -> tuple[DemoProduct, ...]:
    count = min(_pick(rng, (1, 2, 3, 4, 5), (22, 30, 25, 14, 9)), len(industry.templates))
    return tuple(
        _product(rng, industry, template, brand, used) for template in rng.sample(industry.templates, count)
    )


def _product(
    rng: random.Random,
    industry: Industry,
    template: Template,
    brand: str,
    used: set[tuple[str, int, tuple[int, ...]]],
) -> DemoProduct:
    """One product from ``template``: a variant and differentiators not yet used together, if possible."""
    for _ in range(30):
        variant_index = rng.randrange(len(template.variants))
        extra = tuple(sorted(rng.sample(range(len(industry.differentiators)), rng.choice((1, 1, 2)))))
        key = (template.key, variant_index, extra)
        if key not in used:
            break
    used.add(key)
    variant = template.variants[variant_index]
    differentiators = [industry.differentiators[i] for i in extra]
    description_ko = " ".join(
        [template.description_ko.replace("{v}", variant.ko), *(d.ko for d in differentiators)]
    )
    description_en = " ".join(
        [template.description_en.replace("{v}", variant.en), *(d.en for d in differentiators)]
    )
    branded = rng.random() < 0.4
    name_ko = f"{template.name_ko} ({variant.ko})"
    name_en = f"{brand} {template.name_en}, {variant.en}" if branded else f"{template.name_en}, {variant.en}"
    certifications = tuple(c for i, c in enumerate(template.certifications) if i == 0 or rng.random() < 0.7)
    factor = variant.price_factor
    low = max(0.01, template.price_min * factor * rng.uniform(0.85, 1.1))
    high = max(low * 1.05, template.price_max * factor * rng.uniform(0.92, 1.15))
    moq = max(1, round(template.moq * rng.choice((0.5, 1, 1, 1, 2))))
    return DemoProduct(
        template=template.key,
        name_ko=name_ko,
        name_en=name_en,
        description_ko=description_ko,
        description_en=description_en,
        hs_code=template.hs_code,
        specifications={**template.specs, **variant.specs},
        certifications=certifications,
        moq=moq,
        moq_unit=template.moq_unit,
        price_min=_money(low),
        price_max=max(_money(high), _money(low) + Decimal("0.01")),
    )


def _money(value: float) -> Decimal:
    return Decimal(f"{value:.2f}")


_STATUS_KO = {
    ExportStatus.none: "수출을 준비하고 있는",
    ExportStatus.initial: "수출을 막 시작한",
    ExportStatus.growing: "수출이 늘고 있는",
    ExportStatus.established: "수출 실적이 꾸준한",
}
_STATUS_EN = {
    ExportStatus.none: "preparing its first exports",
    ExportStatus.initial: "a new exporter",
    ExportStatus.growing: "with growing exports",
    ExportStatus.established: "an established exporter",
}


def _company_description(
    province: ProvinceInfo,
    city: tuple[str, str],
    industry: Industry,
    founded: int,
    employees: int,
    status: ExportStatus,
    products: tuple[DemoProduct, ...],
) -> str:
    main_ko = ", ".join(dict.fromkeys(p.name_ko.split(" (")[0] for p in products))
    main_en = ", ".join(dict.fromkeys(p.name_en.split(", ")[0] for p in products))
    korean = (
        f"{province.name_ko} {city[0]}에 있는 {_STATUS_KO[status]} {industry.label_ko} 중소기업입니다"
        f"({founded}년 설립, 직원 {employees}명). 주력 제품: {main_ko}."
    )
    english = (
        f"{industry.label_en} SME in {city[1]}, {province.name_en}, {_STATUS_EN[status]}; founded {founded}, "
        f"{employees} employees. Main products: {main_en}."
    )
    return f"{GENERATED_MARK} {korean} {english}"


# --- buyers ----------------------------------------------------------------------------------------

_IMPORT_MEDIANS = {
    "importer": 2_000_000,
    "distributor": 3_000_000,
    "wholesaler": 1_500_000,
    "retail chain": 15_000_000,
    "online seller": 400_000,
    "manufacturer": 5_000_000,
}


def _buyers(rng: random.Random, total: int, catalogue: dict[str, Industry]) -> tuple[DemoBuyer, ...]:
    counts = _allocate(total, [m.weight for m in MARKETS], 3)
    markets = [m for m, n in zip(MARKETS, counts, strict=True) for _ in range(n)]
    rng.shuffle(markets)
    hosts: set[str] = set()
    names: set[tuple[str, str]] = set()
    return tuple(_buyer(rng, market, catalogue, hosts, names) for market in markets)


def _buyer(
    rng: random.Random,
    market: Market,
    catalogue: dict[str, Industry],
    hosts: set[str],
    names: set[tuple[str, str]],
) -> DemoBuyer:
    city = rng.choice(market.cities)
    for _ in range(30):
        name, short = buyer_company(rng, market.culture, rng.choice(market.legal_forms), city)
        if (market.iso3, name) not in names:
            break
    else:
        name = f"{name} ({city})"
    names.add((market.iso3, name))
    host = _unique(slug(short, 30), hosts)
    freemail = rng.random() < 0.06
    business_type = _pick(rng, [t for t, _ in BUSINESS_TYPES], [w for _, w in BUSINESS_TYPES])

    codes = list(INDUSTRY_WEIGHTS)
    primary = _pick(rng, codes, [INDUSTRY_WEIGHTS[c] * market.bias.get(c, 1.0) for c in codes])
    interests: list[Interest] = rng.sample(catalogue[primary].interests, 2 if rng.random() < 0.35 else 1)
    if rng.random() < 0.15:
        secondary = rng.choice([c for c in codes if c != primary])
        interests.append(rng.choice(catalogue[secondary].interests))
    hs_interests = tuple(sorted({code for interest in interests for code in interest.hs_codes}))

    lang = _pick(rng, [lang for lang, _ in market.text_languages], [w for _, w in market.text_languages])
    items = JOINERS.get(lang, DEFAULT_JOINER).join(interest.phrases[lang] for interest in interests)
    text = rng.choice(FRAMES[lang]).format(items=items)
    if rng.random() < 0.5:
        text += ("" if lang in ("zh", "ja") else " ") + rng.choice(EXTRAS[lang])
    languages = market.languages if lang in market.languages else (*market.languages, lang)

    if freemail:
        status = _pick(
            rng,
            (VerificationStatus.unverified, VerificationStatus.flagged, VerificationStatus.blocked),
            (0.6, 0.3, 0.1),
        )
        email = f"{host[:20]}{rng.randint(1, 999)}@{FREEMAIL_DOMAIN}"
        website = None if rng.random() < 0.6 else f"https://www.{host}.example"
    else:
        status = _pick(
            rng,
            (
                VerificationStatus.unverified,
                VerificationStatus.verified,
                VerificationStatus.flagged,
                VerificationStatus.blocked,
            ),
            (0.775, 0.21, 0.01, 0.005),
        )
        email = f"{rng.choice(('info', 'sales', 'import', 'purchasing', 'contact'))}@{host}.example"
        website = f"https://www.{host}.example"
    median = _IMPORT_MEDIANS[business_type]
    imports = min(500_000_000, max(50_000, int(rng.lognormvariate(math.log(median), 0.9))))
    return DemoBuyer(
        company_name=name,
        country_code=market.iso3,
        city=city,
        website=website,
        email=email,
        phone=_digits(rng, market.phone),
        business_type=business_type,
        annual_imports_usd=imports // 1000 * 1000,
        products_of_interest=text,
        hs_interests=hs_interests,
        languages=tuple(languages),
        verification_status=status,
        contacts=_contacts(rng, market, host, freemail, lang),
    )


def _contacts(
    rng: random.Random, market: Market, host: str, freemail: bool, lang: str
) -> tuple[DemoContact, ...]:
    culture = CULTURES[market.culture]
    titles = TITLES.get(culture.title_lang, TITLES["en"])
    contacts = []
    emails: set[str] = set()
    for i in range(_pick(rng, (1, 2, 3), (50, 35, 15))):
        display, given, family = person_name(rng, culture)
        local = ".".join(re.sub(r"[^a-z0-9]+", "", ascii_fold(part).lower()) for part in (given, family))
        if freemail:
            local = _unique(f"{local}{rng.randint(10, 99)}", emails)
            email = f"{local}@{FREEMAIL_DOMAIN}"
        else:
            email = f"{_unique(local, emails)}@{host}.example"
        language = lang if i == 0 else rng.choice(market.languages)
        contacts.append(
            DemoContact(
                name=display,
                title=rng.choice(titles),
                email=email,
                phone=_digits(rng, market.phone),
                language=language,
            )
        )
    return tuple(contacts)


# --- users -----------------------------------------------------------------------------------------


def _users(
    rng: random.Random, companies: tuple[DemoCompany, ...], buyers: tuple[DemoBuyer, ...]
) -> tuple[DemoUser, ...]:
    """Exporter users for about 30 companies and buyer users for about 20 (preferably verified) buyers."""
    users = []
    for n, index in enumerate(sorted(rng.sample(range(len(companies)), min(EXPORTER_USERS, len(companies))))):
        users.append(
            DemoUser(
                email=f"exporter{n + 1:03d}@{DEMO_EMAIL_DOMAIN}",
                full_name=korean_person(rng),
                role=Role.exporter,
                language="ko",
                company_index=index,
            )
        )
    verified = [i for i, b in enumerate(buyers) if b.verification_status is VerificationStatus.verified]
    others = [i for i, b in enumerate(buyers) if b.verification_status is VerificationStatus.unverified]
    wanted = min(BUYER_USERS, len(verified) + len(others))
    chosen = rng.sample(verified, min(wanted, len(verified)))
    chosen += rng.sample(others, wanted - len(chosen))
    for n, index in enumerate(sorted(chosen)):
        users.append(
            DemoUser(
                email=f"buyer{n + 1:03d}@{DEMO_EMAIL_DOMAIN}",
                full_name=buyers[index].contacts[0].name,
                role=Role.buyer,
                language="en",
                buyer_index=index,
            )
        )
    return tuple(users)
