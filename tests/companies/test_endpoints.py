"""The companies API: CRUD, access rules, bad input, and nothing half-written."""

from __future__ import annotations

from sqlalchemy import func, select

from exportpilot.models import AuditEntry, Company, CompanyExport, Role
from tests.factories import make_company, make_user, valid_brn


def count(session, model) -> int:  # type: ignore[no-untyped-def]
    return session.scalar(select(func.count()).select_from(model))


def payload(**kw):  # type: ignore[no-untyped-def]
    body = {
        "name_ko": "(주)한빛정밀",
        "name_en": "Hanbit Precision Co., Ltd.",
        "brn": valid_brn(),
        "province": "KR-48",
        "industry": "machinery",
        "employees": 42,
        "export_status": "initial",
        "exports": [{"year": 2024, "value_usd": 120000}, {"year": 2025, "value_usd": 300000}],
    }
    body.update(kw)
    return body


class TestCreateCompany:
    def test_advisor_creates_and_is_assigned(self, client, session, login) -> None:
        adv = make_user(session, Role.advisor)
        r = client.post("/api/companies", json=payload(), headers=login(adv))
        assert r.status_code == 201, r.text
        body = r.json()
        assert body["advisor_id"] == adv.id
        assert body["province_code"] == "KR-48"
        assert body["region_code"] == "southeast"
        assert body["brn"].count("-") == 2
        assert [e["year"] for e in body["exports"]] == [2024, 2025]
        entry = session.scalar(select(AuditEntry).where(AuditEntry.entity == "company"))
        assert entry is not None and entry.actor_id == adv.id and entry.action == "create"

    def test_province_by_korean_name(self, client, session, login) -> None:
        adv = make_user(session, Role.advisor)
        r = client.post("/api/companies", json=payload(province="경상남도"), headers=login(adv))
        assert r.status_code == 201, r.text
        assert r.json()["province_code"] == "KR-48"

    def test_exporter_creates_its_own_company_once(self, client, session, login) -> None:
        ex = make_user(session, Role.exporter)
        r = client.post("/api/companies", json=payload(), headers=login(ex))
        assert r.status_code == 201
        session.refresh(ex)
        assert ex.company_id == r.json()["id"]
        r2 = client.post("/api/companies", json=payload(), headers=login(ex))
        assert r2.status_code == 403

    def test_buyer_cannot_create(self, client, session, login) -> None:
        r = client.post("/api/companies", json=payload(), headers=login(make_user(session, Role.buyer)))
        assert r.status_code == 403
        assert r.json()["error"] == "PermissionDenied"

    def test_anonymous_gets_401(self, client) -> None:
        r = client.post("/api/companies", json=payload())
        assert r.status_code == 401
        assert r.json()["error"] == "NotAuthenticated"


class TestBadCompanyInput:
    def _post(self, client, session, login, body):  # type: ignore[no-untyped-def]
        adv = make_user(session, Role.advisor)
        before = (count(session, Company), count(session, CompanyExport), count(session, AuditEntry))
        r = client.post("/api/companies", json=body, headers=login(adv))
        after = (count(session, Company), count(session, CompanyExport), count(session, AuditEntry))
        assert before == after, "a rejected request must write nothing"
        return r

    def test_bad_check_digit(self, client, session, login) -> None:
        r = self._post(client, session, login, payload(brn="124-81-00997"))
        assert r.status_code == 422
        assert r.json()["field"] == "brn"
        assert "check digit" in r.json()["detail"]

    def test_unknown_province(self, client, session, login) -> None:
        r = self._post(client, session, login, payload(province="Atlantis"))
        assert r.status_code == 422
        assert r.json()["field"] == "province"
        assert "Atlantis" in r.json()["detail"]

    def test_duplicate_brn(self, client, session, login) -> None:
        existing = make_company(session)
        r = self._post(client, session, login, payload(brn=existing.brn))
        assert r.status_code == 409
        assert r.json() | {"detail": ""} == {"error": "Conflict", "detail": "", "field": "brn"}

    def test_duplicate_export_year(self, client, session, login) -> None:
        body = payload(exports=[{"year": 2024, "value_usd": 1}, {"year": 2024, "value_usd": 2}])
        r = self._post(client, session, login, body)
        assert r.status_code == 422
        assert r.json()["field"] == "exports"

    def test_unknown_field(self, client, session, login) -> None:
        r = self._post(client, session, login, payload(ceo_shoe_size=44))
        assert r.status_code == 422
        assert r.json()["field"] == "ceo_shoe_size"

    def test_malformed_json(self, client, session, login) -> None:
        adv = make_user(session, Role.advisor)
        headers = login(adv) | {"content-type": "application/json"}
        r = client.post("/api/companies", content=b'{"name_ko": ', headers=headers)
        assert r.status_code == 422
        assert r.json()["error"] == "ValidationError"

    def test_oversized_body(self, client, session, login) -> None:
        adv = make_user(session, Role.advisor)
        before = count(session, Company)
        r = client.post("/api/companies", json=payload(description="x" * 2_000_000), headers=login(adv))
        assert r.status_code == 413
        assert r.json()["error"] == "PayloadTooLarge"
        assert count(session, Company) == before

    def test_oversized_chunked_body(self, client, session, login) -> None:
        adv = make_user(session, Role.advisor)

        def chunks():  # type: ignore[no-untyped-def]
            yield b'{"description": "'
            for _ in range(300):
                yield b"y" * 10_000
            yield b'"}'

        r = client.post(
            "/api/companies", content=chunks(), headers=login(adv) | {"content-type": "application/json"}
        )
        assert r.status_code == 413


