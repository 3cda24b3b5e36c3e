"""De-duplication: normalised names, company domains, and the same/possible verdicts."""

from __future__ import annotations

import pytest

from exportpilot.buyers.dedup import (
    BuyerKey,
    DuplicateIndex,
    compare,
    email_domain,
    host_domain,
    is_free_mail,
    name_matches_domain,
    normalise_name,
    tld_country,
)


class TestNormaliseName:
    @pytest.mark.parametrize(
        ("name", "key"),
        [
            ("Distribuidora Sol, S.A. de C.V.", "distribuidora sol"),
            ("DISTRIBUIDORA SOL SA DE CV", "distribuidora sol"),
            ("Alimentos del Norte S. de R.L. de C.V.", "alimentos del norte"),
            ("Müller GmbH & Co. KG", "muller"),
            ("Sao Mai Trading Co., Ltd.", "sao mai trading"),
            ("Công ty TNHH Thương mại Sao Mai", "thuong mai sao mai"),
            ("深圳华美贸易有限公司", "深圳华美贸易"),
            ("(주)한빛정밀", "한빛정밀"),
            ("PT Sinar Jaya Tbk", "sinar jaya"),
            ("ABC Imports LLC", "abc imports"),
            ("Tatry Trade Sp. z o.o.", "tatry trade"),
            ("Bharat Impex Pvt. Ltd.", "bharat impex"),
        ],
    )
    def test_strips_legal_forms_case_and_accents(self, name: str, key: str) -> None:
        assert normalise_name(name) == key

    def test_a_name_that_is_only_a_legal_form_is_kept(self) -> None:
        assert normalise_name("Co. Ltd") == "co"


class TestDomains:
    def test_registrable_domain_of_web_and_mail(self) -> None:
        assert host_domain("https://www.sol.com.mx/es/contacto") == "sol.com.mx"
        assert email_domain("compras@mx.sol.com.mx") == "sol.com.mx"
        assert host_domain("shop.tradeco.co.uk") == "tradeco.co.uk"
        assert host_domain("https://www.davis.example") == "davis.example"  # reserved TLD, not in the list
        assert host_domain("http://10.0.0.1") is None
        assert host_domain("") is None
        assert email_domain("not-an-address") is None

    def test_free_mail(self) -> None:
        assert is_free_mail("gmail.com") and is_free_mail("naver.com") and is_free_mail("163.com")
        assert not is_free_mail("sol.com.mx") and not is_free_mail(None)

    def test_country_of_a_cctld(self) -> None:
        assert tld_country("sol.com.mx") == "MX"
        assert tld_country("tradeco.co.uk") == "GB"
        assert tld_country("startup.io") is None  # sold worldwide
        assert tld_country("acme.com") is None

    def test_domain_resembles_name(self) -> None:
        assert name_matches_domain("sol imports", "solimports.com.mx")
        assert name_matches_domain("alpha beta trading", "abt.com")
        assert not name_matches_domain("sao mai", "randomshop.vn")


def key(
    id_: int | None, name: str, country: str = "MEX", website: str | None = None, *emails: str
) -> BuyerKey:
    return BuyerKey.of(id=id_, name=name, country=country, website=website, emails=emails)


class TestCompare:
    def test_same_name_after_legal_forms_is_the_same_company(self) -> None:
        m = compare(key(None, "DISTRIBUIDORA SOL SA DE CV"), key(1, "Distribuidora Sol, S.A. de C.V."))
        assert m is not None and m.verdict == "same" and m.name_score == 100

    def test_other_country_is_never_a_duplicate(self) -> None:
        assert compare(key(None, "Sol Imports", "MEX"), key(1, "Sol Imports", "ESP")) is None

    def test_shared_company_domain_makes_unlike_names_the_same(self) -> None:
        a = key(None, "Sao Mai Trading Co., Ltd.", "VNM", "https://saomai.com.vn")
        b = key(1, "Sao Mai Import Export JSC", "VNM", None, "sales@saomai.com.vn")
        m = compare(a, b)
        assert m is not None and m.verdict == "same" and m.shared_domains == ("saomai.com.vn",)

    def test_free_mail_is_not_a_shared_domain(self) -> None:
        a = key(None, "Alpha Foods", "VNM", None, "alpha@gmail.com")
        b = key(1, "Omega Beverages", "VNM", None, "omega@gmail.com")
        assert compare(a, b) is None

    def test_alike_names_with_different_domains_are_only_possible(self) -> None:
        a = key(None, "Pacific Trading LLC", "USA", "https://pacifictrading.com")
        b = key(1, "Pacific Trading Inc.", "USA", "https://pacifictrading2.com")
        m = compare(a, b)
        assert m is not None and m.verdict == "possible" and m.conflicting_domains

    def test_slightly_different_names_are_possible(self) -> None:
        m = compare(key(None, "Distribuidora del Sol"), key(1, "Distribuidora Sol"))
        assert m is not None and m.verdict in ("same", "possible")
        assert compare(key(None, "Hanoi Fresh Fruit"), key(1, "Saigon Steel Works")) is None


class TestIndex:
    def test_finds_by_name_and_by_domain_best_first(self) -> None:
        index = DuplicateIndex(
            [
                key(1, "Sao Mai Trading", "VNM", "https://saomai.com.vn"),
                key(2, "Sao Mai Trading Company", "VNM"),
                key(3, "Completely Different", "VNM", None, "x@saomai.com.vn"),
                key(4, "Sao Mai Trading", "THA"),
            ]
        )
        found = index.matches(key(None, "Sao Mai Trading Co., Ltd.", "VNM", "saomai.com.vn"))
        assert [m.other.id for m in found][:2] == [1, 2]
        assert 4 not in [m.other.id for m in found]
        assert len(index) == 4
        assert [m.other.id for m in index.matches(key(1, "Sao Mai Trading", "VNM"), exclude_id=1)] == [2]
