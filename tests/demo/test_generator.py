from __future__ import annotations

import hashlib
import os
import re
import statistics
import subprocess
import sys
from collections import Counter

import pytest

from exportpilot.demo.catalogue import INDUSTRY_CODES, INTEREST_LANGUAGES, load_catalogue
from exportpilot.demo.generator import (
    DEMO_EMAIL_DOMAIN,
    DEMO_PASSWORD,
    EXPORT_YEARS,
    FREEMAIL_DOMAIN,
    GENERATED_MARK,
    DemoData,
    generate_demo,
)
from exportpilot.demo.world import HQ_CODES, PROVINCES
from exportpilot.errors import InvalidInput
from exportpilot.kit.brn import is_valid_brn
from exportpilot.models import ExportStatus, Role, VerificationStatus
from exportpilot.reference.regions import SHIPPED_REGIONS_FILE, read_regions_file

HOST = re.compile(r"^https://www\.[a-z0-9]+\.example$")
EMAIL = re.compile(r"^[a-z0-9.]+@([a-z0-9]+\.example|" + re.escape(FREEMAIL_DOMAIN) + ")$")


class TestDeterminism:
    def test_same_seed_gives_identical_data(self, demo_data: DemoData) -> None:
        assert generate_demo() == demo_data

    def test_a_different_seed_gives_different_data(self, demo_data: DemoData) -> None:
        other = generate_demo(demo_data.seed + 1)
        assert other != demo_data
        assert {c.brn for c in other.companies} != {c.brn for c in demo_data.companies}
        assert [c.name_en for c in other.companies] != [c.name_en for c in demo_data.companies]
        assert [b.company_name for b in other.buyers] != [b.company_name for b in demo_data.buyers]

    def test_does_not_depend_on_hash_randomisation(self, demo_data: DemoData) -> None:
        script = (
            "import hashlib; from exportpilot.demo.generator import generate_demo; "
            "print(hashlib.sha256(repr(generate_demo()).encode()).hexdigest())"
        )
        digests = {
            subprocess.run(
                [sys.executable, "-c", script],
                env={**os.environ, "PYTHONHASHSEED": seed},
                capture_output=True,
                text=True,
                check=True,
            ).stdout.strip()
            for seed in ("0", "1")
        }
        assert digests == {hashlib.sha256(repr(demo_data).encode()).hexdigest()}

    def test_sizes_are_honoured(self) -> None:
        data = generate_demo(7, companies=40, buyers=250)
        assert len(data.companies) == 40 and len(data.buyers) == 250
        assert Counter(c.province_code for c in data.companies).most_common()[-1][1] >= 2
        assert len({b.country_code for b in data.buyers}) >= 60

    @pytest.mark.parametrize(("companies", "buyers"), [(0, 10), (10, -1)])
    def test_impossible_sizes_are_rejected(self, companies: int, buyers: int) -> None:
        with pytest.raises(InvalidInput):
            generate_demo(companies=companies, buyers=buyers)


