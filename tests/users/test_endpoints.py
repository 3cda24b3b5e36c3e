from __future__ import annotations

from exportpilot.models import Role
from tests.factories import PASSWORD, make_company, make_user


class TestAuth:
    def test_token_login_and_me(self, client, session) -> None:
        u = make_user(session, Role.advisor, email="kim@agency.example")
        r = client.post("/api/auth/token", json={"email": "KIM@agency.example", "password": PASSWORD})
        assert r.status_code == 200, r.text
        token = r.json()["access_token"]
        me = client.get("/api/users/me", headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 200 and me.json()["id"] == u.id
        assert "password" not in me.text and "password_hash" not in me.json()

    def test_wrong_password(self, client, session) -> None:
        make_user(session, Role.advisor, email="lee@agency.example")
        r = client.post("/api/auth/token", json={"email": "lee@agency.example", "password": "nope-nope"})
        assert r.status_code == 401 and r.json()["error"] == "NotAuthenticated"

    def test_inactive_user_cannot_log_in(self, client, session) -> None:
        make_user(session, Role.advisor, email="old@agency.example", is_active=False)
        r = client.post("/api/auth/token", json={"email": "old@agency.example", "password": PASSWORD})
        assert r.status_code == 401

    def test_bad_and_revoked_tokens(self, client, session, login) -> None:
        assert client.get("/api/users/me", headers={"Authorization": "Bearer ep_nope"}).status_code == 401
        headers = login(make_user(session, Role.advisor))
        assert client.delete("/api/auth/token", headers=headers).status_code == 204
        assert client.get("/api/users/me", headers=headers).status_code == 401


class TestUsersAdmin:
    def test_admin_creates_exporter_for_company(self, client, session, login) -> None:
        admin = make_user(session, Role.admin)
        c = make_company(session)
        r = client.post(
            "/api/users",
            json={
                "email": "ceo@hanbit.example",
                "full_name": "CEO",
                "password": "s3cret-pass",
                "role": "exporter",
                "company_id": c.id,
            },
            headers=login(admin),
        )
        assert r.status_code == 201, r.text
        assert r.json()["company_id"] == c.id

    def test_duplicate_email(self, client, session, login) -> None:
        admin = make_user(session, Role.admin)
        make_user(session, Role.advisor, email="dup@agency.example")
        r = client.post(
            "/api/users",
            json={
                "email": "dup@agency.example",
                "full_name": "X",
                "password": "s3cret-pass",
                "role": "advisor",
            },
            headers=login(admin),
        )
        assert r.status_code == 409 and r.json()["field"] == "email"

    def test_company_link_only_for_exporters(self, client, session, login) -> None:
        admin = make_user(session, Role.admin)
        r = client.post(
            "/api/users",
            json={
                "email": "a@b.example",
                "full_name": "X",
                "password": "s3cret-pass",
                "role": "advisor",
                "company_id": make_company(session).id,
            },
            headers=login(admin),
        )
        assert r.status_code == 422 and r.json()["field"] == "company_id"

    def test_non_admins_cannot_manage_users(self, client, session, login) -> None:
        for role in (Role.advisor, Role.exporter, Role.buyer):
            h = login(make_user(session, role))
            assert client.get("/api/users", headers=h).status_code == 403
            new = {
                "email": f"{role.value}x@b.example",
                "full_name": "X",
                "password": "s3cret-pass",
                "role": "admin",
            }
            assert client.post("/api/users", json=new, headers=h).status_code == 403

    def test_user_edits_self_but_not_role(self, client, session, login) -> None:
        u = make_user(session, Role.exporter)
        h = login(u)
        r = client.patch(f"/api/users/{u.id}", json={"language": "en"}, headers=h)
        assert r.status_code == 200 and r.json()["language"] == "en"
        assert client.patch(f"/api/users/{u.id}", json={"role": "admin"}, headers=h).status_code == 403
        other = make_user(session, Role.exporter)
        assert client.get(f"/api/users/{other.id}", headers=h).status_code == 403

    def test_admin_deactivates_not_self(self, client, session, login) -> None:
        admin = make_user(session, Role.admin)
        u = make_user(session, Role.advisor)
        assert client.delete(f"/api/users/{u.id}", headers=login(admin)).status_code == 204
        session.refresh(u)
        assert not u.is_active
        assert client.delete(f"/api/users/{admin.id}", headers=login(admin)).status_code == 422
