"""Verify, flag, block (who may, with a reason, audited); trust through the API; duplicates and merge."""

from __future__ import annotations

from exportpilot.models import Buyer, BuyerContact, Role, User, VerificationStatus
from tests.buyers.helpers import audit_actions, make_inquiry, make_introduction, trusted_buyer
from tests.factories import make_buyer, make_product, make_user


class TestScreening:
    def test_advisor_verifies_with_reason_and_source(self, client, session, login) -> None:
        buyer = make_buyer(session)
        adv = make_user(session, Role.advisor)
        r = client.post(
            f"/api/buyers/{buyer.id}/verify",
            json={"reason": "met at the Hanoi trade office", "via": "overseas_office"},
            headers=login(adv),
        )
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["verification_status"] == "verified" and body["verified_via"] == "overseas_office"
        assert body["status_reason"] == "met at the Hanoi trade office"
        assert audit_actions(session, "buyer", buyer.id) == ["verify"]
        session.refresh(buyer)
        assert buyer.status_changed_by_id == adv.id

    def test_flag_and_block_need_a_reason(self, client, session, login) -> None:
        buyer = make_buyer(session)
        headers = login(make_user(session, Role.advisor))
        r = client.post(f"/api/buyers/{buyer.id}/flag", json={"reason": ""}, headers=headers)
        assert r.status_code == 422 and r.json()["field"] == "reason"
        assert (
            client.post(
                f"/api/buyers/{buyer.id}/flag", json={"reason": "two phones"}, headers=headers
            ).json()["verification_status"]
            == "flagged"
        )
        r = client.post(
            f"/api/buyers/{buyer.id}/block", json={"reason": "fake bank details"}, headers=headers
        )
        assert r.json()["verification_status"] == "blocked"
        assert audit_actions(session, "buyer", buyer.id) == ["flag", "block"]

    def test_exporters_and_buyers_may_not_screen(self, client, session, login) -> None:
        buyer = make_buyer(session)
        own = make_user(session, Role.buyer, buyer_id=buyer.id)
        exporter = make_user(session, Role.exporter)
        for user in (own, exporter):
            for action in ("verify", "flag", "block"):
                r = client.post(
                    f"/api/buyers/{buyer.id}/{action}", json={"reason": "because"}, headers=login(user)
                )
                assert r.status_code == 403, (user.role, action)
        session.refresh(buyer)
        assert buyer.verification_status == VerificationStatus.unverified

    def test_only_an_admin_lifts_a_block(self, client, session, login) -> None:
        buyer = make_buyer(session, verification_status=VerificationStatus.blocked)
        adv = login(make_user(session, Role.advisor))
        assert (
            client.post(f"/api/buyers/{buyer.id}/verify", json={"reason": "ok now"}, headers=adv).status_code
            == 403
        )
        r = client.patch(f"/api/buyers/{buyer.id}", json={"verification_status": "verified"}, headers=adv)
        assert r.status_code == 403
        admin = login(make_user(session, Role.admin))
        r = client.post(f"/api/buyers/{buyer.id}/verify", json={"reason": "documents checked"}, headers=admin)
        assert r.status_code == 200 and r.json()["verification_status"] == "verified"


class TestTrustEndpoint:
    def test_components_with_points_and_evidence(self, client, session, login) -> None:
        buyer = trusted_buyer(session)
        r = client.get(f"/api/buyers/{buyer.id}/trust", headers=login(make_user(session, Role.advisor)))
        assert r.status_code == 200
        body = r.json()
        assert body["score"] == 45 and body["bar"] == 40 and body["introducible"]
        comps = {c["code"]: c for c in body["components"]}
        assert comps["identity"]["points"] == 30
        assert comps["identity"]["evidence"][0]["text"] == "Identity verified by an overseas trade office"
        assert sum(c["points"] for c in body["components"]) == body["score"]

    def test_activity_and_responsiveness_come_from_the_database(self, session) -> None:
        from datetime import UTC, datetime, timedelta

        from exportpilot.buyers import service
        from exportpilot.models import IntroductionStage

        buyer = trusted_buyer(session)
        make_inquiry(session, buyer, hs_code="821191", quantity=500, unit="pcs")
        old = datetime.now(UTC) - timedelta(days=30)
        make_introduction(
            session,
            buyer,
            make_product(session),
            stage=IntroductionStage.meeting,
            created_at=old,
            answered_after=timedelta(hours=10),
        )
        make_introduction(session, buyer, make_product(session), created_at=old)  # unanswered, overdue
        make_introduction(session, buyer, make_product(session))  # unanswered, not yet due
        # declined by the exporter before the buyer answered: not the buyer's silence
        make_introduction(
            session, buyer, make_product(session), stage=IntroductionStage.declined, created_at=old
        )
        facts = service.trust_facts(session, [buyer])[buyer.id]
        assert (len(facts.inquiries), facts.introductions_due, facts.answer_hours, facts.meetings) == (
            1,
            2,
            (10.0,),
            1,
        )
        assert (
            facts.inquiries[0].hs_code and facts.inquiries[0].quantity and not facts.inquiries[0].target_price
        )

    def test_exporter_cannot_read_a_buyers_trust_evidence(self, client, session, login) -> None:
        buyer = trusted_buyer(session)
        r = client.get(f"/api/buyers/{buyer.id}/trust", headers=login(make_user(session, Role.exporter)))
        assert r.status_code == 403


