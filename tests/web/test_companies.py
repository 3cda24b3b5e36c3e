"""Company pages: list with filters (htmx table), detail, register and edit forms, access rules."""

from __future__ import annotations

from sqlalchemy import func, select

from exportpilot.models import AuditEntry, Company, CompanyExport, ExportStatus, Role
from tests.factories import make_company, make_product, make_user, valid_brn
from tests.web.conftest import field_error, html_lang, input_value, is_marked_invalid


def form(csrf: str, **kw: object) -> dict[str, object]:
    data: dict[str, object] = {
        "csrf_token": csrf,
        "name_ko": "(주)한빛정밀",
        "name_en": "Hanbit Precision Co., Ltd.",
        "brn": valid_brn(),
        "province": "KR-48",
        "industry": "machinery",
        "employees": "42",
        "export_status": "growing",
        "founded_year": "1998",
        "website": "https://hanbit.example",
        "description": "",
        "export_year": ["2024", "2025", ""],
        "export_value": ["120,000", "300000", ""],
    }
    data.update(kw)
    return data


def bad_check_digit(brn: str) -> str:
    return brn[:9] + str((int(brn[9]) + 1) % 10)


def count(session) -> int:  # type: ignore[no-untyped-def]
    return int(session.scalar(select(func.count()).select_from(Company)))


class TestCompanyList:
    def test_lists_in_korean_and_english(self, client, session, web_login) -> None:
        make_company(session, name_ko="(주)가온텍", name_en="Gaon Tech Co., Ltd.", province_code="KR-26")
        web_login(make_user(session, Role.advisor))
        ko = client.get("/companies?q=gaon")
        assert ko.status_code == 200 and html_lang(ko.text) == "ko"
        assert "(주)가온텍" in ko.text and "부산광역시" in ko.text and "동남권" in ko.text
        assert "사업자등록번호" in ko.text
        en = client.get("/companies?q=gaon&lang=en")
        assert "Gaon Tech Co., Ltd." in en.text and "Southeast Region" in en.text
        assert "Business reg. no." in en.text

    def test_filters(self, client, session, web_login) -> None:
        a = make_company(
            session,
            name_ko="필터A",
            province_code="KR-26",
            industry="zz-food",
            export_status=ExportStatus.initial,
        )
        b = make_company(session, name_ko="필터B", province_code="KR-11", industry="zz-food")
        c = make_company(session, name_ko="필터C", province_code="KR-49", industry="zz-toys")
        web_login(make_user(session, Role.advisor))

        def shown(**params: str) -> set[int]:
            page = client.get("/companies", params={"q": "필터", **params}).text
            return {x.id for x in (a, b, c) if f'href="/companies/{x.id}"' in page}

        assert shown() == {a.id, b.id, c.id}
        assert shown(region="southeast") == {a.id}
        assert shown(province="KR-11") == {b.id}
        assert shown(province="서울") == {b.id}
        assert shown(industry="zz-food") == {a.id, b.id}
        assert shown(export_status="initial") == {a.id}
        assert shown(region="jeju", industry="zz-toys") == {c.id}
        assert shown(q=a.brn[:6]) == {a.id}

    def test_bad_filter_is_an_error_page(self, client, session, web_login) -> None:
        web_login(make_user(session, Role.advisor))
        r = client.get("/companies?export_status=bogus")
        assert r.status_code == 422 and "export_status" in r.text

    def test_htmx_gets_only_the_table(self, client, session, web_login) -> None:
        make_company(session, name_ko="(주)가온텍")
        web_login(make_user(session, Role.advisor))
        full = client.get("/companies?q=가온")
        assert 'id="company-table"' in full.text and "<html" in full.text
        part = client.get("/companies?q=가온", headers={"HX-Request": "true", "HX-Target": "company-table"})
        assert part.status_code == 200
        assert "<html" not in part.text and "<table" in part.text and "(주)가온텍" in part.text
        assert 'hx-swap-oob="true"' in part.text  # the language link follows the filtered address
        assert "HX-Request" in part.headers["vary"]
        # Going back in history after a filter: htmx asks for the whole page again.
        restore = {"HX-Request": "true", "HX-History-Restore-Request": "true", "HX-Target": "company-table"}
        assert "<html" in client.get("/companies?q=가온", headers=restore).text

    def test_pagination(self, client, session, web_login) -> None:
        for i in range(27):
            make_company(session, name_ko=f"페이지기업{i:02d}")
        web_login(make_user(session, Role.advisor))
        htmx = {"HX-Request": "true", "HX-Target": "company-table"}
        first = client.get("/companies?q=페이지기업", headers=htmx).text
        second = client.get("/companies?q=페이지기업&page=2", headers=htmx).text
        assert first.count("페이지기업") == 25 and second.count("페이지기업") == 2
        assert "기업 27곳" in first and "2쪽 중 1쪽" in first
        assert 'href="/companies?q=%ED%8E%98%EC%9D%B4%EC%A7%80%EA%B8%B0%EC%97%85&amp;page=2"' in first

    def test_exporter_sees_only_its_own_company(self, client, session, web_login) -> None:
        mine, other = make_company(session), make_company(session)
        web_login(make_user(session, Role.exporter, company_id=mine.id))
        page = client.get("/companies").text
        assert f'href="/companies/{mine.id}"' in page and f'href="/companies/{other.id}"' not in page
        assert "우리 기업" in page

    def test_buyer_cannot_open_the_list(self, client, session, web_login) -> None:
        web_login(make_user(session, Role.buyer))
        r = client.get("/companies")
        assert r.status_code == 403
        assert "이 페이지에 접근할 권한이 없습니다" in r.text
        assert "buyers cannot browse the company registry" in r.text


