"""Product pages: list with filters, detail with the HS code's parents, add and edit forms."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select

from exportpilot.models import Product, Role
from tests.factories import make_company, make_product, make_user
from tests.web.conftest import field_error, input_value, is_marked_invalid


def form(csrf: str, **kw: object) -> dict[str, object]:
    data: dict[str, object] = {
        "csrf_token": csrf,
        "name_ko": "스테인리스 주방용 칼",
        "name_en": "Stainless steel kitchen knife",
        "description_ko": "일체형 셰프 나이프",
        "description_en": "One-piece chef's knife",
        "hs_code": "8211.91",
        "hsk_code": "",
        "moq": "500",
        "moq_unit": "pcs",
        "price_min": "12.50",
        "price_max": "18",
        "currency": "usd",
        "photo_url": "",
        "certifications": "CE, FDA, CE",
        "specifications": "재질: 스테인리스강\n길이: 20 cm\n",
    }
    data.update(kw)
    return data


def count(session) -> int:  # type: ignore[no-untyped-def]
    return int(session.scalar(select(func.count()).select_from(Product)))


class TestProductList:
    def test_lists_with_company_and_filters(self, client, session, web_login) -> None:
        company = make_company(session, name_ko="(주)칼사랑")
        knife = make_product(session, company, name_ko="목록용 칼", hs_code="821191")
        pump = make_product(session, company, name_ko="목록용 펌프", hs_code="841370")
        web_login(make_user(session, Role.advisor))

        def shown(**params: str) -> set[int]:
            page = client.get("/products", params={"q": "목록용", **params}).text
            return {p.id for p in (knife, pump) if f'href="/products/{p.id}"' in page}

        assert shown() == {knife.id, pump.id}
        assert shown(hs_prefix="8211") == {knife.id}
        assert shown(hs_prefix="84.13") == {pump.id}
        assert shown(company_id=str(company.id)) == {knife.id, pump.id}
        assert "(주)칼사랑" in client.get("/products?q=목록용").text
        part = client.get(
            "/products?q=목록용", headers={"HX-Request": "true", "HX-Target": "product-table"}
        ).text
        assert "<html" not in part and "제품 2개" in part

    def test_exporter_sees_only_its_products(self, client, session, web_login) -> None:
        mine, other = make_company(session), make_company(session)
        p1, p2 = make_product(session, mine), make_product(session, other)
        web_login(make_user(session, Role.exporter, company_id=mine.id))
        page = client.get("/products").text
        assert f'href="/products/{p1.id}"' in page and f'href="/products/{p2.id}"' not in page
        assert client.get(f"/products/{p2.id}").status_code == 403

    def test_buyer_is_refused(self, client, session, web_login) -> None:
        web_login(make_user(session, Role.buyer))
        assert client.get("/products").status_code == 403


class TestProductDetail:
    def test_shows_hs_lines_prices_and_specs(self, client, session, web_login) -> None:
        company = make_company(session)
        product = make_product(
            session, company, hs_code="821191", price_min=Decimal("12.50"), price_max=Decimal("18.00"),
            currency="USD", moq=500, moq_unit="pcs", certifications=["CE"], specifications={"길이": "20 cm"},
        )  # fmt: skip
        web_login(make_user(session, Role.admin))
        page = client.get(f"/products/{product.id}").text
        hs_lines = [f'<span class="mono">{code}</span>' for code in ("82", "8211", "821191")]
        for text in [*hs_lines, "US$12.50 – US$18.00", "500 pcs", "CE", "길이", "20 cm", company.name_ko]:
            assert text in page, text
        assert f'href="/products/{product.id}/edit"' in page


class TestAddProduct:
    def test_adds_through_the_form(self, client, session, web_login) -> None:
        company = make_company(session)
        csrf = web_login(make_user(session, Role.exporter, company_id=company.id))
        assert client.get("/products/new").status_code == 200  # an exporter's own company is implied
        r = client.post(f"/products/new?company_id={company.id}", data=form(csrf), follow_redirects=False)
        assert r.status_code == 303, r.text
        product = session.scalar(select(Product).where(Product.company_id == company.id))
        assert product is not None and r.headers["location"] == f"/products/{product.id}"
        assert product.hs_code == "821191" and product.currency == "USD"
        assert product.price_min == Decimal("12.50") and product.moq == 500
        assert product.certifications == ["CE", "FDA"]
        assert product.specifications == {"재질": "스테인리스강", "길이": "20 cm"}

    def test_unknown_hs_code_is_named(self, client, session, web_login) -> None:
        company = make_company(session)
        csrf = web_login(make_user(session, Role.exporter, company_id=company.id))
        before = count(session)
        r = client.post(f"/products/new?company_id={company.id}", data=form(csrf, hs_code="8211.99"))
        assert r.status_code == 422
        assert "not in the HS 2022 nomenclature" in (field_error(r.text, "hs_code") or "")
        assert is_marked_invalid(r.text, "hs_code") and input_value(r.text, "hs_code") == "8211.99"
        assert input_value(r.text, "name_ko") == "스테인리스 주방용 칼"
        assert "재질: 스테인리스강" in r.text
        assert count(session) == before

    def test_form_shapes_are_checked(self, client, session, web_login) -> None:
        company = make_company(session)
        csrf = web_login(make_user(session, Role.admin), lang="en")
        url = f"/products/new?company_id={company.id}"
        r = client.post(url, data=form(csrf, specifications="no colon here"))
        assert r.status_code == 422 and "name: value" in (field_error(r.text, "specifications") or "")
        r = client.post(url, data=form(csrf, price_min="cheap"))
        assert r.status_code == 422 and field_error(r.text, "price_min") == "Enter a number."
        r = client.post(url, data=form(csrf, hsk_code="12"))
        assert (
            r.status_code == 422
            and field_error(r.text, "hsk_code") == "This value does not have the expected format."
        )
        r = client.post(url, data=form(csrf, currency="XXY"))
        assert r.status_code == 422 and "unknown currency" in (field_error(r.text, "currency") or "")

    def test_cannot_add_to_a_company_one_may_not_edit(self, client, session, web_login) -> None:
        other = make_company(session)
        csrf = web_login(make_user(session, Role.advisor))
        assert client.get(f"/products/new?company_id={other.id}").status_code == 403
        assert client.post(f"/products/new?company_id={other.id}", data=form(csrf)).status_code == 403

    def test_without_a_company_staff_are_sent_to_pick_one(self, client, session, web_login) -> None:
        web_login(make_user(session, Role.admin))
        r = client.get("/products/new", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/companies"


class TestEditProduct:
    def test_prefilled_and_saved(self, client, session, web_login) -> None:
        company = make_company(session)
        product = make_product(session, company, specifications={"색상": "검정"}, certifications=["KC"])
        csrf = web_login(make_user(session, Role.exporter, company_id=company.id))
        page = client.get(f"/products/{product.id}/edit").text
        assert input_value(page, "name_en") == product.name_en and "색상: 검정" in page
        r = client.post(
            f"/products/{product.id}/edit",
            data=form(
                csrf,
                hs_code="",
                price_min="",
                price_max="",
                currency="",
                certifications="",
                specifications="",
            ),
            follow_redirects=False,
        )
        assert r.status_code == 303, r.text
        session.refresh(product)
        assert product.name_ko == "스테인리스 주방용 칼"
        assert product.hs_code is None and product.price_min is None and product.certifications == []

    def test_exporter_cannot_edit_another_companys_product(self, client, session, web_login) -> None:
        mine, other = make_company(session), make_company(session)
        product = make_product(session, other)
        csrf = web_login(make_user(session, Role.exporter, company_id=mine.id))
        assert client.get(f"/products/{product.id}/edit").status_code == 403
        assert client.post(f"/products/{product.id}/edit", data=form(csrf)).status_code == 403
