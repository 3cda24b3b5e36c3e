"""Logging in and out, CSRF, the language choice and the error pages."""

from __future__ import annotations

from sqlalchemy import select

from exportpilot.models import AuditEntry, Role
from tests.factories import PASSWORD, make_user
from tests.web.conftest import csrf_of, html_lang


class TestLogin:
    def test_anonymous_is_sent_to_login_with_the_page_to_come_back_to(self, client) -> None:
        r = client.get("/companies?region=capital", follow_redirects=False)
        assert r.status_code == 303
        assert r.headers["location"] == "/login?next=%2Fcompanies%3Fregion%3Dcapital"

    def test_htmx_request_of_anonymous_redirects_the_whole_page(self, client) -> None:
        r = client.get("/companies", headers={"HX-Request": "true"}, follow_redirects=False)
        assert r.status_code == 204
        assert r.headers["HX-Redirect"].startswith("/login?next=")

    def test_login_goes_to_next(self, client, session) -> None:
        user = make_user(session, Role.advisor)
        page = client.get("/login?next=/companies")
        assert 'name="next" value="/companies"' in page.text
        r = client.post(
            "/login",
            data={
                "email": user.email,
                "password": PASSWORD,
                "next": "/companies",
                "csrf_token": csrf_of(page.text),
            },
            follow_redirects=False,
        )
        assert r.status_code == 303 and r.headers["location"] == "/companies"
        assert client.get("/companies").status_code == 200
        assert user.last_login_at is not None

    def test_wrong_password_rerenders_with_email_kept(self, client, session) -> None:
        user = make_user(session, Role.advisor)
        page = client.get("/login")
        r = client.post(
            "/login",
            data={
                "email": user.email,
                "password": "not the password",
                "next": "/",
                "csrf_token": csrf_of(page.text),
            },
        )
        assert r.status_code == 422
        assert f'value="{user.email}"' in r.text
        assert "이메일 또는 비밀번호가 올바르지 않습니다" in r.text
        assert client.get("/", follow_redirects=False).status_code == 303

    def test_next_never_leaves_the_site(self, client, session) -> None:
        user = make_user(session, Role.advisor)
        page = client.get("/login")
        for target in ("//evil.example/", "https://evil.example/", "/\\evil.example", "/\t/evil.example"):
            r = client.post(
                "/login",
                data={
                    "email": user.email,
                    "password": PASSWORD,
                    "next": target,
                    "csrf_token": csrf_of(page.text),
                },
                follow_redirects=False,
            )
            assert r.headers["location"] == "/", target
            client.post("/logout", data={"csrf_token": csrf_of(client.get("/").text)})
            page = client.get("/login")

    def test_login_starts_a_new_session(self, client, session) -> None:
        user = make_user(session, Role.advisor)
        page = client.get("/login")
        before = csrf_of(page.text)
        client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": before})
        assert csrf_of(client.get("/").text) != before

    def test_logout(self, client, session, web_login) -> None:
        token = web_login(make_user(session, Role.advisor))
        assert client.get("/logout").status_code == 200  # a confirmation page
        r = client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/login"
        assert client.get("/", follow_redirects=False).status_code == 303

    def test_inactive_user_cannot_log_in(self, client, session) -> None:
        user = make_user(session, Role.advisor, is_active=False)
        page = client.get("/login")
        r = client.post(
            "/login", data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_of(page.text)}
        )
        assert r.status_code == 422


class TestCsrf:
    def test_post_without_token_is_refused(self, client, session, web_login) -> None:
        web_login(make_user(session, Role.advisor))
        r = client.post("/logout", data={})
        assert r.status_code == 403
        assert "CSRF" in r.text
        assert client.get("/", follow_redirects=False).status_code == 200  # still logged in

    def test_login_form_needs_the_token_too(self, client, session) -> None:
        user = make_user(session, Role.advisor)
        client.get("/login")
        r = client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": "forged"})
        assert r.status_code == 403
        assert client.get("/", follow_redirects=False).status_code == 303

    def test_token_in_header_is_accepted(self, client, session, web_login) -> None:
        token = web_login(make_user(session, Role.advisor))
        r = client.post("/logout", headers={"X-CSRF-Token": token}, follow_redirects=False)
        assert r.status_code == 303


class TestLanguage:
    def test_default_is_korean(self, client) -> None:
        page = client.get("/login")
        assert html_lang(page.text) == "ko"
        assert "ExportPilot 로그인" in page.text

    def test_switch_is_remembered_in_the_session(self, client) -> None:
        page = client.get("/login?lang=en")
        assert html_lang(page.text) == "en"
        assert "Log in to ExportPilot" in page.text
        assert html_lang(client.get("/login").text) == "en"
        assert html_lang(client.get("/login?lang=ko").text) == "ko"

    def test_switch_is_saved_on_the_user(self, client, session, web_login) -> None:
        user = make_user(session, Role.advisor, language="ko")
        web_login(user)
        page = client.get("/companies?lang=en")
        assert html_lang(page.text) == "en"
        session.refresh(user)
        assert user.language == "en"
        entry = session.scalar(
            select(AuditEntry).where(AuditEntry.entity == "user", AuditEntry.entity_id == str(user.id))
        )
        assert entry is not None and entry.changes == {"language": ["ko", "en"]}

    def test_users_own_language_applies_without_a_choice_in_the_session(
        self, client, session, web_login
    ) -> None:
        web_login(make_user(session, Role.advisor, language="en"))
        page = client.get("/")
        assert html_lang(page.text) == "en"
        assert "Regional dashboard" in page.text

    def test_switch_link_keeps_the_page_and_its_filters(self, client, session, web_login) -> None:
        web_login(make_user(session, Role.advisor))
        page = client.get("/companies?region=capital")
        assert 'href="/companies?region=capital&amp;lang=en"' in page.text

    def test_unknown_language_is_ignored(self, client) -> None:
        assert html_lang(client.get("/login?lang=fr").text) == "ko"


class TestErrorPages:
    def test_unknown_page_in_the_users_language(self, client, session, web_login) -> None:
        web_login(make_user(session, Role.advisor, language="en"))
        r = client.get("/companies/999999")
        assert r.status_code == 404
        assert html_lang(r.text) == "en"
        assert "Page not found" in r.text
        assert "company 999999 not found" in r.text

    def test_unknown_route_gets_the_page_too(self, client) -> None:
        r = client.get("/no-such-page")
        assert r.status_code == 404
        assert "페이지를 찾을 수 없습니다" in r.text

    def test_api_errors_stay_json(self, client) -> None:
        r = client.get("/api/companies")
        assert r.status_code == 401
        assert r.json()["error"] == "NotAuthenticated"

    def test_bad_path_parameter_is_a_page_not_json(self, client, session, web_login) -> None:
        web_login(make_user(session, Role.advisor))
        r = client.get("/companies/not-a-number")
        assert r.status_code == 422
        assert r.headers["content-type"].startswith("text/html")


class TestStatic:
    def test_plotly_is_served_from_the_installed_package(self, client) -> None:
        r = client.get("/static/vendor/plotly.min.js")
        assert r.status_code == 200
        assert "javascript" in r.headers["content-type"]
        assert "plotly.js" in r.text[:500]

    def test_htmx_and_css(self, client) -> None:
        htmx = client.get("/static/vendor/htmx.min.js")
        assert htmx.status_code == 200 and "htmx" in htmx.text[:200]
        css = client.get("/static/css/app.css")
        assert css.status_code == 200 and "--brand" in css.text
