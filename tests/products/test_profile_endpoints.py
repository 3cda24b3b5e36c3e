"""The product profile through the API: stored on create, re-extracted, edited, audited, access rules."""

from __future__ import annotations

from sqlalchemy import select

from exportpilot.models import AuditEntry, Role
from tests.factories import make_buyer, make_company, make_product, make_user

KNIFE = {
    "name_ko": "스테인리스 셰프 나이프",
    "name_en": "Stainless steel chef knife",
    "description_ko": "몰리브덴강 일체형 주방용 칼. 칼날 20cm. FDA 등록 공장에서 생산합니다.",
    "description_en": "One-piece stainless steel chef knife, 20 cm blade, for professional kitchens. "
    "Lifetime warranty against manufacturing defects.",
    "hs_code": "8211.91",
    "certifications": ["FDA"],
    "specifications": {"blade length": "20 cm", "hardness": "HRC 56"},
}


def audit_of(session, product_id: int) -> list[AuditEntry]:  # type: ignore[no-untyped-def]
    stmt = select(AuditEntry).where(AuditEntry.entity == "product", AuditEntry.entity_id == str(product_id))
    return list(session.scalars(stmt.order_by(AuditEntry.id)))


class TestProfileApi:
    def test_a_new_product_gets_its_profile(self, client, session, login) -> None:  # type: ignore[no-untyped-def]
        c = make_company(session)
        ex = make_user(session, Role.exporter, company_id=c.id)
        r = client.post("/api/products", json=KNIFE | {"company_id": c.id}, headers=login(ex))
        assert r.status_code == 201, r.text
        assert r.json()["hs_source"] == "exporter"
        r = client.get(f"/api/products/{r.json()['id']}/profile", headers=login(ex))
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["stored"] is True and body["source"] == "extracted" and body["updated_at"]
        profile = body["profile"]
        assert profile["materials"][:2] == ["stainless steel", "molybdenum steel"]
        assert profile["certifications"] == ["FDA"]
        blade = {k: v for k, v in profile["specifications"][0].items() if v is not None}
        assert blade == {
            "name": "blade length",
            "value": 20.0,
            "unit": "cm",
            "quantity": "length",
            "base_value": 200.0,
            "base_unit": "mm",
            "text": "20 cm",
            "source": "specifications",
        }
        assert "professional kitchens" in profile["intended_uses"] and "주방용" in profile["intended_uses"]
        assert "Lifetime warranty against manufacturing defects." in profile["differentiators"]
        assert "셰프" in profile["keywords_ko"] and "chef knife" in profile["keywords_en"]

    def test_not_stored_yet_then_extracted_on_demand(self, client, session, login) -> None:  # type: ignore[no-untyped-def]
        c = make_company(session)
        p = make_product(
            session, c, description_ko="", description_en="Aluminium ladder, 3 m, EN 131 certified."
        )
        ex = make_user(session, Role.exporter, company_id=c.id)
        r = client.get(f"/api/products/{p.id}/profile", headers=login(ex))
        assert r.json()["stored"] is False and r.json()["source"] is None
        assert r.json()["profile"]["materials"] == ["aluminium"]
        assert p.profile is None  # reading does not write
        r = client.post(f"/api/products/{p.id}/profile/extract", headers=login(ex))
        assert r.status_code == 200, r.text
        assert r.json()["stored"] is True and r.json()["source"] == "extracted"
        session.refresh(p)
        assert p.profile["materials"] == ["aluminium"]
        entry = audit_of(session, p.id)[-1]
        assert entry.actor_id == ex.id and entry.changes["profile.materials"] == [None, ["aluminium"]]

    def test_edit_keeps_the_edits_until_re_extracted(self, client, session, login) -> None:  # type: ignore[no-untyped-def]
        c = make_company(session)
        ex = make_user(session, Role.exporter, company_id=c.id)
        pid = client.post("/api/products", json=KNIFE | {"company_id": c.id}, headers=login(ex)).json()["id"]
        profile = client.get(f"/api/products/{pid}/profile", headers=login(ex)).json()["profile"]
        profile["materials"] = ["VG-10 stainless steel"]
        profile["differentiators"].append("Hand-sharpened in Yangsan.")
        profile["specifications"].append({"name": "edge angle", "value": 15, "unit": "°", "source": "edited"})
        r = client.put(f"/api/products/{pid}/profile", json=profile, headers=login(ex))
        assert r.status_code == 200, r.text
        assert r.json()["source"] == "edited" and r.json()["profile"]["materials"] == [
            "VG-10 stainless steel"
        ]
        assert audit_of(session, pid)[-1].changes["profile.materials"][1] == ["VG-10 stainless steel"]
        # A change of the description does not overwrite what a person wrote ...
        r = client.patch(
            f"/api/products/{pid}", json={"description_en": "Titanium knife."}, headers=login(ex)
        )
        assert r.status_code == 200
        body = client.get(f"/api/products/{pid}/profile", headers=login(ex)).json()
        assert body["source"] == "edited" and body["profile"]["materials"] == ["VG-10 stainless steel"]
        # ... until someone asks for a fresh extraction.
        body = client.post(f"/api/products/{pid}/profile/extract", headers=login(ex)).json()
        assert body["source"] == "extracted" and "titanium" in body["profile"]["materials"]

    def test_an_extracted_profile_follows_the_texts(self, client, session, login) -> None:  # type: ignore[no-untyped-def]
        c = make_company(session)
        ex = make_user(session, Role.exporter, company_id=c.id)
        pid = client.post("/api/products", json=KNIFE | {"company_id": c.id}, headers=login(ex)).json()["id"]
        client.patch(
            f"/api/products/{pid}", json={"certifications": ["FDA", "LFGB"], "moq": 100}, headers=login(ex)
        )
        body = client.get(f"/api/products/{pid}/profile", headers=login(ex)).json()
        assert body["source"] == "extracted" and body["profile"]["certifications"] == ["FDA", "LFGB"]

    def test_bad_profiles_are_422(self, client, session, login) -> None:  # type: ignore[no-untyped-def]
        c = make_company(session)
        p = make_product(session, c)
        ex = make_user(session, Role.exporter, company_id=c.id)
        for bad in (
            {"materials": ["x" * 301]},
            {"materials": [f"m{i}" for i in range(31)]},
            {"colour": ["red"]},
            {"specifications": [{"value": 3}]},
            {"specifications": [{"name": "a", "value": "three"}]},
            {"keywords_en": "one two"},
        ):
            r = client.put(f"/api/products/{p.id}/profile", json=bad, headers=login(ex))
            assert r.status_code == 422, (bad, r.text)
        session.refresh(p)
        assert p.profile is None

    def test_access(self, client, session, login) -> None:  # type: ignore[no-untyped-def]
        adv = make_user(session, Role.advisor)
        mine = make_company(session, advisor_id=adv.id)
        p_mine, p_other = make_product(session, mine), make_product(session, make_company(session))
        stranger = make_user(session, Role.exporter, company_id=make_company(session).id)
        buyer = make_user(session, Role.buyer, buyer_id=make_buyer(session).id)
        empty = {"materials": ["glass"]}
        for user in (stranger, buyer):
            assert client.get(f"/api/products/{p_mine.id}/profile", headers=login(user)).status_code == 403
            assert (
                client.put(f"/api/products/{p_mine.id}/profile", json=empty, headers=login(user)).status_code
                == 403
            )
            assert (
                client.post(f"/api/products/{p_mine.id}/profile/extract", headers=login(user)).status_code
                == 403
            )
        # An advisor sees every product's profile but edits only those of the firms assigned to them.
        assert client.get(f"/api/products/{p_other.id}/profile", headers=login(adv)).status_code == 200
        assert (
            client.put(f"/api/products/{p_other.id}/profile", json=empty, headers=login(adv)).status_code
            == 403
        )
        assert (
            client.post(f"/api/products/{p_other.id}/profile/extract", headers=login(adv)).status_code == 403
        )
        assert (
            client.put(f"/api/products/{p_mine.id}/profile", json=empty, headers=login(adv)).status_code
            == 200
        )
        assert client.get("/api/products/999999/profile", headers=login(adv)).status_code == 404
        assert client.get(f"/api/products/{p_mine.id}/profile").status_code == 401
