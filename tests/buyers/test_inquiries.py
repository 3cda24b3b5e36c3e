"""Inquiries (RFQs): validation naming the field, who may post and see them, the HS suggestion."""

from __future__ import annotations

import datetime as dt

import pytest

from exportpilot.buyers import inquiries
from exportpilot.config import get_settings
from exportpilot.models import HSSource, Inquiry, Role, VerificationStatus
from tests.buyers.helpers import count, trusted_buyer
from tests.factories import make_buyer, make_company, make_user


def body(**kw):  # type: ignore[no-untyped-def]
    b = {
        "title": "Cuchillos de cocina",
        "text": "Buscamos cuchillos de cocina de acero inoxidable para cadenas de supermercados.",
        "language": "es",
        "hs_code": "8211.91",
        "quantity": 5000,
        "unit": "pieces",
        "target_price": "4.50",
        "currency": "usd",
        "destination_country": "MX",
        "certifications": ["FDA", "fda", "LFGB"],
        "deadline": (dt.date.today() + dt.timedelta(days=60)).isoformat(),
    }
    b.update(kw)
    return {k: v for k, v in b.items() if v is not None}


class TestCreate:
    def test_buyer_posts_its_own_inquiry(self, client, session, login) -> None:
        buyer = make_buyer(session, country_code="MEX")
        r = client.post(
            "/api/inquiries", json=body(), headers=login(make_user(session, Role.buyer, buyer_id=buyer.id))
        )
        assert r.status_code == 201, r.text
        i = r.json()
        assert i["buyer_id"] == buyer.id and i["hs_code"] == "821191" and i["hs_source"] == "buyer"
        assert i["unit"] == "pcs" and i["currency"] == "USD" and i["destination_country"] == "MEX"
        assert i["certifications"] == ["FDA", "LFGB"]

    @pytest.mark.parametrize(
        ("change", "field"),
        [
            ({"currency": "XYZ"}, "currency"),
            ({"destination_country": "ZZ"}, "destination_country"),
            ({"quantity": 10**12}, "quantity"),
            ({"quantity": 0}, "quantity"),
            ({"quantity": 20_000_000, "unit": "t"}, "quantity"),
            ({"unit": "bushels"}, "unit"),
            ({"hs_code": "7777"}, "hs_code"),
            ({"language": "qq"}, "language"),
            ({"target_price": "-1"}, "target_price"),
            ({"currency": None}, "currency"),
            ({"unit": None}, "unit"),
            ({"deadline": "2001-01-01"}, "deadline"),
            ({"text": "short"}, "text"),
        ],
    )
    def test_bad_fields_are_422_naming_the_field(self, client, session, login, change, field) -> None:
        buyer = make_buyer(session)
        before = count(session, Inquiry)
        data = body(**change)
        for key, value in change.items():
            if value is None:
                data.pop(key, None)
        r = client.post(
            "/api/inquiries",
            json=data | {"buyer_id": buyer.id},
            headers=login(make_user(session, Role.advisor)),
        )
        assert r.status_code == 422, r.text
        assert r.json()["field"] == field
        assert count(session, Inquiry) == before

    def test_who_may_post(self, client, session, login) -> None:
        buyer, other = make_buyer(session), make_buyer(session)
        own = login(make_user(session, Role.buyer, buyer_id=buyer.id))
        assert client.post("/api/inquiries", json=body(buyer_id=other.id), headers=own).status_code == 403
        exporter = login(make_user(session, Role.exporter, company_id=make_company(session).id))
        assert (
            client.post("/api/inquiries", json=body(buyer_id=buyer.id), headers=exporter).status_code == 403
        )
        staff = login(make_user(session, Role.advisor))
        r = client.post("/api/inquiries", json=body(), headers=staff)
        assert r.status_code == 422 and r.json()["field"] == "buyer_id"
        blocked = make_buyer(session, verification_status=VerificationStatus.blocked)
        assert client.post("/api/inquiries", json=body(buyer_id=blocked.id), headers=staff).status_code == 403