class TestCompanies:
    def test_count_provinces_and_industries(self, demo_data: DemoData) -> None:
        assert len(demo_data.companies) >= 300
        by_province = Counter(c.province_code for c in demo_data.companies)
        shipped = {p.code for p in read_regions_file(SHIPPED_REGIONS_FILE).provinces}
        assert set(by_province) == shipped == {p.code for p in PROVINCES}
        assert min(by_province.values()) >= 2
        assert by_province.most_common(1)[0][0] == "KR-41"  # Gyeonggi
        assert min(by_province["KR-11"], by_province["KR-48"]) > max(
            by_province["KR-49"], by_province["KR-50"]
        )
        assert max(by_province["KR-49"], by_province["KR-50"]) < by_province["KR-48"] / 2
        assert set(Counter(c.industry for c in demo_data.companies)) == set(INDUSTRY_CODES)

    def test_every_brn_is_valid_and_unique(self, demo_data: DemoData) -> None:
        brns = [c.brn for c in demo_data.companies]
        assert all(re.fullmatch(r"\d{10}", b) and is_valid_brn(b) for b in brns)
        assert len(set(brns)) == len(brns)

    def test_names_look_korean_and_are_unique(self, demo_data: DemoData) -> None:
        names_ko = [c.name_ko for c in demo_data.companies]
        names_en = [c.name_en for c in demo_data.companies]
        assert len(set(names_ko)) == len(names_ko) and len(set(names_en)) == len(names_en)
        assert all(re.search("[가-힣]", n) for n in names_ko)
        assert all(n.isascii() for n in names_en)
        forms = Counter(re.sub(r"^.*?(\(주\)|주식회사|유한회사|법인).*$", r"\1", n) for n in names_ko)
        assert len(forms) >= 3  # the legal-form patterns vary

    def test_employees_are_skewed_small(self, demo_data: DemoData) -> None:
        employees = [c.employees for c in demo_data.companies]
        assert min(employees) >= 5 and max(employees) <= 300
        assert statistics.median(employees) < 80

    def test_exports_are_consistent_with_the_status(self, demo_data: DemoData) -> None:
        statuses = Counter(c.export_status for c in demo_data.companies)
        assert set(statuses) == set(ExportStatus)
        for company in demo_data.companies:
            years = [e.year for e in company.exports]
            assert years == sorted(set(years)) and set(years) <= set(EXPORT_YEARS)
            assert all(e.value_usd > 0 for e in company.exports)
            if company.export_status is ExportStatus.none:
                assert company.exports == ()
            else:
                assert company.exports and company.founded_year <= years[0]
            if company.export_status is ExportStatus.initial:
                assert all(e.value_usd < 100_000 for e in company.exports)
            if company.export_status is ExportStatus.established:
                assert years == list(EXPORT_YEARS) and min(e.value_usd for e in company.exports) >= 500_000
            assert 1980 <= company.founded_year <= 2025

    def test_marked_as_generated_with_example_websites(self, demo_data: DemoData) -> None:
        for company in demo_data.companies:
            assert company.description.startswith(GENERATED_MARK)
            assert HOST.match(company.website), company.website
        assert len({c.website for c in demo_data.companies}) == len(demo_data.companies)

    def test_advisor_is_the_one_of_the_province_hq(self, demo_data: DemoData) -> None:
        hq = {p.code: p.hq_code for p in PROVINCES}
        for company in demo_data.companies:
            assert demo_data.advisors[company.advisor_index].hq_code == hq[company.province_code]


class TestProducts:
    def test_one_to_five_products_from_the_company_industry(self, demo_data: DemoData) -> None:
        templates = {t.key: t for i in load_catalogue() for t in i.templates}
        for company in demo_data.companies:
            assert 1 <= len(company.products) <= 5
            keys = [p.template for p in company.products]
            assert len(set(keys)) == len(keys)
            for product in company.products:
                template = templates[product.template]
                assert template.industry == company.industry
                assert product.hs_code == template.hs_code

    def test_texts_vary(self, demo_data: DemoData) -> None:
        products = [p for c in demo_data.companies for p in c.products]
        assert len(products) >= 600
        for field in ("description_en", "description_ko"):
            values = [getattr(p, field) for p in products]
            assert len(set(values)) / len(values) >= 0.9, field
        assert len({p.name_en for p in products}) / len(products) >= 0.6
        for product in products:
            assert "{v}" not in product.description_en + product.description_ko

    def test_prices_moq_and_certifications(self, demo_data: DemoData) -> None:
        for product in (p for c in demo_data.companies for p in c.products):
            assert 0 < product.price_min < product.price_max
            assert product.price_min.as_tuple().exponent == -2
            assert product.moq >= 1 and product.moq_unit
            assert product.certifications and product.specifications
            assert product.currency == "USD"


