"""``/api/markets/*`` and ``/api/companies/{id}/markets`` on the real app, database and a small real model."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from exportpilot.models import Role
from tests.factories import make_company, make_product, make_user

pytestmark = pytest.mark.usefixtures("market_var_dir")


@pytest.fixture
def advisor_headers(session, login):  # type: ignore[no-untyped-def]
    return login(make_user(session, Role.advisor))


class TestProductRanking:
    def test_product_group(self, client, advisor_headers) -> None:  # type: ignore[no-untyped-def]
        r = client.get(
            "/api/markets/recommend",
            params={"product": "machines", "top": 5, "lang": "ko"},
            headers=advisor_headers,
        )
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["exporter"] == "KOR" and body["as_of_year"] == 2015 and body["unit"] == "usd"
        assert body["groups"] == {"Machines": 1.0} and body["total_markets"] > 30
        assert [m["rank"] for m in body["markets"]] == [1, 2, 3, 4, 5]
        first = body["markets"][0]
        assert first["expected_gain_usd"] > 0 and first["partner_name"] != first["partner_iso3"]
        assert {"position", "demand", "distance", "hs4_demand", "near_current"} <= set(first["components"])
        usa = client.get(
            "/api/markets/recommend", params={"product": "Machines", "top": 250}, headers=advisor_headers
        ).json()
        row = next(m for m in usa["markets"] if m["partner_iso3"] == "USA")
        assert row["partner_name"] == "United States" and row["korea_fta"] and row["rta"] is True

    def test_hs_code_is_placed_and_tilted_to_its_heading(self, client, advisor_headers) -> None:  # type: ignore[no-untyped-def]
        r = client.get("/api/markets/recommend", params={"product": "854231"}, headers=advisor_headers)
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["products"] == [{"code": "854231", "hs4": "8542", "group": "Machines", "via": "hs4"}]
        assert len({round(m["demand_mix"], 3) for m in body["markets"]}) > 3

    def test_what_if(self, client, advisor_headers) -> None:  # type: ignore[no-untyped-def]
        params = {"product": "Machines", "block": "CHN", "tariff": ["USA:25"], "top": 250}
        body = client.get("/api/markets/recommend", params=params, headers=advisor_headers).json()
        assert body["scenario"] == {"block": ["CHN"], "tariff": {"USA": 25.0}, "elasticity": 5.0}
        rows = {m["partner_iso3"]: m for m in body["markets"]}
        assert rows["CHN"]["retained_share"] == 0 and rows["CHN"]["displaced_usd"] > 0
        assert rows["USA"]["retained_share"] == pytest.approx(1.25**-5)
        assert rows["CHN"]["rank"] > rows["CHN"]["rank_before"]
        assert sum(m["absorbed_usd"] for m in rows.values()) == pytest.approx(
            sum(m["displaced_usd"] for m in rows.values()), rel=1e-6
        )

    def test_csv_download(self, client, advisor_headers) -> None:  # type: ignore[no-untyped-def]
        r = client.get(
            "/api/markets/recommend",
            params={"product": "Machines", "format": "csv", "block": "CHN"},
            headers=advisor_headers,
        )
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
        assert "attachment" in r.headers["content-disposition"]
        rows = list(csv.DictReader(io.StringIO(r.text)))
        assert len(rows) > 30 and rows[0]["rank"] == "1"
        assert {"partner_iso3", "score", "expected_gain_usd", "c_position", "displaced_usd"} <= set(rows[0])

    @pytest.mark.parametrize(
        ("params", "status", "field"),
        [
            ({"product": "Spaceships"}, 404, "product"),
            ({"product": "7777"}, 404, "product"),
            ({"product": "Machines", "exporter": "ZZZ"}, 404, "exporter"),
            ({"product": "Machines", "exporter": "K1"}, 422, "exporter"),
            ({"product": "Machines", "block": "U$A"}, 422, "block"),
            ({"product": "Machines", "block": "ATA"}, 422, "block"),
            ({"product": "Machines", "tariff": "USA:lots"}, 422, "tariff"),
            ({"product": "Machines", "tariff": "USA:-5"}, 422, "tariff"),
        ],
    )
    def test_bad_input_is_4xx_with_a_reason(self, client, advisor_headers, params, status, field) -> None:  # type: ignore[no-untyped-def]
        r = client.get("/api/markets/recommend", params=params, headers=advisor_headers)
        assert r.status_code == status, r.text
        assert r.json()["field"] == field and r.json()["detail"]

    def test_buyers_may_not_and_anonymous_must_log_in(self, client, session, login) -> None:  # type: ignore[no-untyped-def]
        buyer = login(make_user(session, Role.buyer))
        assert (
            client.get("/api/markets/recommend", params={"product": "Machines"}, headers=buyer).status_code
            == 403
        )
        assert client.get("/api/markets/recommend", params={"product": "Machines"}).status_code == 401


class TestCompanyRanking:
    def test_exporter_sees_its_own_company_with_current_markets(self, client, session, login) -> None:  # type: ignore[no-untyped-def]
        company = make_company(session)
        make_product(session, company, hs_code="854231")
        make_product(session, company, hs_code="847130")
        exporter = login(make_user(session, Role.exporter, company_id=company.id))
        put = client.put(
            f"/api/companies/{company.id}/export-markets",
            json={
                "year": 2024,
                "markets": [{"country": "VN", "value_usd": 300000}, {"country": "THA", "value_usd": 100000}],
            },
            headers=exporter,
        )
        assert put.status_code == 200, put.text
        assert {m["country_code"] for m in put.json()} == {"VNM", "THA"}

        r = client.get(f"/api/companies/{company.id}/markets", params={"top": 10}, headers=exporter)
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["company_id"] == company.id and body["current_markets"] == {
            "VNM": 300000.0,
            "THA": 100000.0,
        }
        assert [p["hs4"] for p in body["products"]] == ["8542", "8471"] and body["groups"] == {
            "Machines": 1.0
        }
        new = [m for m in body["markets"] if not m["current"]]
        current = [m for m in body["markets"] if m["current"]]
        assert [m["rank"] for m in new] == list(range(1, 11))
        assert {m["partner_iso3"] for m in current} == {"VNM", "THA"} and all(
            m["rank"] is None for m in current
        )
        assert not {"VNM", "THA"} & {m["partner_iso3"] for m in new}

        other = make_company(session)
        make_product(session, other, hs_code="854231")
        assert client.get(f"/api/companies/{other.id}/markets", headers=exporter).status_code == 403
        assert client.get(f"/api/companies/{other.id}/export-markets", headers=exporter).status_code == 403

    def test_advisor_sees_any_company(self, client, session, advisor_headers) -> None:  # type: ignore[no-untyped-def]
        company = make_company(session)
        make_product(session, company, hs_code="030617")
        r = client.get(f"/api/companies/{company.id}/markets", headers=advisor_headers)
        assert r.status_code == 200 and r.json()["groups"] == {"Animal Products": 1.0}
        csv_text = client.get(
            f"/api/companies/{company.id}/markets", params={"format": "csv"}, headers=advisor_headers
        ).text
        assert csv_text.splitlines()[0].startswith("rank,partner_iso3,partner_name,current,")

    def test_company_without_hs_codes_unknown_company_and_bad_markets(
        self, client, session, login, advisor_headers
    ) -> None:  # type: ignore[no-untyped-def]
        company = make_company(session)
        make_product(session, company, hs_code=None)
        r = client.get(f"/api/companies/{company.id}/markets", headers=advisor_headers)
        assert r.status_code == 409 and "HS code" in r.json()["detail"]
        assert client.get("/api/companies/999999/markets", headers=advisor_headers).status_code == 404
        denied = client.put(
            f"/api/companies/{company.id}/export-markets",
            json={"year": 2024, "markets": [{"country": "VNM", "value_usd": 1}]},
            headers=advisor_headers,
        )
        assert denied.status_code == 403  # an advisor edits only the firms assigned to them
        admin = login(make_user(session, Role.admin))
        for markets in ([{"country": "XX", "value_usd": 1}], [{"country": "KOR", "value_usd": 1}]):
            bad = client.put(
                f"/api/companies/{company.id}/export-markets",
                json={"year": 2024, "markets": markets},
                headers=admin,
            )
            assert bad.status_code == 422, bad.text
        dup = client.put(
            f"/api/companies/{company.id}/export-markets",
            json={
                "year": 2024,
                "markets": [{"country": "VNM", "value_usd": 1}, {"country": "vnm", "value_usd": 2}],
            },
            headers=admin,
        )
        assert dup.status_code == 422
        assert client.get(f"/api/companies/{company.id}/export-markets", headers=advisor_headers).json() == []


class TestStatusAndOpenAPI:
    def test_status(self, client, advisor_headers) -> None:  # type: ignore[no-untyped-def]
        body = client.get("/api/markets/status", headers=advisor_headers).json()
        assert body["loaded"] is True and body["as_of_year"] == 2015 and "Machines" in body["product_groups"]

    def test_documented(self, client) -> None:  # type: ignore[no-untyped-def]
        paths = client.get("/openapi.json").json()["paths"]
        recommend = paths["/api/markets/recommend"]["get"]
        assert {"400", "404", "409", "422"} - {"400"} <= set(recommend["responses"])
        assert "text/csv" in recommend["responses"]["200"]["content"]
        assert {p["name"] for p in recommend["parameters"]} >= {
            "product",
            "exporter",
            "block",
            "tariff",
            "format",
        }
        assert "/api/companies/{company_id}/markets" in paths
        assert "put" in paths["/api/companies/{company_id}/export-markets"]


def test_no_trade_data_is_409_saying_what_to_run(client, session, login, empty_var_dir: Path) -> None:  # type: ignore[no-untyped-def]
    headers = login(make_user(session, Role.advisor))
    r = client.get("/api/markets/recommend", params={"product": "Machines"}, headers=headers)
    assert r.status_code == 409
    assert r.json()["error"] == "NoTradeData" and "exportpilot data load ots" in r.json()["detail"]
    status = client.get("/api/markets/status", headers=headers).json()
    assert status["loaded"] is False and "exportpilot data load ots" in status["message"]
