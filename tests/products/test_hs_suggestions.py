"""HS suggestions for products and free texts, and confirming a product's code: service and API.

A real small model (``small_hs_model``, trained on a stride of the real customs cases) is saved into
the configured model folder, as ``exportpilot hs train`` would.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import select

from exportpilot.config import get_settings
from exportpilot.errors import Conflict, InvalidInput, PermissionDenied
from exportpilot.models import AuditEntry, HSCodeSource, Role
from exportpilot.products import hs_suggestions as hs
from exportpilot.products.hs_model import model_dir
from tests.factories import make_buyer, make_company, make_product, make_user

if TYPE_CHECKING:
    from exportpilot.products.hs_classifier import HSClassifier

BEEF = {
    "name_en": "Frozen boneless beef",
    "name_ko": "냉동 소고기",
    "description_en": "Meat of bovine animals, frozen, boneless cuts. HACCP certified plant.",
    "description_ko": "뼈를 제거한 냉동 소고기 부위육입니다.",
    "hs_code": None,
}


@pytest.fixture
def hs_model(small_hs_model: HSClassifier, hs_var_dir: Path) -> HSClassifier:
    small_hs_model.save(model_dir(get_settings()))
    return small_hs_model


def suggested(model: HSClassifier, text: str, k: int = 5) -> list[str]:
    return [c.hs6 for c in model.predict_top([text], k=k, explain=False)[0].candidates]


class TestProductText:
    def test_names_and_first_sentence_of_the_description(self, session) -> None:  # type: ignore[no-untyped-def]
        p = make_product(session, **BEEF)
        assert (
            hs.product_hs_text(p)
            == "Frozen boneless beef. 냉동 소고기. Meat of bovine animals, frozen, boneless cuts"
        )
        p.description_en = ""
        assert hs.product_hs_text(p).endswith("뼈를 제거한 냉동 소고기 부위육입니다")
        assert len(hs.text_digest("x")) == 16 and hs.text_digest("x") != hs.text_digest("y")


class TestSuggestionsService:
    def test_no_model_is_a_conflict_that_says_what_to_run(self, session, hs_var_dir: Path) -> None:  # type: ignore[no-untyped-def]
        c = make_company(session)
        p = make_product(session, c, **BEEF)
        ex = make_user(session, Role.exporter, company_id=c.id)
        with pytest.raises(Conflict, match="exportpilot hs train"):
            hs.suggest_for_product(session, product_id=p.id, actor=ex)

    def test_exporter_sees_suggestions_for_its_product(self, session, hs_model) -> None:  # type: ignore[no-untyped-def]
        c = make_company(session)
        p = make_product(session, c, **BEEF)
        ex = make_user(session, Role.exporter, company_id=c.id)
        found = hs.suggest_for_product(session, product_id=p.id, actor=ex, top=3)
        assert found.text == hs.product_hs_text(p) and found.digest == hs.text_digest(found.text)
        top = found.prediction.candidates
        assert len(top) == 3 and top[0].hs6.startswith("02")
        assert [c.probability for c in top] == sorted((c.probability for c in top), reverse=True)
        assert top[0].hs4_title and top[0].hs2_title and top[0].nomenclature
        assert top[0].hs6 in found.in_nomenclature

    def test_who_may_not_see_suggestions(self, session, hs_model) -> None:  # type: ignore[no-untyped-def]
        c = make_company(session)
        p = make_product(session, c, **BEEF)
        stranger = make_user(session, Role.exporter, company_id=make_company(session).id)
        buyer = make_user(session, Role.buyer, buyer_id=make_buyer(session).id)
        for user in (stranger, buyer):
            with pytest.raises(PermissionDenied):
                hs.suggest_for_product(session, product_id=p.id, actor=user)


class TestConfirmService:
    def test_advisor_accepts_a_suggestion(self, session, hs_model) -> None:  # type: ignore[no-untyped-def]
        c = make_company(session)
        p = make_product(session, c, **BEEF, hsk_code=None)
        adv = make_user(session, Role.advisor, full_name="김자문")
        code = suggested(hs_model, hs.product_hs_text(p))[1]
        hs.confirm_hs_code(
            session, product_id=p.id, actor=adv, code=code, digest=hs.text_digest(hs.product_hs_text(p))
        )
        assert p.hs_code == code and p.hs_source == HSCodeSource.model
        assert p.hs_confirmed_by_id == adv.id and p.hs_confirmed_at is not None
        assert p.hs_confirmed_text == hs.product_hs_text(p)
        assert p.hs_model_probability is not None and 0 < p.hs_model_probability <= 1
        assert hs.confirmed_by_name(session, p) == ("김자문", True)
        entry = session.scalars(
            select(AuditEntry).where(AuditEntry.entity == "product", AuditEntry.entity_id == str(p.id))
        ).all()[-1]
        assert entry.action == "confirm_hs" and entry.actor_id == adv.id
        assert entry.changes["hs_code"] == [None, code] and entry.changes["hs_source"] == [None, "model"]
        assert entry.changes["training_data"] is True

    def test_advisor_corrects_with_its_own_code(self, session, hs_model) -> None:  # type: ignore[no-untyped-def]
        p = make_product(session, **BEEF)
        adv = make_user(session, Role.advisor)
        assert "821191" not in suggested(hs_model, hs.product_hs_text(p), k=hs.MAX_TOP)
        hs.confirm_hs_code(session, product_id=p.id, actor=adv, code="8211.91")
        assert (p.hs_code, p.hs_source, p.hs_model_probability) == ("821191", HSCodeSource.advisor, None)
        with pytest.raises(InvalidInput, match="not among the classifier's suggestions"):
            hs.confirm_hs_code(session, product_id=p.id, actor=adv, code="821191", source=HSCodeSource.model)

    def test_a_correction_needs_no_model_but_accepting_one_does(self, session, hs_var_dir) -> None:  # type: ignore[no-untyped-def]
        p = make_product(session, **BEEF)
        adv = make_user(session, Role.admin)
        hs.confirm_hs_code(session, product_id=p.id, actor=adv, code="020230")
        assert p.hs_source == HSCodeSource.advisor
        with pytest.raises(Conflict, match="exportpilot hs train"):
            hs.confirm_hs_code(session, product_id=p.id, actor=adv, code="020230", source=HSCodeSource.model)

    def test_exporter_accepts_a_suggestion_but_does_not_train_the_model(self, session, hs_model) -> None:  # type: ignore[no-untyped-def]
        c = make_company(session)
        p = make_product(session, c, **BEEF)
        ex = make_user(session, Role.exporter, company_id=c.id)
        code = suggested(hs_model, hs.product_hs_text(p))[0]
        hs.confirm_hs_code(session, product_id=p.id, actor=ex, code=code, source=HSCodeSource.model)
        assert p.hs_source == HSCodeSource.model and p.hs_confirmed_by_id == ex.id
        assert hs.confirmed_by_name(session, p)[1] is False
        hs.confirm_hs_code(session, product_id=p.id, actor=ex, code="021020")
        assert p.hs_source == HSCodeSource.exporter

    def test_denials(self, session, hs_model) -> None:  # type: ignore[no-untyped-def]
        c = make_company(session)
        p = make_product(session, c, **BEEF)
        ex = make_user(session, Role.exporter, company_id=c.id)
        stranger = make_user(session, Role.exporter, company_id=make_company(session).id)
        adv = make_user(session, Role.advisor)
        buyer = make_user(session, Role.buyer, buyer_id=make_buyer(session).id)
        with pytest.raises(PermissionDenied, match="source 'advisor'"):
            hs.confirm_hs_code(session, product_id=p.id, actor=ex, code="020230", source=HSCodeSource.advisor)
        with pytest.raises(PermissionDenied, match="source 'exporter'"):
            hs.confirm_hs_code(
                session, product_id=p.id, actor=adv, code="020230", source=HSCodeSource.exporter
            )
        for user in (stranger, buyer):
            with pytest.raises(PermissionDenied):
                hs.confirm_hs_code(session, product_id=p.id, actor=user, code="020230")
        assert p.hs_code is None

    def test_bad_codes_and_a_changed_text(self, session, hs_model) -> None:  # type: ignore[no-untyped-def]
        p = make_product(session, **BEEF)
        adv = make_user(session, Role.advisor)
        for code in ("0000.00", "abc", "0202", "02023011"):
            with pytest.raises(InvalidInput):
                hs.confirm_hs_code(session, product_id=p.id, actor=adv, code=code)
        digest = hs.text_digest(hs.product_hs_text(p))
        p.name_en = "Frozen boneless beef, striploin"
        with pytest.raises(Conflict, match="changed since"):
            hs.confirm_hs_code(session, product_id=p.id, actor=adv, code="020230", digest=digest)
        assert p.hs_code is None

    def test_the_korean_code_of_another_subheading_is_cleared(self, session, hs_model) -> None:  # type: ignore[no-untyped-def]
        p = make_product(session, **(BEEF | {"hs_code": "020130"}), hsk_code="0201300000")
        hs.confirm_hs_code(session, product_id=p.id, actor=make_user(session, Role.advisor), code="020230")
        assert p.hsk_code is None


class TestApi:
    def test_classify_texts(self, client, session, login, hs_model) -> None:  # type: ignore[no-untyped-def]
        user = make_user(session, Role.buyer, buyer_id=make_buyer(session).id)
        r = client.post(
            "/api/hs/classify",
            json={"texts": ["Meat of bovine animals; frozen; boneless", "냉동 돼지고기 삼겹살"], "top": 3},
            headers=login(user),
        )
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["model"]["n_cases"] > 500 and 0 < body["model"]["review_threshold"] <= 1
        first, second = body["results"]
        assert len(first["candidates"]) == 3 and first["candidates"][0]["hs6"].startswith("02")
        best = first["candidates"][0]
        assert best["hs4"] == best["hs6"][:4] and best["hs2_title"] and best["in_nomenclature"] is True
        assert best["neighbours"] and best["nomenclature"][0]["code"] == best["hs6"]
        assert sum(c["probability"] for c in first["candidates"]) <= 1 + 1e-6
        assert second["script"] == "korean"
        r = client.post("/api/hs/classify", json={"texts": ["beef"], "explain": False}, headers=login(user))
        assert r.json()["results"][0]["candidates"][0]["neighbours"] == []

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"texts": []}, "texts"),
            ({"texts": [""]}, "texts"),
            ({"texts": ["  \n "]}, "texts"),
            ({"texts": ["x" * 20_001]}, "texts"),
            ({"texts": ["beef"] * 101}, "texts"),
            ({"texts": ["beef"], "top": 0}, "top"),
            ({"texts": ["beef"], "top": 21}, "top"),
            ({"texts": "beef"}, "texts"),
            ({"text": ["beef"]}, "text"),
        ],
    )
    def test_bad_requests_are_422_with_the_field(self, client, session, login, hs_model, body, field) -> None:  # type: ignore[no-untyped-def]
        r = client.post("/api/hs/classify", json=body, headers=login(make_user(session, Role.advisor)))
        assert r.status_code == 422, r.text
        assert r.json()["error"] == "ValidationError" and r.json()["field"].startswith(field)

    def test_odd_texts_need_review_and_get_no_silent_code(self, client, session, login, hs_model) -> None:  # type: ignore[no-untyped-def]
        texts = [
            "x" * 20_000,
            "\x00\x01\x02\x03\ufffd\x7f" * 30,
            "😀😀😀🎉",
            "منتج غذائي مجمد من لحم البقر",
            "!!! 1234 ???",
        ]
        r = client.post(
            "/api/hs/classify", json={"texts": texts}, headers=login(make_user(session, Role.advisor))
        )
        assert r.status_code == 200, r.text
        long, binary, emoji, arabic, symbols = r.json()["results"]
        assert "truncated" in long["issue"] and len(long["text"]) == 1000
        for unreadable in (binary, emoji, symbols):
            assert unreadable["needs_review"] is True and unreadable["candidates"] == []
            assert unreadable["issue"]
        assert arabic["needs_review"] is True and "unsupported script" in arabic["issue"]

    def test_invalid_json_and_unauthenticated(self, client, session, login, hs_model) -> None:  # type: ignore[no-untyped-def]
        headers = login(make_user(session, Role.advisor)) | {"Content-Type": "application/json"}
        r = client.post("/api/hs/classify", content=b"\xff\xfe{not json", headers=headers)
        assert (
            r.status_code == 400 and r.json()["error"] and r.json()["detail"]
        )  # FastAPI: a body it cannot parse
        assert client.post("/api/hs/classify", json={"texts": ["beef"]}).status_code == 401

    def test_no_model_is_409(self, client, session, login, hs_var_dir) -> None:  # type: ignore[no-untyped-def]
        c = make_company(session)
        p = make_product(session, c, **BEEF)
        headers = login(make_user(session, Role.exporter, company_id=c.id))
        for r in (
            client.post("/api/hs/classify", json={"texts": ["beef"]}, headers=headers),
            client.get(f"/api/products/{p.id}/hs-suggestions", headers=headers),
        ):
            assert r.status_code == 409, r.text
            assert r.json()["error"] == "Conflict" and "exportpilot hs train" in r.json()["detail"]

    def test_product_suggestions_then_confirm(self, client, session, login, hs_model) -> None:  # type: ignore[no-untyped-def]
        c = make_company(session)
        p = make_product(session, c, **BEEF)
        adv = make_user(session, Role.advisor, full_name="박전문")
        r = client.get(f"/api/products/{p.id}/hs-suggestions", params={"top": 4}, headers=login(adv))
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["product_id"] == p.id and len(body["candidates"]) == 4
        assert body["current"] == {
            "hs_code": None,
            "hs_source": None,
            "confirmed_by_id": None,
            "confirmed_by_name": None,
            "confirmed_at": None,
            "model_probability": None,
            "training_data": False,
        }
        chosen = body["candidates"][0]["hs6"]
        r = client.post(
            f"/api/products/{p.id}/hs-code",
            json={"code": chosen, "source": "model", "text_digest": body["text_digest"]},
            headers=login(adv),
        )
        assert r.status_code == 200, r.text
        state = r.json()
        assert state["hs_code"] == chosen and state["hs_source"] == "model"
        assert state["confirmed_by_name"] == "박전문" and state["training_data"] is True
        assert state["model_probability"] == pytest.approx(body["candidates"][0]["probability"])
        product = client.get(f"/api/products/{p.id}", headers=login(adv)).json()
        assert product["hs_code"] == chosen and product["hs_source"] == "model"
        assert product["hs_confirmed_by_id"] == adv.id

    @pytest.mark.parametrize(
        ("body", "status"),
        [
            ({"code": "0000.00"}, 422),
            ({"code": ""}, 422),
            ({"code": "020230", "source": "customs"}, 422),
            ({"code": "020230", "text_digest": "not-hex"}, 422),
            ({"code": "020230", "text_digest": "0123456789abcdef"}, 409),
            ({"code": "020230", "extra": 1}, 422),
        ],
    )
    def test_confirm_rejects(self, client, session, login, hs_model, body, status) -> None:  # type: ignore[no-untyped-def]
        p = make_product(session, **BEEF)
        r = client.post(
            f"/api/products/{p.id}/hs-code", json=body, headers=login(make_user(session, Role.advisor))
        )
        assert r.status_code == status, r.text
        assert (
            client.get(f"/api/products/{p.id}", headers=login(make_user(session, Role.admin))).json()[
                "hs_code"
            ]
            is None
        )

    def test_access(self, client, session, login, hs_model) -> None:  # type: ignore[no-untyped-def]
        c = make_company(session)
        p = make_product(session, c, **BEEF)
        ex = make_user(session, Role.exporter, company_id=c.id)
        stranger = make_user(session, Role.exporter, company_id=make_company(session).id)
        buyer = make_user(session, Role.buyer, buyer_id=make_buyer(session).id)
        for user in (stranger, buyer):
            assert client.get(f"/api/products/{p.id}/hs-suggestions", headers=login(user)).status_code == 403
            r = client.post(f"/api/products/{p.id}/hs-code", json={"code": "020230"}, headers=login(user))
            assert r.status_code == 403
        r = client.post(
            f"/api/products/{p.id}/hs-code", json={"code": "020230", "source": "advisor"}, headers=login(ex)
        )
        assert r.status_code == 403 and "source 'advisor'" in r.json()["detail"]
        assert client.get("/api/products/999999/hs-suggestions", headers=login(ex)).status_code == 404
        assert client.get(f"/api/products/{p.id}/hs-suggestions").status_code == 401
        r = client.post(f"/api/products/{p.id}/hs-code", json={"code": "020230"}, headers=login(ex))
        assert r.status_code == 200 and r.json()["hs_source"] in ("model", "exporter")

    def test_editing_the_code_clears_the_confirmation(self, client, session, login, hs_model) -> None:  # type: ignore[no-untyped-def]
        c = make_company(session)
        p = make_product(session, c, **BEEF)
        ex = make_user(session, Role.exporter, company_id=c.id)
        hs.confirm_hs_code(session, product_id=p.id, actor=make_user(session, Role.advisor), code="020230")
        r = client.patch(f"/api/products/{p.id}", json={"hs_code": "0201.30"}, headers=login(ex))
        assert r.status_code == 200, r.text
        assert r.json()["hs_source"] == "exporter" and r.json()["hs_confirmed_by_id"] is None
        session.refresh(p)
        assert p.hs_confirmed_text is None and p.hs_confirmed_at is None
        # Other edits leave the confirmation alone.
        hs.confirm_hs_code(session, product_id=p.id, actor=make_user(session, Role.advisor), code="020230")
        assert client.patch(f"/api/products/{p.id}", json={"moq": 5}, headers=login(ex)).status_code == 200
        session.refresh(p)
        assert p.hs_confirmed_at is not None and p.hs_code == "020230"

    def test_openapi_documents_the_endpoints(self, client) -> None:  # type: ignore[no-untyped-def]
        paths = client.get("/openapi.json").json()["paths"]
        assert "409" in paths["/api/hs/classify"]["post"]["responses"]
        assert "409" in paths["/api/products/{product_id}/hs-suggestions"]["get"]["responses"]
        assert paths["/api/products/{product_id}/hs-code"]["post"]["summary"]
        for path in ("/api/products/{product_id}/profile", "/api/products/{product_id}/profile/extract"):
            assert path in paths