class TestMerge:
    def test_merge_moves_everything_and_keeps_history(self, client, session, login) -> None:
        keep = make_buyer(session, company_name="Sao Mai Trading Co., Ltd.", country_code="VNM")
        keep.contacts = [BuyerContact(name="An", email="an@saomai.vn")]
        dup = make_buyer(
            session,
            company_name="SAO MAI TRADING",
            country_code="VNM",
            website="https://saomai.vn",
            hs_interests=["8211"],
            verification_status=VerificationStatus.flagged,
            status_reason="two addresses",
        )
        dup.contacts = [
            BuyerContact(name="An", email="AN@saomai.vn"),
            BuyerContact(name="Binh", email="b@saomai.vn"),
        ]
        session.flush()
        inquiry = make_inquiry(session, dup)
        intro = make_introduction(session, dup, make_product(session))
        buyer_user = make_user(session, Role.buyer, buyer_id=dup.id)
        adv = make_user(session, Role.advisor)

        listed = client.get("/api/buyers/duplicates?country=VN", headers=login(adv)).json()
        assert {(d["buyer"]["id"], d["duplicate"]["id"], d["verdict"]) for d in listed} >= {
            (keep.id, dup.id, "same")
        }

        r = client.post(f"/api/buyers/{keep.id}/merge", json={"merge_ids": [dup.id]}, headers=login(adv))
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["merged_from_ids"] == [dup.id]
        assert body["website"] == "https://saomai.vn" and body["hs_interests"] == ["8211"]
        assert body["verification_status"] == "flagged"  # the most severe decision survives
        assert sorted(c["name"] for c in body["contacts"]) == ["An", "Binh"]
        session.expire_all()
        assert session.get(Buyer, dup.id).merged_into_id == keep.id
        assert inquiry.buyer_id == keep.id and intro.buyer_id == keep.id
        assert session.get(User, buyer_user.id).buyer_id == keep.id
        assert audit_actions(session, "buyer", keep.id)[-1] == "merge"
        assert audit_actions(session, "buyer", dup.id)[-1] == "merge"
        ids = [
            b["id"] for b in client.get("/api/buyers?country=VN&size=200", headers=login(adv)).json()["items"]
        ]
        assert keep.id in ids and dup.id not in ids
        assert client.get(f"/api/buyers/{dup.id}", headers=login(adv)).json()["merged_into_id"] == keep.id

    def test_merge_refusals(self, client, session, login) -> None:
        a, b = make_buyer(session), make_buyer(session)
        adv = login(make_user(session, Role.advisor))
        assert (
            client.post(f"/api/buyers/{a.id}/merge", json={"merge_ids": [a.id]}, headers=adv).status_code
            == 422
        )
        assert (
            client.post(f"/api/buyers/{a.id}/merge", json={"merge_ids": [999999]}, headers=adv).status_code
            == 404
        )
        assert (
            client.post(f"/api/buyers/{a.id}/merge", json={"merge_ids": [b.id]}, headers=adv).status_code
            == 200
        )
        assert (
            client.post(f"/api/buyers/{a.id}/merge", json={"merge_ids": [b.id]}, headers=adv).status_code
            == 409
        )
        assert (
            client.post(f"/api/buyers/{b.id}/merge", json={"merge_ids": [a.id]}, headers=adv).status_code
            == 409
        )
        c = make_buyer(session)
        for role in (Role.exporter, Role.buyer):
            r = client.post(
                f"/api/buyers/{a.id}/merge",
                json={"merge_ids": [c.id]},
                headers=login(make_user(session, role)),
            )
            assert r.status_code == 403
        assert (
            client.get("/api/buyers/duplicates", headers=login(make_user(session, Role.exporter))).status_code
            == 403
        )

    def test_creating_a_known_company_is_refused(self, client, session, login) -> None:
        existing = make_buyer(session, company_name="Müller GmbH & Co. KG", country_code="DEU")
        r = client.post(
            "/api/buyers",
            json={"company_name": "MULLER GMBH", "country": "DE"},
            headers=login(make_user(session, Role.advisor)),
        )
        assert r.status_code == 409 and str(existing.id) in r.json()["detail"]
