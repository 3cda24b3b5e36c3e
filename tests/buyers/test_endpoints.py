from __future__ import annotations

from sqlalchemy import func, select

from exportpilot.models import Buyer, BuyerContact, Role
from tests.factories import make_buyer, make_user


def body(**kw):  # type: ignore[no-untyped-def]
    b = {
        "company_name": "Distribuidora Sol S.A. de C.V.",
        "country": "MX",
        "city": "Monterrey",
        "website": "https://sol.example",
        "email": "compras@sol.example",
        "products_of_interest": "Buscamos cremas cosméticas coreanas",
        "hs_interests": ["3304.99"],
        "languages": ["es", "en"],
        "contacts": [
            {"name": "María López", "title": "Compras", "email": "maria@sol.example", "language": "es"}
        ],
    }
    b.update(kw)
    return b


def counts(session) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    return (
        session.scalar(select(func.count()).select_from(Buyer)),
        session.scalar(select(func.count()).select_from(BuyerContact)),
    )


class TestBuyers:
    def test_advisor_registers_buyer(self, client, session, login) -> None:
        r = client.post("/api/buyers", json=body(), headers=login(make_user(session, Role.advisor)))
        assert r.status_code == 201, r.text
        b = r.json()
        assert b["country_code"] == "MEX" and b["hs_interests"] == ["330499"]
        assert b["contacts"][0]["name"] == "María López"
        assert b["verification_status"] == "unverified"

    def test_unknown_country_writes_nothing(self, client, session, login) -> None:
        before = counts(session)
        r = client.post(
            "/api/buyers", json=body(country="XX"), headers=login(make_user(session, Role.advisor))
        )
        assert r.status_code == 422 and r.json()["field"] == "country"
        assert counts(session) == before

    def test_bad_contact_language_writes_nothing(self, client, session, login) -> None:
        before = counts(session)
        bad = body(contacts=[{"name": "A", "language": "qq"}])
        r = client.post("/api/buyers", json=bad, headers=login(make_user(session, Role.advisor)))
        assert r.status_code == 422
        assert counts(session) == before

    def test_duplicate_buyer(self, client, session, login) -> None:
        adv = make_user(session, Role.advisor)
        assert client.post("/api/buyers", json=body(), headers=login(adv)).status_code == 201
        r = client.post(
            "/api/buyers", json=body(company_name="distribuidora sol s.a. de c.v."), headers=login(adv)
        )
        assert r.status_code == 409

    def test_buyer_sees_only_itself(self, client, session, login) -> None:
        own, other = make_buyer(session), make_buyer(session)
        bu = make_user(session, Role.buyer, buyer_id=own.id)
        assert client.get(f"/api/buyers/{own.id}", headers=login(bu)).status_code == 200
        assert client.get(f"/api/buyers/{other.id}", headers=login(bu)).status_code == 403
        assert (
            client.patch(f"/api/buyers/{other.id}", json={"city": "x"}, headers=login(bu)).status_code == 403
        )
        assert [b["id"] for b in client.get("/api/buyers", headers=login(bu)).json()["items"]] == [own.id]

    def test_buyer_cannot_verify_itself(self, client, session, login) -> None:
        own = make_buyer(session)
        bu = make_user(session, Role.buyer, buyer_id=own.id)
        r = client.patch(f"/api/buyers/{own.id}", json={"verification_status": "verified"}, headers=login(bu))
        assert r.status_code == 403
        r = client.patch(
            f"/api/buyers/{own.id}",
            json={"verification_status": "verified"},
            headers=login(make_user(session, Role.advisor)),
        )
        assert r.status_code == 200 and r.json()["verification_status"] == "verified"

    def test_exporter_cannot_browse_buyers(self, client, session, login) -> None:
        b = make_buyer(session)
        ex = make_user(session, Role.exporter)
        assert client.get("/api/buyers", headers=login(ex)).status_code == 403
        assert client.get(f"/api/buyers/{b.id}", headers=login(ex)).status_code == 403

    def test_only_admin_deletes(self, client, session, login) -> None:
        b = make_buyer(session)
        assert (
            client.delete(f"/api/buyers/{b.id}", headers=login(make_user(session, Role.advisor))).status_code
            == 403
        )
        assert (
            client.delete(f"/api/buyers/{b.id}", headers=login(make_user(session, Role.admin))).status_code
            == 204
        )

    def test_filter_by_country(self, client, session, login) -> None:
        make_buyer(session, country_code="DEU")
        r = client.get("/api/buyers?country=de", headers=login(make_user(session, Role.admin)))
        assert r.status_code == 200 and {b["country_code"] for b in r.json()["items"]} == {"DEU"}
