"""Buyer registry pages: trust evidence and screening, import with its report, duplicates and merge."""

from __future__ import annotations

import pytest

from exportpilot.models import Buyer, Role, VerificationStatus
from tests.buyers.helpers import count, trusted_buyer
from tests.factories import make_buyer, make_company, make_user
from tests.web.conftest import html_lang


class TestTrustEvidence:
    @pytest.mark.parametrize(
        ("lang", "words"),
        [
            ("ko", ["신뢰 점수", "해외무역관이 신원을 확인함", "중복·사기 신호 없음"]),
            ("en", ["Trust score", "Identity verified by an overseas trade office"]),
        ],
    )
    def test_detail_shows_each_component(self, client, session, web_login, lang, words) -> None:
        buyer = trusted_buyer(session)
        web_login(make_user(session, Role.advisor), lang=lang)
        page = client.get(f"/buyers/{buyer.id}").text
        assert html_lang(page) == lang and 'data-score="45"' in page
        for code in ("identity", "domains", "activity", "responsiveness", "specificity", "signals"):
            assert f'data-component="{code}"' in page
        for w in words:
            assert w in page, w

    def test_list_shows_trust(self, client, session, web_login) -> None:
        buyer = trusted_buyer(session)
        web_login(make_user(session, Role.advisor))
        page = client.get("/buyers", params={"q": buyer.company_name}).text
        assert f'data-trust="{buyer.id}"><span class="trust ok">45<' in page

    def test_advisor_flags_with_a_reason(self, client, session, web_login) -> None:
        buyer = make_buyer(session)
        csrf = web_login(make_user(session, Role.advisor), lang="en")
        r = client.post(
            f"/buyers/{buyer.id}/screen", data={"csrf_token": csrf, "action": "flag", "reason": ""}
        )
        assert r.status_code == 422 and 'id="screening"' in r.text
        r = client.post(
            f"/buyers/{buyer.id}/screen",
            data={"csrf_token": csrf, "action": "flag", "reason": "two phones"},
            follow_redirects=False,
        )
        assert r.status_code == 303
        session.refresh(buyer)
        assert buyer.verification_status == VerificationStatus.flagged and buyer.status_reason == "two phones"

    def test_a_buyer_cannot_screen_itself(self, client, session, web_login) -> None:
        buyer = make_buyer(session)
        csrf = web_login(make_user(session, Role.buyer, buyer_id=buyer.id))
        assert 'id="screening"' not in client.get(f"/buyers/{buyer.id}").text
        r = client.post(
            f"/buyers/{buyer.id}/screen", data={"csrf_token": csrf, "action": "verify", "reason": "me"}
        )
        assert r.status_code == 403


class TestImportPage:
    def test_report_of_a_bad_file_and_nothing_imported(self, client, session, web_login) -> None:
        csrf = web_login(make_user(session, Role.advisor), lang="ko")
        before = count(session, Buyer)
        content = b"company_name,country\nGood Co,VN\nBad Co,XX\n"
        r = client.post(
            "/buyers/import", data={"csrf_token": csrf}, files={"file": ("b.csv", content, "text/csv")}
        )
        assert r.status_code == 422 and 'data-imported="no"' in r.text and "unknown country code" in r.text
        assert "아무것도 가져오지 않았습니다" in r.text and count(session, Buyer) == before
        r = client.post(
            "/buyers/import",
            data={"csrf_token": csrf, "skip_invalid": "on"},
            files={"file": ("b.csv", content, "text/csv")},
        )
        assert (
            r.status_code == 200 and 'data-imported="yes"' in r.text and count(session, Buyer) == before + 1
        )

    def test_exporters_are_refused(self, client, session, web_login) -> None:
        web_login(make_user(session, Role.exporter, company_id=make_company(session).id))
        assert client.get("/buyers/import").status_code == 403


class TestDuplicatesPage:
    def test_merge_from_the_list(self, client, session, web_login) -> None:
        a = make_buyer(session, company_name="Sao Mai Trading Co., Ltd.", country_code="VNM")
        b = make_buyer(session, company_name="SAO MAI TRADING", country_code="VNM")
        csrf = web_login(make_user(session, Role.advisor), lang="en")
        page = client.get("/buyers/duplicates?country=VNM").text
        assert f'action="/buyers/{a.id}/merge"' in page and "Same company" in page
        r = client.post(
            f"/buyers/{a.id}/merge", data={"csrf_token": csrf, "merge_ids": str(b.id)}, follow_redirects=False
        )
        assert r.status_code == 303
        assert f"#{b.id}" in client.get(f"/buyers/{a.id}").text
        assert 'id="merged-into"' in client.get(f"/buyers/{b.id}").text