class TestBuyers:
    def test_count_and_countries(self, demo_data: DemoData) -> None:
        assert len(demo_data.buyers) >= 2000
        by_country = Counter(b.country_code for b in demo_data.buyers)
        assert len(by_country) >= 60
        top = [code for code, _ in by_country.most_common(3)]
        assert top[:2] == ["CHN", "USA"] and "VNM" in top
        assert by_country["DEU"] > by_country["SEN"]

    def test_interests_match_the_text_in_the_buyer_language(self, demo_data: DemoData) -> None:
        interests = [interest for industry in load_catalogue() for interest in industry.interests]
        catalogue_codes = {t.hs_code for i in load_catalogue() for t in i.templates}
        languages_seen: Counter[str] = Counter()
        for buyer in demo_data.buyers:
            assert buyer.hs_interests and set(buyer.hs_interests) <= catalogue_codes
            found = [
                (lang, interest)
                for interest in interests
                for lang in INTEREST_LANGUAGES
                if interest.phrases[lang] in buyer.products_of_interest
            ]
            assert found, buyer.products_of_interest
            for lang, interest in found:
                assert set(interest.hs_codes) <= set(buyer.hs_interests)
                languages_seen[lang] += 1
            assert found[0][0] in buyer.languages
        assert {"en", "es", "pt", "fr", "de", "vi", "zh", "ja", "ar", "id"} <= set(languages_seen)
        mexico = [b for b in demo_data.buyers if b.country_code == "MEX"]
        assert (
            sum(
                any(
                    f in b.products_of_interest for f in ("Buscamos", "Solicitamos", "Queremos", "Importador")
                )
                for b in mexico
            )
            > len(mexico) / 2
        )

    def test_verification_business_type_and_addresses(self, demo_data: DemoData) -> None:
        statuses = Counter(b.verification_status for b in demo_data.buyers)
        share = statuses[VerificationStatus.verified] / len(demo_data.buyers)
        assert 0.15 <= share <= 0.25
        assert statuses[VerificationStatus.flagged] and statuses[VerificationStatus.blocked]
        assert statuses[VerificationStatus.unverified] > len(demo_data.buyers) / 2
        assert set(Counter(b.business_type for b in demo_data.buyers)) == {
            "importer", "distributor", "wholesaler", "retail chain", "online seller", "manufacturer",
        }  # fmt: skip
        freemail = [b for b in demo_data.buyers if b.email.endswith("@" + FREEMAIL_DOMAIN)]
        assert 0 < len(freemail) < len(demo_data.buyers) / 10
        for buyer in demo_data.buyers:
            assert EMAIL.match(buyer.email), buyer.email
            assert buyer.website is None or HOST.match(buyer.website), buyer.website
            assert buyer.phone.startswith("+") and buyer.city
            assert 50_000 <= buyer.annual_imports_usd <= 500_000_000

    def test_names_follow_the_country(self, demo_data: DemoData) -> None:
        def names(iso3: str) -> list[str]:
            return [b.company_name for b in demo_data.buyers if b.country_code == iso3]

        assert all(n.endswith(("S.A. de C.V.", "S. de R.L. de C.V.")) for n in names("MEX"))
        assert any(n.startswith("Công ty") for n in names("VNM"))
        assert all(n.startswith(("PT ", "CV ")) for n in names("IDN"))
        assert any(n.endswith(("GmbH", "AG", "KG")) for n in names("DEU"))
        assert any("有限公司" in n for n in names("CHN"))
        assert any("株式会社" in n for n in names("JPN"))
        assert any(n.startswith(("Al ", "Dar Al ")) for n in names("ARE") + names("SAU"))

    def test_contacts(self, demo_data: DemoData) -> None:
        for buyer in demo_data.buyers:
            assert 1 <= len(buyer.contacts) <= 3
            emails = [c.email for c in buyer.contacts]
            assert len(set(emails)) == len(emails)
            for contact in buyer.contacts:
                assert contact.name and contact.title and contact.phone.startswith("+")
                assert EMAIL.match(contact.email), contact.email
                assert re.fullmatch("[a-z]{2}", contact.language)


class TestUsers:
    def test_advisors_exporters_and_buyer_users(self, demo_data: DemoData) -> None:
        assert [u.email for u in demo_data.advisors] == [
            f"advisor{i:02d}@{DEMO_EMAIL_DOMAIN}" for i in range(1, 13)
        ]
        assert [u.hq_code for u in demo_data.advisors] == list(HQ_CODES)
        assert all(
            u.role is Role.advisor and re.fullmatch("[가-힣]{2,4}", u.full_name) for u in demo_data.advisors
        )
        exporters = [u for u in demo_data.users if u.role is Role.exporter]
        buyers = [u for u in demo_data.users if u.role is Role.buyer]
        assert len(exporters) == 30 and len(buyers) == 20
        assert exporters[0].email == f"exporter001@{DEMO_EMAIL_DOMAIN}"
        assert buyers[0].email == f"buyer001@{DEMO_EMAIL_DOMAIN}"
        assert len({u.company_index for u in exporters}) == 30
        assert len({u.buyer_index for u in buyers}) == 20
        for user in buyers:
            assert user.buyer_index is not None
            assert demo_data.buyers[user.buyer_index].verification_status is VerificationStatus.verified
        everyone = demo_data.advisors + demo_data.users
        assert len({u.email for u in everyone}) == len(everyone)
        assert all(u.email.endswith("@" + DEMO_EMAIL_DOMAIN) and u.language in ("ko", "en") for u in everyone)
        assert Role.admin not in {u.role for u in everyone}

    def test_demo_password_is_documented_as_demo_only(self) -> None:
        import exportpilot.demo.generator as generator

        assert DEMO_PASSWORD == "demo-password"
        assert "GENERATED, NOT REAL" in (generator.__doc__ or "")