class TestCompanyDetail:
    def test_shows_the_profile(self, client, session, web_login) -> None:
        advisor = make_user(session, Role.advisor, full_name="박상담")
        company = make_company(session, province_code="KR-48", advisor_id=advisor.id, employees=1234)
        company.exports = [CompanyExport(year=2024, value_usd=1_500_000)]
        make_product(session, company, name_ko="스테인리스 칼", hs_code="821191")
        session.flush()
        web_login(advisor)
        page = client.get(f"/companies/{company.id}").text
        assert company.name_ko in page and company.name_en in page
        assert f"{company.brn[:3]}-{company.brn[3:5]}-{company.brn[5:]}" in page
        for text in (
            "경상남도",
            "동남권",
            "경남제주지역본부",
            "박상담",
            "1,234",
            "US$1,500,000",
            "스테인리스 칼",
            "821191",
        ):
            assert text in page, text
        assert f'href="/companies/{company.id}/edit"' in page

    def test_no_edit_link_for_an_advisor_not_in_charge(self, client, session, web_login) -> None:
        company = make_company(session)
        web_login(make_user(session, Role.advisor))
        page = client.get(f"/companies/{company.id}")
        assert page.status_code == 200
        assert f'href="/companies/{company.id}/edit"' not in page.text
        assert client.get(f"/companies/{company.id}/edit").status_code == 403

    def test_exporter_cannot_open_another_company(self, client, session, web_login) -> None:
        mine, other = make_company(session), make_company(session)
        web_login(make_user(session, Role.exporter, company_id=mine.id))
        r = client.get(f"/companies/{other.id}")
        assert r.status_code == 403
        assert "이 페이지에 접근할 권한이 없습니다" in r.text and other.name_ko not in r.text
        assert client.get(f"/companies/{mine.id}").status_code == 200

    def test_english_names(self, client, session, web_login) -> None:
        company = make_company(session, province_code="KR-42")
        web_login(make_user(session, Role.admin, language="en"))
        page = client.get(f"/companies/{company.id}").text
        assert f"<h1>{company.name_en}</h1>" in page
        assert "Gangwon State" in page and "Gangwon Regional Headquarters" in page
        assert "No exports yet" in page


