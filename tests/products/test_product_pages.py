"""The product page's HS suggestions (confirm, correct) and profile (show, edit, re-extract), in process."""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from exportpilot.config import get_settings
from exportpilot.models import HSCodeSource, Role
from exportpilot.products import hs_suggestions as hs
from exportpilot.products.hs_model import model_dir
from tests.factories import make_company, make_product, make_user
from tests.web.conftest import field_error, web_login

if TYPE_CHECKING:
    from exportpilot.products.hs_classifier import HSClassifier

__all__ = ["web_login"]  # the fixture, imported for this module

FRAGMENT = {"HX-Request": "true", "HX-Target": "hs-suggestions"}
BEEF = {
    "name_en": "Frozen boneless beef",
    "name_ko": "냉동 소고기",
    "description_en": "Meat of bovine animals, frozen, boneless cuts in 20 kg cartons. "
    "HACCP certified plant.",
    "description_ko": "스테인리스 트레이에 담은 냉동 소고기.",
    "hs_code": None,
}


@pytest.fixture
def hs_model(small_hs_model: HSClassifier, hs_var_dir: Path) -> HSClassifier:
    small_hs_model.save(model_dir(get_settings()))
    return small_hs_model


def codes_offered(page: str) -> list[str]:
    return re.findall(r'<li class="match hs-candidate" data-code="(\d{6})">', page)


def digest_of(page: str) -> str:
    match = re.search(r'name="text_digest" value="([0-9a-f]{16})"', page)
    assert match, "no text digest on the page"
    return match.group(1)


class TestSuggestionsOnThePage:
    def test_lazy_fragment_with_evidence_and_confirm_buttons(
        self, client, session, web_login, hs_model
    ) -> None:  # type: ignore[no-untyped-def]
        p = make_product(session, **BEEF)
        web_login(make_user(session, Role.advisor), lang="ko")
        page = client.get(f"/products/{p.id}").text
        assert "HS 코드 제안" in page and f'hx-get="/products/{p.id}/hs-suggestions"' in page
        part = client.get(f"/products/{p.id}/hs-suggestions", headers=FRAGMENT).text
        assert "<html" not in part and 'id="hs-suggestions"' in part
        offered = codes_offered(part)
        assert len(offered) == 5 and offered[0].startswith("02")
        assert part.count("이 코드로 확정") == 5 and "근거" in part and "품목분류표" in part
        assert 'id="hs-correct"' in part and 'data-needs-review="' in part
        # Without htmx the same address sends the browser to the page with the suggestions inline.
        r = client.get(f"/products/{p.id}/hs-suggestions", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].endswith("?suggest=1#hs-suggestions")
        inline = client.get(f"/products/{p.id}?suggest=1").text
        assert codes_offered(inline) == offered

    def test_no_model_says_what_to_run_without_an_error_page(
        self, client, session, web_login, hs_var_dir
    ) -> None:  # type: ignore[no-untyped-def]
        p = make_product(session, **BEEF)
        web_login(make_user(session, Role.advisor), lang="en")
        r = client.get(f"/products/{p.id}/hs-suggestions", headers=FRAGMENT)
        assert r.status_code == 200 and "exportpilot hs train" in r.text and 'id="hs-no-model"' in r.text

    def test_advisor_confirms_a_suggestion(self, client, session, web_login, hs_model) -> None:  # type: ignore[no-untyped-def]
        p = make_product(session, **BEEF)
        csrf = web_login(make_user(session, Role.advisor, full_name="최전문"), lang="ko")
        part = client.get(f"/products/{p.id}/hs-suggestions", headers=FRAGMENT).text
        chosen = codes_offered(part)[1]
        r = client.post(
            f"/products/{p.id}/hs-code",
            data={"csrf_token": csrf, "code": chosen, "source": "model", "text_digest": digest_of(part)},
            follow_redirects=False,
        )
        assert r.status_code == 303, r.text
        session.refresh(p)
        assert p.hs_code == chosen and p.hs_source == HSCodeSource.model
        page = client.get(r.headers["location"].split("#")[0]).text
        assert "확정했습니다" in page  # the flash
        provenance = re.search(r'<p class="small" id="hs-provenance"[^>]*>(.*?)</p>', page, re.S)
        assert provenance and "HS 분류기의 제안" in provenance.group(1) and "최전문" in provenance.group(1)
        assert "분류기 학습 데이터" in provenance.group(1)

    def test_a_bad_correction_is_shown_next_to_the_suggestions(
        self, client, session, web_login, hs_model
    ) -> None:  # type: ignore[no-untyped-def]
        p = make_product(session, **BEEF)
        csrf = web_login(make_user(session, Role.advisor), lang="en")
        r = client.post(
            f"/products/{p.id}/hs-code", data={"csrf_token": csrf, "code": "0000.00", "source": "advisor"}
        )
        assert r.status_code == 422
        error = re.search(r'id="hs-error">(.*?)</div>', r.text, re.S)
        assert error and "not in the HS 2022 nomenclature" in html.unescape(error.group(1))
        assert 'value="0000.00"' in r.text
        r = client.post(
            f"/products/{p.id}/hs-code", data={"csrf_token": csrf, "code": "0202.30", "source": "customs"}
        )
        assert r.status_code == 422 and "is not model, advisor or exporter" in html.unescape(r.text)
        r = client.post(
            f"/products/{p.id}/hs-code", data={"csrf_token": csrf, "code": "0202.30", "source": "advisor"}
        )
        assert r.status_code == 200
        session.refresh(p)
        assert (p.hs_code, p.hs_source) == ("020230", HSCodeSource.advisor)

    def test_exporter_accepts_for_its_own_product_only(self, client, session, web_login, hs_model) -> None:  # type: ignore[no-untyped-def]
        c = make_company(session)
        p = make_product(session, c, **BEEF)
        other = make_product(session, make_company(session), **BEEF)
        csrf = web_login(make_user(session, Role.exporter, company_id=c.id), lang="en")
        part = client.get(f"/products/{p.id}/hs-suggestions", headers=FRAGMENT).text
        assert "Accept this code" in part and "Confirm this code" not in part
        assert client.get(f"/products/{other.id}/hs-suggestions", headers=FRAGMENT).status_code == 403
        r = client.post(
            f"/products/{other.id}/hs-code", data={"csrf_token": csrf, "code": "020230", "source": "model"}
        )
        assert r.status_code == 403
        r = client.post(
            f"/products/{p.id}/hs-code", data={"csrf_token": csrf, "code": "020230", "source": "advisor"}
        )
        assert r.status_code == 403
        r = client.post(f"/products/{p.id}/hs-code", data={"code": "020230"})
        assert r.status_code == 403  # no CSRF token
        session.refresh(p)
        assert p.hs_code is None

    def test_buyers_see_no_product_page(self, client, session, web_login, hs_model) -> None:  # type: ignore[no-untyped-def]
        from tests.factories import make_buyer

        p = make_product(session, **BEEF)
        web_login(make_user(session, Role.buyer, buyer_id=make_buyer(session).id))
        assert client.get(f"/products/{p.id}").status_code == 403
        assert client.get(f"/products/{p.id}/hs-suggestions", headers=FRAGMENT).status_code == 403