class TestReadAndEditCompany:
    def test_exporter_sees_only_own(self, client, session, login) -> None:
        own, other = make_company(session), make_company(session)
        ex = make_user(session, Role.exporter, company_id=own.id)
        r = client.get("/api/companies", headers=login(ex))
        assert r.status_code == 200
        assert [c["id"] for c in r.json()["items"]] == [own.id]
        assert client.get(f"/api/companies/{own.id}", headers=login(ex)).status_code == 200
        assert client.get(f"/api/companies/{other.id}", headers=login(ex)).status_code == 403
        r = client.patch(f"/api/companies/{other.id}", json={"employees": 1}, headers=login(ex))
        assert r.status_code == 403

    def test_exporter_edits_own(self, client, session, login) -> None:
        own = make_company(session)
        ex = make_user(session, Role.exporter, company_id=own.id)
        r = client.patch(
            f"/api/companies/{own.id}", json={"employees": 77, "province": "KR-11"}, headers=login(ex)
        )
        assert r.status_code == 200, r.text
        assert r.json()["employees"] == 77 and r.json()["region_code"] == "capital"
        hist = client.get(f"/api/companies/{own.id}/history", headers=login(ex)).json()
        assert hist[0]["action"] == "update" and hist[0]["changes"]["employees"] == [25, 77]

    def test_advisor_sees_all_edits_assigned_only(self, client, session, login) -> None:
        adv = make_user(session, Role.advisor)
        mine, theirs = make_company(session, advisor_id=adv.id), make_company(session)
        assert client.get(f"/api/companies/{theirs.id}", headers=login(adv)).status_code == 200
        assert (
            client.patch(f"/api/companies/{mine.id}", json={"employees": 3}, headers=login(adv)).status_code
            == 200
        )
        r = client.patch(f"/api/companies/{theirs.id}", json={"employees": 3}, headers=login(adv))
        assert r.status_code == 403

    def test_buyer_cannot_list(self, client, session, login) -> None:
        assert client.get("/api/companies", headers=login(make_user(session, Role.buyer))).status_code == 403

    def test_filters_and_pagination(self, client, session, login) -> None:
        admin = make_user(session, Role.admin)
        for _ in range(5):
            make_company(session, province_code="KR-49", industry="cosmetics")
        r = client.get("/api/companies?region=jeju&size=2&page=2", headers=login(admin))
        body = r.json()
        assert r.status_code == 200 and body["total"] >= 5 and body["page"] == 2 and len(body["items"]) == 2
        assert {c["region_code"] for c in body["items"]} == {"jeju"}
        assert client.get("/api/companies?size=1000", headers=login(admin)).status_code == 422

    def test_missing_company_is_404(self, client, session, login) -> None:
        r = client.get("/api/companies/999999", headers=login(make_user(session, Role.admin)))
        assert r.status_code == 404 and r.json()["error"] == "NotFound"

    def test_only_admin_deletes(self, client, session, login) -> None:
        adv = make_user(session, Role.advisor)
        c = make_company(session, advisor_id=adv.id)
        assert client.delete(f"/api/companies/{c.id}", headers=login(adv)).status_code == 403
        assert (
            client.delete(f"/api/companies/{c.id}", headers=login(make_user(session, Role.admin))).status_code
            == 204
        )
        assert session.get(Company, c.id) is None


class TestAssignAdvisor:
    def test_admin_assigns(self, client, session, login) -> None:
        admin, adv = make_user(session, Role.admin), make_user(session, Role.advisor)
        c = make_company(session)
        r = client.put(f"/api/companies/{c.id}/advisor", json={"advisor_id": adv.id}, headers=login(admin))
        assert r.status_code == 200 and r.json()["advisor_id"] == adv.id

    def test_advisor_cannot_assign(self, client, session, login) -> None:
        adv = make_user(session, Role.advisor)
        c = make_company(session)
        r = client.put(f"/api/companies/{c.id}/advisor", json={"advisor_id": adv.id}, headers=login(adv))
        assert r.status_code == 403

    def test_assignee_must_be_advisor(self, client, session, login) -> None:
        admin, ex = make_user(session, Role.admin), make_user(session, Role.exporter)
        c = make_company(session)
        r = client.put(f"/api/companies/{c.id}/advisor", json={"advisor_id": ex.id}, headers=login(admin))
        assert r.status_code == 422 and r.json()["field"] == "advisor_id"


class TestSearch:
    def test_wildcards_in_search_text_are_literal(self, client, session, login) -> None:
        admin = make_user(session, Role.admin)
        hit = make_company(session, name_en="100% Natural Foods")
        miss = make_company(session, name_en="1000 Natural Foods")
        ids = [
            c["id"]
            for c in client.get("/api/companies?q=100%25&size=200", headers=login(admin)).json()["items"]
        ]
        assert hit.id in ids and miss.id not in ids
        ids = [
            c["id"] for c in client.get("/api/companies?q=_&size=200", headers=login(admin)).json()["items"]
        ]
        assert hit.id not in ids and miss.id not in ids


class TestIndustry:
    def test_industry_by_label_is_stored_as_code(self, client, session, login) -> None:
        adv = make_user(session, Role.advisor)
        r = client.post("/api/companies", json=payload(industry="화장품(K-뷰티)"), headers=login(adv))
        assert r.status_code == 201 and r.json()["industry"] == "cosmetics"

    def test_unknown_industry_is_refused(self, client, session, login) -> None:
        adv = make_user(session, Role.advisor)
        before = count(session, Company)
        r = client.post("/api/companies", json=payload(industry="toys?"), headers=login(adv))
        assert r.status_code == 422 and r.json()["field"] == "industry"
        assert count(session, Company) == before
