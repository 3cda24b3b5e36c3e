"""Introductions through the API: the stages with who and when, privacy of the buyer's contact details,
the trust bar, declines feeding back, the funnel."""

from __future__ import annotations

from decimal import Decimal

import pytest

from exportpilot.matching import retrieval
from exportpilot.models import Role, VerificationStatus
from tests.buyers.helpers import audit_actions, make_inquiry, trusted_buyer
from tests.factories import make_buyer, make_company, make_product, make_user

CONTACT_KEYS = {"email", "phone", "website", "contacts"}


@pytest.fixture(autouse=True)
def _lexical(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(retrieval, "_engine", lambda: None)


@pytest.fixture
def world(session):  # type: ignore[no-untyped-def]
    """A trusted buyer with an inquiry and a user, an exporter with a knife, advisors."""
    company = make_company(session, province_code="KR-48")
    product = make_product(
        session,
        company,
        hs_code="821191",
        moq=500,
        moq_unit="pcs",
        name_en="Chef knife",
        description_en="Stainless steel chef knife",
    )
    buyer = trusted_buyer(session, hs_interests=["8211"], products_of_interest="kitchen knives")
    inquiry = make_inquiry(
        session,
        buyer,
        hs_code="821191",
        quantity=1000,
        unit="pcs",
        text="Stainless steel chef knives, 1000 pcs",
    )
    return {
        "company": company,
        "product": product,
        "buyer": buyer,
        "inquiry": inquiry,
        "buyer_user": make_user(session, Role.buyer, buyer_id=buyer.id),
        "exporter": make_user(session, Role.exporter, company_id=company.id),
        "other_exporter": make_user(session, Role.exporter, company_id=make_company(session).id),
        "advisor": make_user(session, Role.advisor),
    }


def introduce(client, login, w, user_key="advisor"):  # type: ignore[no-untyped-def]
    body = {"buyer_id": w["buyer"].id, "product_id": w["product"].id, "inquiry_id": w["inquiry"].id}
    r = client.post("/api/introductions", json=body, headers=login(w[user_key]))
    assert r.status_code == 201, r.text
    return r.json()


class TestMatchesEndpoints:
    def test_inquiry_matches_carry_explanations(self, client, session, login, world) -> None:
        r = client.get(
            f"/api/inquiries/{world['inquiry'].id}/matches?top=5", headers=login(world["buyer_user"])
        )
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["retrieval"] == "lexical" and body["buyer_introducible"]
        first = body["matches"][0]
        assert first["product"]["id"] == world["product"].id and first["rank"] == 1
        ex = first["explanation"]
        assert {"matched", "missing", "assumed", "penalties", "next_question"} <= set(ex)
        assert any(s["code"] == "hs_same6" for s in ex["matched"])
        assert any(s["code"] == "moq_ok" for s in ex["matched"])
        assert ex["next_question"]["text"]

    def test_product_matches_never_carry_contact_details(self, client, session, login, world) -> None:
        r = client.get(f"/api/products/{world['product'].id}/matches", headers=login(world["exporter"]))
        assert r.status_code == 200
        matches = r.json()["matches"]
        assert matches and matches[0]["buyer"]["id"] == world["buyer"].id
        for m in matches:
            assert not CONTACT_KEYS & set(m["buyer"])
        assert "buy@" not in r.text and "+84" not in r.text

    def test_match_denials(self, client, session, login, world) -> None:
        product, inquiry = world["product"], world["inquiry"]
        assert (
            client.get(
                f"/api/products/{product.id}/matches", headers=login(world["other_exporter"])
            ).status_code
            == 403
        )
        assert (
            client.get(f"/api/products/{product.id}/matches", headers=login(world["buyer_user"])).status_code
            == 403
        )
        assert (
            client.get(f"/api/inquiries/{inquiry.id}/matches", headers=login(world["exporter"])).status_code
            == 403
        )
        stranger = make_user(session, Role.buyer, buyer_id=make_buyer(session).id)
        assert client.get(f"/api/inquiries/{inquiry.id}/matches", headers=login(stranger)).status_code == 403


class TestPrivacy:
    def test_exporter_sees_contacts_only_after_acceptance(self, client, session, login, world) -> None:
        intro = introduce(client, login, world)
        assert intro["stage"] == "introduced"
        assert not CONTACT_KEYS & set(intro["buyer"])
        exporter = login(world["exporter"])
        buyer_id = world["buyer"].id
        # every way to the contact details is closed before acceptance
        assert client.get(f"/api/introductions/{intro['id']}/contacts", headers=exporter).status_code == 403
        assert client.get(f"/api/buyers/{buyer_id}/contacts", headers=exporter).status_code == 403
        assert client.get(f"/api/buyers/{buyer_id}", headers=exporter).status_code == 403
        assert client.get("/api/buyers", headers=exporter).status_code == 403
        assert client.get(f"/api/buyers/{buyer_id}/trust", headers=exporter).status_code == 403
        seen = client.get(f"/api/introductions/{intro['id']}", headers=exporter)
        assert seen.status_code == 200 and "buy@" not in seen.text and "an@" not in seen.text
        assert seen.json()["contacts_visible"] is False
        # the exporter cannot accept on the buyer's behalf
        assert client.post(f"/api/introductions/{intro['id']}/accept", headers=exporter).status_code == 403

        r = client.post(f"/api/introductions/{intro['id']}/accept", headers=login(world["buyer_user"]))
        assert r.status_code == 200 and r.json()["stage"] == "accepted"
        contacts = client.get(f"/api/introductions/{intro['id']}/contacts", headers=exporter)
        assert contacts.status_code == 200
        assert contacts.json()["email"] == world["buyer"].email and contacts.json()["contacts"][0]["email"]
        assert client.get(f"/api/buyers/{buyer_id}/contacts", headers=exporter).status_code == 200
        assert client.get(f"/api/introductions/{intro['id']}", headers=exporter).json()["contacts_visible"]
        # still not to another exporter, nor through the full buyer record
        other = login(world["other_exporter"])
        assert client.get(f"/api/introductions/{intro['id']}/contacts", headers=other).status_code == 403
        assert client.get(f"/api/buyers/{buyer_id}/contacts", headers=other).status_code == 403
        assert client.get(f"/api/buyers/{buyer_id}", headers=exporter).status_code == 403

    def test_an_advisor_accepts_on_the_buyers_behalf(self, client, session, login, world) -> None:
        intro = introduce(client, login, world, "exporter")  # the exporter asked for it
        assert intro["introduced_by_id"] == world["exporter"].id
        r = client.post(f"/api/introductions/{intro['id']}/accept", headers=login(world["advisor"]))
        assert r.status_code == 200
        assert (
            client.get(
                f"/api/introductions/{intro['id']}/contacts", headers=login(world["exporter"])
            ).status_code
            == 200
        )

    def test_a_declined_introduction_reveals_nothing(self, client, session, login, world) -> None:
        intro = introduce(client, login, world)
        r = client.post(
            f"/api/introductions/{intro['id']}/decline",
            json={"reason": "price", "note": "too dear"},
            headers=login(world["buyer_user"]),
        )
        assert (
            r.status_code == 200 and r.json()["stage"] == "declined" and r.json()["decline_reason"] == "price"
        )
        assert (
            client.get(
                f"/api/introductions/{intro['id']}/contacts", headers=login(world["exporter"])
            ).status_code
            == 403
        )
        assert (
            client.post(
                f"/api/introductions/{intro['id']}/accept", headers=login(world["buyer_user"])
            ).status_code
            == 409
        )

    def test_a_buyer_asking_for_a_supplier_accepts_at_once(self, client, session, login, world) -> None:
        intro = introduce(client, login, world, "buyer_user")
        assert intro["stage"] == "accepted" and [e["stage"] for e in intro["events"]] == [
            "introduced",
            "accepted",
        ]
        assert (
            client.get(
                f"/api/introductions/{intro['id']}/contacts", headers=login(world["exporter"])
            ).status_code
            == 200
        )


class TestIntroductionRules:
    def test_only_buyers_above_the_bar(self, client, session, login, world) -> None:
        weak = make_buyer(session)
        flagged = trusted_buyer(session, verification_status=VerificationStatus.flagged)
        for buyer in (weak, flagged):
            r = client.post(
                "/api/introductions",
                json={"buyer_id": buyer.id, "product_id": world["product"].id},
                headers=login(world["advisor"]),
            )
            assert r.status_code == 409 and r.json()["field"] == "buyer_id"

    def test_the_bar_is_configurable(self, client, session, login, world, monkeypatch) -> None:
        from exportpilot.config import get_settings

        monkeypatch.setenv("EXPORTPILOT_MIN_BUYER_TRUST", "90")
        get_settings.cache_clear()
        try:
            r = client.post(
                "/api/introductions",
                json={"buyer_id": world["buyer"].id, "product_id": world["product"].id},
                headers=login(world["advisor"]),
            )
            assert r.status_code == 409
        finally:
            monkeypatch.delenv("EXPORTPILOT_MIN_BUYER_TRUST")
            get_settings.cache_clear()

    def test_who_may_introduce(self, client, session, login, world) -> None:
        body = {"buyer_id": world["buyer"].id, "product_id": world["product"].id}
        assert (
            client.post("/api/introductions", json=body, headers=login(world["other_exporter"])).status_code
            == 403
        )
        stranger = make_user(session, Role.buyer, buyer_id=make_buyer(session).id)
        assert client.post("/api/introductions", json=body, headers=login(stranger)).status_code == 403
        wrong = body | {"inquiry_id": make_inquiry(session, make_buyer(session)).id}
        r = client.post("/api/introductions", json=wrong, headers=login(world["advisor"]))
        assert r.status_code == 422 and r.json()["field"] == "inquiry_id"
        introduce(client, login, world)
        assert (
            client.post("/api/introductions", json=body, headers=login(world["advisor"])).status_code == 409
        )

    def test_stages_move_forward_with_who_and_when(self, client, session, login, world) -> None:
        intro = introduce(client, login, world)
        iid = intro["id"]
        exporter = login(world["exporter"])
        r = client.post(f"/api/introductions/{iid}/advance", json={"stage": "contacted"}, headers=exporter)
        assert r.status_code == 403  # not accepted yet
        client.post(f"/api/introductions/{iid}/accept", headers=login(world["buyer_user"]))
        assert (
            client.post(
                f"/api/introductions/{iid}/advance", json={"stage": "meeting"}, headers=exporter
            ).status_code
            == 200
        )
        assert (
            client.post(
                f"/api/introductions/{iid}/advance", json={"stage": "contacted"}, headers=exporter
            ).status_code
            == 409
        )
        r = client.post(f"/api/introductions/{iid}/advance", json={"stage": "contract"}, headers=exporter)
        assert r.status_code == 422 and r.json()["field"] == "contract_value"
        r = client.post(
            f"/api/introductions/{iid}/advance",
            json={"stage": "contract", "contract_value": "48000", "contract_currency": "XXQ"},
            headers=exporter,
        )
        assert r.status_code == 422
        r = client.post(
            f"/api/introductions/{iid}/advance",
            json={"stage": "contract", "contract_value": "48000", "contract_currency": "usd"},
            headers=exporter,
        )
        assert r.status_code == 200
        body = r.json()
        assert body["stage"] == "contract" and body["contract_currency"] == "USD"
        assert Decimal(body["contract_value"]) == 48000
        events = body["events"]
        assert [e["stage"] for e in events] == ["introduced", "accepted", "meeting", "contract"]
        assert [e["actor_id"] for e in events] == [
            world["advisor"].id,
            world["buyer_user"].id,
            world["exporter"].id,
            world["exporter"].id,
        ]
        assert all(e["at"] for e in events)
        assert audit_actions(session, "introduction", iid) == ["create", "accept", "advance", "advance"]
        other = login(world["other_exporter"])
        assert client.get(f"/api/introductions/{iid}", headers=other).status_code == 403
        ids = [i["id"] for i in client.get("/api/introductions", headers=other).json()["items"]]
        assert iid not in ids

    def test_a_decline_lowers_the_next_ranking(self, client, session, login, world) -> None:
        sibling = make_product(
            session,
            world["company"],
            hs_code="821192",
            name_en="Paring knife",
            description_en="Stainless steel paring knife",
        )
        url = f"/api/inquiries/{world['inquiry'].id}/matches?top=20"
        before = {
            m["product"]["id"]: m["score"]
            for m in client.get(url, headers=login(world["advisor"])).json()["matches"]
        }
        intro = introduce(client, login, world)
        client.post(
            f"/api/introductions/{intro['id']}/decline",
            json={"reason": "moq"},
            headers=login(world["buyer_user"]),
        )
        after = {
            m["product"]["id"]: m for m in client.get(url, headers=login(world["advisor"])).json()["matches"]
        }
        assert after[world["product"].id]["score"] < before[world["product"].id]
        assert after[sibling.id]["score"] < before[sibling.id]  # same heading 8211
        codes = [s["code"] for s in after[sibling.id]["explanation"]["penalties"]]
        assert codes == ["declined_similar"]


class TestFunnel:
    def test_counts_per_stage_by_region_market_and_advisor(self, client, session, login, world) -> None:
        adv = world["advisor"]
        world["company"].advisor_id = adv.id
        session.flush()
        advance_to = ["introduced", "accepted", "meeting", "contract", "declined"]
        products = [world["product"]] + [
            make_product(session, world["company"], hs_code="821191") for _ in range(4)
        ]
        for product, target in zip(products, advance_to, strict=True):
            r = client.post(
                "/api/introductions",
                json={"buyer_id": world["buyer"].id, "product_id": product.id},
                headers=login(adv),
            )
            iid = r.json()["id"]
            if target == "declined":
                client.post(
                    f"/api/introductions/{iid}/decline", json={"reason": "timing"}, headers=login(adv)
                )
                continue
            if target != "introduced":
                client.post(f"/api/introductions/{iid}/accept", headers=login(adv))
            if target in ("meeting", "contract"):
                client.post(
                    f"/api/introductions/{iid}/advance", json={"stage": "meeting"}, headers=login(adv)
                )
            if target == "contract":
                client.post(
                    f"/api/introductions/{iid}/advance",
                    json={"stage": "contract", "contract_value": "1000", "contract_currency": "USD"},
                    headers=login(adv),
                )
        expected = {"introduced": 5, "accepted": 3, "contacted": 2, "meeting": 2, "sample": 1, "contract": 1}
        for by, key in (("region", "southeast"), ("market", "VNM"), ("advisor", str(adv.id))):
            r = client.get(f"/api/introductions/funnel?by={by}", headers=login(adv))
            assert r.status_code == 200, r.text
            body = r.json()
            assert body["total"] == expected and body["declined"] == 1
            row = next(x for x in body["rows"] if x["key"] == key)
            assert row["counts"] == expected and row["declined"] == 1
        assert client.get("/api/introductions/funnel?by=galaxy", headers=login(adv)).status_code == 422
        assert client.get("/api/introductions/funnel", headers=login(world["exporter"])).status_code == 403