class TestHSSuggestion:
    def test_without_a_model_the_code_stays_empty_with_a_note(self, session, hs_var_dir) -> None:
        assert inquiries.suggest_hs("kitchen knives") == (
            None,
            "HS code left empty: no HS classifier model is built yet (exportpilot hs train)",
        )

    def test_a_trained_classifier_suggests_the_code(self, session, hs_var_dir, small_hs_model) -> None:
        from exportpilot.products.hs_model import model_dir

        small_hs_model.save(model_dir(get_settings()))
        text = "Meat of bovine animals, frozen, boneless"
        expected = small_hs_model.predict_top([f"Frozen beef\n{text}"], 1, explain=False)[0]
        assert not expected.needs_review and expected.top.hs6.startswith("020")
        buyer = make_buyer(session)
        data = inquiries.InquiryCreate.model_validate(
            body(hs_code=None, buyer_id=buyer.id, title="Frozen beef", text=text)
        )
        inquiry = inquiries.create_inquiry(session, data=data, actor=make_user(session, Role.advisor))
        assert inquiry.hs_code == expected.top.hs6 and inquiry.hs_source == HSSource.classifier
        assert f"{expected.top.probability:.2f}" in (inquiry.hs_note or "")

    def test_a_vague_text_is_left_for_review(self, session, hs_var_dir, small_hs_model) -> None:
        from exportpilot.products.hs_model import model_dir

        small_hs_model.save(model_dir(get_settings()))
        code, note = inquiries.suggest_hs("😀😀😀")
        assert code is None and "needs expert review" in note

    def test_a_broken_model_file_leaves_a_note_and_keeps_the_inquiry(self, session, hs_var_dir) -> None:
        from exportpilot.products.hs_data import META_FILE, MODEL_FILE
        from exportpilot.products.hs_model import model_dir

        folder = model_dir(get_settings())
        folder.mkdir(parents=True)
        (folder / MODEL_FILE).write_bytes(b"not a model")
        (folder / META_FILE).write_text("{}")
        code, note = inquiries.suggest_hs("x")
        assert code is None and note.startswith("HS code left empty: the HS classifier failed to load")


class TestVisibility:
    def test_buyer_lists_only_its_own(self, client, session, login) -> None:
        buyer, other = make_buyer(session), make_buyer(session)
        from tests.buyers.helpers import make_inquiry

        mine, theirs = make_inquiry(session, buyer), make_inquiry(session, other)
        headers = login(make_user(session, Role.buyer, buyer_id=buyer.id))
        ids = [i["id"] for i in client.get("/api/inquiries", headers=headers).json()["items"]]
        assert mine.id in ids and theirs.id not in ids
        assert client.get(f"/api/inquiries/{theirs.id}", headers=headers).status_code == 403

    def test_exporter_sees_open_inquiries_of_trusted_buyers_without_contacts(
        self, client, session, login
    ) -> None:
        from tests.buyers.helpers import make_inquiry

        trusted = trusted_buyer(session)
        weak = make_buyer(session)
        text = "Need 500 knives. Call +84 90 123 4567 or write to an@trusted.vn, see www.trusted.vn"
        good, bad = make_inquiry(session, trusted, text=text), make_inquiry(session, weak)
        headers = login(make_user(session, Role.exporter, company_id=make_company(session).id))
        assert client.get("/api/inquiries", headers=headers).status_code == 403
        r = client.get(f"/api/inquiries/{good.id}", headers=headers)
        assert r.status_code == 200
        shown = r.json()["text"]
        assert "an@trusted.vn" not in shown and "4567" not in shown and "www.trusted.vn" not in shown
        assert "Need 500 knives" in shown
        assert client.get(f"/api/inquiries/{bad.id}", headers=headers).status_code == 403

    def test_close_an_inquiry(self, client, session, login) -> None:
        from tests.buyers.helpers import make_inquiry

        buyer = make_buyer(session)
        inquiry = make_inquiry(session, buyer)
        headers = login(make_user(session, Role.buyer, buyer_id=buyer.id))
        r = client.patch(f"/api/inquiries/{inquiry.id}", json={"status": "closed"}, headers=headers)
        assert r.status_code == 200 and r.json()["status"] == "closed"
        r = client.patch(f"/api/inquiries/{inquiry.id}", json={"currency": "nope"}, headers=headers)
        assert r.status_code == 422
