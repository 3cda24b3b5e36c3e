from __future__ import annotations

from exportpilot.models import Role
from tests.factories import make_company, make_user


class TestAuditLog:
    def test_admin_sees_who_changed_what(self, client, session, login) -> None:
        admin = make_user(session, Role.admin)
        c = make_company(session)
        r = client.patch(f"/api/companies/{c.id}", json={"employees": 99}, headers=login(admin))
        assert r.status_code == 200
        log = client.get(f"/api/audit?entity=company&entity_id={c.id}", headers=login(admin)).json()
        assert log["total"] == 1
        (entry,) = log["items"]
        assert entry["actor_id"] == admin.id and entry["action"] == "update"
        assert entry["changes"]["employees"][1] == 99

    def test_unchanged_update_writes_no_entry(self, client, session, login) -> None:
        admin = make_user(session, Role.admin)
        c = make_company(session, employees=5)
        client.patch(f"/api/companies/{c.id}", json={"employees": 5}, headers=login(admin))
        log = client.get(f"/api/audit?entity=company&entity_id={c.id}", headers=login(admin)).json()
        assert log["total"] == 0

    def test_only_admins_read_the_log(self, client, session, login) -> None:
        for role in (Role.advisor, Role.exporter, Role.buyer):
            assert client.get("/api/audit", headers=login(make_user(session, role))).status_code == 403