class TestProfileOnThePage:
    def test_shown_edited_and_re_extracted(self, client, session, web_login) -> None:  # type: ignore[no-untyped-def]
        c = make_company(session)
        p = make_product(session, c, **BEEF)
        csrf = web_login(make_user(session, Role.exporter, company_id=c.id), lang="ko")
        page = client.get(f"/products/{p.id}").text
        assert "제품 프로필" in page and "아직 저장되지 않았습니다" in page
        materials = re.search(r'id="profile-materials">(.*?)</dd>', page, re.S)
        assert materials and "스테인리스강" in materials.group(1)  # the Korean name of the material
        assert "HACCP" in page and "20,000 g" in page

        form = client.get(f"/products/{p.id}/profile/edit").text
        assert "stainless steel" in form and "HACCP" in form
        r = client.post(
            f"/products/{p.id}/profile/edit",
            data={
                "csrf_token": csrf,
                "materials": "stainless steel\n",
                "specifications": "carton: 20 kg\nno colon here",
                "certifications": "HACCP, HALAL",
                "intended_uses": "restaurants",
                "differentiators": "Aged 21 days.",
                "keywords_ko": "소고기, 냉동",
                "keywords_en": "beef, frozen",
            },
        )
        assert r.status_code == 422
        assert "name: value" in (field_error(r.text, "specifications") or "")
        r = client.post(
            f"/products/{p.id}/profile/edit",
            data={
                "csrf_token": csrf,
                "materials": "stainless steel\n",
                "specifications": "carton: 20 kg\naging: 21 days",
                "certifications": "HACCP, HALAL",
                "intended_uses": "restaurants\nbutcher shops",
                "differentiators": "Aged 21 days.",
                "keywords_ko": "소고기, 냉동",
                "keywords_en": "beef, frozen",
            },
            follow_redirects=False,
        )
        assert r.status_code == 303, r.text
        session.refresh(p)
        assert p.profile_source == "edited" and p.profile["certifications"] == ["HACCP", "HALAL"]
        specs = {s["name"]: s for s in p.profile["specifications"]}
        assert specs["carton"]["base_value"] == 20000 and specs["aging"]["unit"] == "day"
        assert {s["source"] for s in specs.values()} == {"edited"}
        page = client.get(f"/products/{p.id}").text
        assert "직접 수정했습니다" in page and "butcher shops" in page

        r = client.post(
            f"/products/{p.id}/profile/extract", data={"csrf_token": csrf}, follow_redirects=False
        )
        assert r.status_code == 303
        session.refresh(p)
        assert p.profile_source == "extracted" and "HALAL" not in p.profile["certifications"]

    def test_who_may_edit(self, client, session, web_login) -> None:  # type: ignore[no-untyped-def]
        p = make_product(session, **BEEF)
        csrf = web_login(make_user(session, Role.advisor), lang="en")  # not the firm's advisor
        page = client.get(f"/products/{p.id}").text
        assert "Product profile" in page and "Edit profile" not in page
        assert client.get(f"/products/{p.id}/profile/edit").status_code == 403
        r = client.post(f"/products/{p.id}/profile/extract", data={"csrf_token": csrf})
        assert r.status_code == 403
        assert hs.product_hs_text(p)  # the product is untouched
        session.refresh(p)
        assert p.profile is None