class TestRegisterCompany:
    def test_advisor_registers_through_the_form(self, client, session, web_login) -> None:
        advisor = make_user(session, Role.advisor)
        csrf = web_login(advisor)
        assert client.get("/companies/new").status_code == 200
        data = form(csrf)
        r = client.post("/companies/new", data=data, follow_redirects=False)
        assert r.status_code == 303, r.text
        company = session.scalar(select(Company).where(Company.brn == data["brn"]))
        assert company is not None and r.headers["location"] == f"/companies/{company.id}"
        assert company.advisor_id == advisor.id and company.province_code == "KR-48"
        assert company.export_status == ExportStatus.growing and company.founded_year == 1998
        assert [(e.year, e.value_usd) for e in company.exports] == [(2024, 120_000), (2025, 300_000)]
        assert session.scalar(
            select(AuditEntry).where(AuditEntry.entity == "company", AuditEntry.entity_id == str(company.id))
        )
        page = client.get(r.headers["location"]).text
        assert "(주)한빛정밀을(를) 등록했습니다" in page

    def test_bad_check_digit_rerenders_with_input_kept(self, client, session, web_login) -> None:
        csrf = web_login(make_user(session, Role.advisor))
        before = count(session)
        brn = bad_check_digit(valid_brn())
        r = client.post("/companies/new", data=form(csrf, brn=brn))
        assert r.status_code == 422
        assert "check digit" in (field_error(r.text, "brn") or "")
        assert is_marked_invalid(r.text, "brn") and not is_marked_invalid(r.text, "name_ko")
        assert input_value(r.text, "brn") == brn
        assert input_value(r.text, "name_ko") == "(주)한빛정밀"
        assert input_value(r.text, "founded_year") == "1998"
        assert 'name="export_value" value="120,000"' in r.text
        assert "표시된 항목을 확인해 주세요" in r.text
        assert count(session) == before

    def test_missing_fields_are_named_in_english_too(self, client, session, web_login) -> None:
        csrf = web_login(make_user(session, Role.advisor), lang="en")
        r = client.post("/companies/new", data=form(csrf, name_en="", employees="many"))
        assert r.status_code == 422
        assert field_error(r.text, "name_en") == "This field is required."
        assert field_error(r.text, "employees") == "Enter a whole number."
        assert input_value(r.text, "employees") == "many"

    def test_domain_errors_go_next_to_their_field(self, client, session, web_login) -> None:
        taken = make_company(session)
        csrf = web_login(make_user(session, Role.advisor))
        r = client.post("/companies/new", data=form(csrf, brn=taken.brn))
        assert r.status_code == 422
        assert "exists" in (field_error(r.text, "brn") or "")
        r = client.post("/companies/new", data=form(csrf, province="KR-99"))
        assert r.status_code == 422
        assert "unknown province" in (field_error(r.text, "province") or "")
        r = client.post(
            "/companies/new", data=form(csrf, export_year=["2024", "2024"], export_value=["1", "2"])
        )
        assert r.status_code == 422
        assert "once" in (field_error(r.text, "exports") or "")

    def test_csrf_is_checked(self, client, session, web_login) -> None:
        web_login(make_user(session, Role.advisor))
        before = count(session)
        for token in ("", "forged-token"):
            r = client.post("/companies/new", data=form(token))
            assert r.status_code == 403
        assert count(session) == before

    def test_exporter_registers_its_company_once(self, client, session, web_login) -> None:
        exporter = make_user(session, Role.exporter)
        csrf = web_login(exporter)
        r = client.post("/companies/new", data=form(csrf), follow_redirects=False)
        assert r.status_code == 303
        session.refresh(exporter)
        assert exporter.company_id is not None
        assert client.get("/companies/new").status_code == 403
        assert client.post("/companies/new", data=form(csrf)).status_code == 403

    def test_buyer_cannot_register(self, client, session, web_login) -> None:
        csrf = web_login(make_user(session, Role.buyer))
        assert client.get("/companies/new").status_code == 403
        assert client.post("/companies/new", data=form(csrf)).status_code == 403


class TestEditCompany:
    def test_form_is_prefilled_and_saves(self, client, session, web_login) -> None:
        advisor = make_user(session, Role.advisor)
        company = make_company(session, advisor_id=advisor.id, founded_year=2001)
        company.exports = [CompanyExport(year=2023, value_usd=5000)]
        session.flush()
        csrf = web_login(advisor)
        page = client.get(f"/companies/{company.id}/edit").text
        assert input_value(page, "name_ko") == company.name_ko
        assert input_value(page, "founded_year") == "2001"
        assert 'name="export_year" value="2023"' in page
        data = form(
            csrf,
            brn=company.brn,
            founded_year="",
            export_year=["2023", "2024"],
            export_value=["5000", "7000"],
        )
        r = client.post(f"/companies/{company.id}/edit", data=data, follow_redirects=False)
        assert r.status_code == 303, r.text
        session.refresh(company)
        assert company.name_ko == "(주)한빛정밀" and company.founded_year is None
        assert [(e.year, e.value_usd) for e in company.exports] == [(2023, 5000), (2024, 7000)]

    def test_invalid_edit_changes_nothing(self, client, session, web_login) -> None:
        advisor = make_user(session, Role.advisor)
        company = make_company(session, advisor_id=advisor.id)
        name = company.name_ko
        csrf = web_login(advisor)
        r = client.post(f"/companies/{company.id}/edit", data=form(csrf, brn=bad_check_digit(company.brn)))
        assert r.status_code == 422 and field_error(r.text, "brn")
        session.refresh(company)
        assert company.name_ko == name

    def test_exporter_cannot_edit_another_company(self, client, session, web_login) -> None:
        mine, other = make_company(session), make_company(session)
        csrf = web_login(make_user(session, Role.exporter, company_id=mine.id))
        assert client.get(f"/companies/{other.id}/edit").status_code == 403
        r = client.post(f"/companies/{other.id}/edit", data=form(csrf, brn=other.brn))
        assert r.status_code == 403
        session.refresh(other)
        assert other.name_ko != "(주)한빛정밀"
