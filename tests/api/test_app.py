from __future__ import annotations


class TestApp:
    def test_openapi_documents_every_domain(self, client) -> None:
        spec = client.get("/openapi.json").json()
        paths = spec["paths"]
        for p in ("/api/companies", "/api/products", "/api/buyers", "/api/users", "/api/auth/token"):
            assert p in paths
        for path, ops in paths.items():
            if path.startswith("/api"):
                for op in ops.values():
                    assert op.get("summary"), f"{path} lacks a summary"

    def test_health(self, client) -> None:
        assert client.get("/api/health").json()["status"] == "ok"

    def test_unknown_api_route_has_the_stable_error_body(self, client) -> None:
        r = client.get("/api/nope")
        assert r.status_code == 404 and set(r.json()) == {"error", "detail"}

    def test_reference_endpoints(self, client) -> None:
        assert any(c["iso3"] == "VNM" for c in client.get("/api/reference/countries").json())
        assert len(client.get("/api/reference/provinces").json()) == 17
        assert len(client.get("/api/reference/regions").json()) == 8
        assert client.get("/api/reference/hs/850440").json()["parent"] == "8504"
        assert client.get("/api/reference/hs/123456").status_code == 422
        assert any(h["code"].startswith("8504") for h in client.get("/api/reference/hs?q=8504").json())
