from __future__ import annotations

from sqlalchemy import func, select

from exportpilot.models import Product, Role
from tests.factories import make_company, make_product, make_user


def body(company_id: int, **kw):  # type: ignore[no-untyped-def]
    b = {
        "company_id": company_id,
        "name_ko": "병풀 진정 크림",
        "name_en": "Centella soothing cream",
        "description_en": "Low-irritation centella cream, 50 ml",
        "hs_code": "3304.99",
        "certifications": ["CPNP", "vegan"],
        "moq": 500,
        "moq_unit": "pcs",
        "price_min": "3.50",
        "price_max": "5.00",
        "currency": "usd",
    }
    b.update(kw)
    return b


def products(session) -> int:  # type: ignore[no-untyped-def]
    return session.scalar(select(func.count()).select_from(Product))


class TestProducts:
    def test_exporter_adds_product_to_own_company(self, client, session, login) -> None:
        c = make_company(session)
        ex = make_user(session, Role.exporter, company_id=c.id)
        r = client.post("/api/products", json=body(c.id), headers=login(ex))
        assert r.status_code == 201, r.text
        assert r.json()["hs_code"] == "330499" and r.json()["currency"] == "USD"

    def test_exporter_cannot_touch_other_companies_products(self, client, session, login) -> None:
        own, other = make_company(session), make_company(session)
        ex = make_user(session, Role.exporter, company_id=own.id)
        p = make_product(session, other)
        assert client.post("/api/products", json=body(other.id), headers=login(ex)).status_code == 403
        assert client.get(f"/api/products/{p.id}", headers=login(ex)).status_code == 403
        assert client.patch(f"/api/products/{p.id}", json={"moq": 1}, headers=login(ex)).status_code == 403
        assert client.delete(f"/api/products/{p.id}", headers=login(ex)).status_code == 403
        listed = client.get("/api/products", headers=login(ex)).json()["items"]
        assert p.id not in [x["id"] for x in listed]

    def test_advisor_edits_only_assigned_companies_products(self, client, session, login) -> None:
        adv = make_user(session, Role.advisor)
        p_mine = make_product(session, make_company(session, advisor_id=adv.id))
        p_other = make_product(session, make_company(session))
        assert (
            client.patch(f"/api/products/{p_mine.id}", json={"moq": 9}, headers=login(adv)).status_code == 200
        )
        assert client.get(f"/api/products/{p_other.id}", headers=login(adv)).status_code == 200
        assert (
            client.patch(f"/api/products/{p_other.id}", json={"moq": 9}, headers=login(adv)).status_code
            == 403
        )

    def test_buyer_cannot_browse_products(self, client, session, login) -> None:
        assert client.get("/api/products", headers=login(make_user(session, Role.buyer))).status_code == 403

    def test_hs_code_not_in_nomenclature(self, client, session, login) -> None:
        admin = make_user(session, Role.admin)
        c = make_company(session)
        before = products(session)
        r = client.post("/api/products", json=body(c.id, hs_code="123456"), headers=login(admin))
        assert r.status_code == 422 and r.json()["field"] == "hs_code" and "123456" in r.json()["detail"]
        r = client.post("/api/products", json=body(c.id, hs_code="3304"), headers=login(admin))
        assert r.status_code == 422 and r.json()["field"] == "hs_code"
        assert products(session) == before

    def test_price_range_and_hsk_consistency(self, client, session, login) -> None:
        admin = make_user(session, Role.admin)
        c = make_company(session)
        r = client.post("/api/products", json=body(c.id, price_min="9", price_max="1"), headers=login(admin))
        assert r.status_code == 422
        r = client.post("/api/products", json=body(c.id, hsk_code="8504401000"), headers=login(admin))
        assert r.status_code == 422 and r.json()["field"] == "hsk_code"
        p = make_product(session, c)
        r = client.patch(
            f"/api/products/{p.id}", json={"price_min": "10", "price_max": "2"}, headers=login(admin)
        )
        assert r.status_code == 422

    def test_unknown_currency(self, client, session, login) -> None:
        admin = make_user(session, Role.admin)
        r = client.post(
            "/api/products", json=body(make_company(session).id, currency="XXQ"), headers=login(admin)
        )
        assert r.status_code == 422 and r.json()["field"] == "currency"

    def test_filter_by_hs_prefix(self, client, session, login) -> None:
        admin = make_user(session, Role.admin)
        c = make_company(session)
        make_product(session, c, hs_code="850440")
        r = client.get("/api/products?hs_prefix=8504", headers=login(admin))
        assert r.status_code == 200 and all(p["hs_code"].startswith("8504") for p in r.json()["items"])
        assert r.json()["total"] >= 1
