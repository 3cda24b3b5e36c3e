"""Buyer import: a report per row, all or nothing, idempotent re-runs, CSV and Excel, API and CLI."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from exportpilot.buyers import importer
from exportpilot.errors import InvalidInput, PermissionDenied
from exportpilot.models import AuditEntry, Buyer, BuyerContact, Role
from tests.buyers.helpers import count
from tests.factories import make_buyer, make_user

HEADER = "company_name,country,website,email,phone,hs_interests,languages,contact_name,contact_email\n"
GOOD = (
    '"Distribuidora Sol, S.A. de C.V.",MX,https://sol.com.mx,compras@sol.com.mx,+52 81 8123 4567,'
    "821191;8211,es;en,María López,maria@sol.com.mx\n"
    "Saigon Kitchenware JSC,VN,https://saigonkitchen.vn,info@saigonkitchen.vn,+84 28 3822 1234,8211,vi,,\n"
)
BAD = (
    "Bad Country Ltd,XX,,,,,,,\n"  # row 4
    "Bad Codes Inc,US,,not-an-email,,7777;12345,qq,,\n"  # row 5
    "Too Many,US,,,,,,,,extra\n"  # row 6
)


def csv_bytes(*rows: str) -> bytes:
    return (HEADER + "".join(rows)).encode()


def state(session) -> tuple[int, int, int]:  # type: ignore[no-untyped-def]
    return count(session, Buyer), count(session, BuyerContact), count(session, AuditEntry)


class TestImportService:
    def test_bad_rows_are_reported_and_nothing_is_imported(self, session) -> None:
        before = state(session)
        with pytest.raises(importer.ImportRejected) as caught:
            importer.import_buyers(session, filename="b.csv", content=csv_bytes(GOOD, BAD), actor=None)
        report = caught.value.report
        assert state(session) == before
        assert not report.imported and report.rows == 5 and report.invalid == 3
        problems = {(p.row, p.field) for p in report.problems}
        assert (4, "country") in problems
        assert (5, "email") in problems
        assert (6, "row") in problems
        assert caught.value.body()["report"]["problems"]

    def test_reference_problems_name_each_field(self, session) -> None:
        content = csv_bytes("Bad Codes Inc,US,,,,7777;850440,qq,,\n")
        with pytest.raises(importer.ImportRejected) as caught:
            importer.import_buyers(session, filename="b.csv", content=content, actor=None)
        assert {(p.row, p.field) for p in caught.value.report.problems} == {
            (2, "hs_interests"),
            (2, "languages"),
        }

    def test_skip_invalid_imports_the_good_rows_and_reports_the_rest(self, session) -> None:
        before = count(session, Buyer)
        report = importer.import_buyers(
            session, filename="b.csv", content=csv_bytes(GOOD, BAD), actor=None, skip_invalid=True
        )
        assert report.imported and (report.created, report.invalid) == (2, 3)
        assert count(session, Buyer) == before + 2
        sol = session.get(Buyer, report.results[0].buyer_id)
        assert (
            sol.country_code == "MEX"
            and sol.hs_interests == ["821191", "8211"]
            and sol.languages == ["es", "en"]
        )
        assert [c.name for c in sol.contacts] == ["María López"]

    def test_rerun_changes_nothing(self, session) -> None:
        content = csv_bytes(GOOD)
        first = importer.import_buyers(session, filename="b.csv", content=content, actor=None)
        before = state(session)
        buyer = session.get(Buyer, first.results[0].buyer_id)
        stamp = buyer.updated_at
        second = importer.import_buyers(session, filename="b.csv", content=content, actor=None)
        assert (second.created, second.updated, second.unchanged) == (0, 0, 2)
        # only the run's own summary entry is written
        assert state(session)[:2] == before[:2] and state(session)[2] == before[2] + 1
        assert session.get(Buyer, buyer.id).updated_at == stamp

    def test_a_known_company_fills_gaps_without_overwriting(self, session) -> None:
        existing = make_buyer(
            session, company_name="Distribuidora Sol SA de CV", country_code="MEX", phone="+52 1"
        )
        report = importer.import_buyers(session, filename="b.csv", content=csv_bytes(GOOD), actor=None)
        assert report.results[0].action == "updated" and report.results[0].buyer_id == existing.id
        session.refresh(existing)
        assert existing.phone == "+52 1"  # kept
        assert existing.website == "https://sol.com.mx" and existing.hs_interests == ["821191", "8211"]
        assert [c.email for c in existing.contacts] == ["maria@sol.com.mx"]

    def test_duplicates_within_one_file_become_one_buyer(self, session) -> None:
        rows = GOOD + "DISTRIBUIDORA SOL SA DE CV,MEX,,,+52 81 8123 4567,3304,,Juan Pérez,juan@sol.com.mx\n"
        report = importer.import_buyers(session, filename="b.csv", content=csv_bytes(rows), actor=None)
        assert [r.action for r in report.results] == ["created", "created", "updated"]
        assert report.results[2].buyer_id == report.results[0].buyer_id
        sol = session.get(Buyer, report.results[0].buyer_id)
        assert "3304" in sol.hs_interests and {c.name for c in sol.contacts} == {"María López", "Juan Pérez"}

    def test_alike_names_with_other_domains_are_created_and_flagged(self, session) -> None:
        make_buyer(
            session, company_name="Pacific Trading Inc.", country_code="USA", website="https://pacific1.com"
        )
        content = csv_bytes("Pacific Trading LLC,US,https://pacific2.com,,,,,,\n")
        report = importer.import_buyers(session, filename="b.csv", content=content, actor=None)
        assert report.results[0].action == "created" and report.results[0].possible_duplicates

    def test_excel(self, session) -> None:
        book = Workbook()
        sheet = book.active
        sheet.append(["Company", "Country", "Annual imports", "HS codes"])
        sheet.append(["Hanoi Fresh Fruit JSC", "VNM", 1250000, "0810"])
        sheet.append(["Bangkok Foods Co., Ltd.", "TH", None, None])
        buffer = io.BytesIO()
        book.save(buffer)
        report = importer.import_buyers(
            session, filename="buyers.xlsx", content=buffer.getvalue(), actor=None
        )
        assert report.created == 2
        hanoi = session.get(Buyer, report.results[0].buyer_id)
        assert hanoi.annual_imports_usd == 1_250_000 and hanoi.hs_interests == ["0810"]

    def test_semicolon_csv_and_unknown_columns(self, session) -> None:
        content = b"name;country;fax\nLima Import SAC;PE;123\n"
        report = importer.import_buyers(session, filename="b.csv", content=content, actor=None)
        assert report.created == 1 and report.ignored_columns == ["fax"]

    def test_missing_required_column(self, session) -> None:
        with pytest.raises(importer.ImportRejected) as caught:
            importer.import_buyers(session, filename="b.csv", content=b"company_name,city\nA,B\n", actor=None)
        assert [(p.row, p.field) for p in caught.value.report.problems] == [(1, "country")]

    def test_unreadable_files(self, session) -> None:
        with pytest.raises(InvalidInput, match="neither a .csv nor an .xlsx"):
            importer.import_buyers(session, filename="b.pdf", content=b"%PDF", actor=None)
        with pytest.raises(InvalidInput, match="not a readable Excel"):
            importer.import_buyers(session, filename="b.xlsx", content=b"garbage", actor=None)
        with pytest.raises(InvalidInput, match="binary"):
            importer.import_buyers(session, filename="b.csv", content=b"a,b\x00\n", actor=None)

    def test_only_staff_import(self, session) -> None:
        with pytest.raises(PermissionDenied):
            importer.import_buyers(
                session, filename="b.csv", content=csv_bytes(GOOD), actor=make_user(session, Role.exporter)
            )


class TestImportEndpoint:
    def test_bad_file_answers_422_with_the_report(self, client, session, login) -> None:
        before = state(session)
        r = client.post(
            "/api/buyers/import",
            files={"file": ("b.csv", csv_bytes(GOOD, BAD), "text/csv")},
            headers=login(make_user(session, Role.advisor)),
        )
        assert r.status_code == 422, r.text
        body = r.json()
        assert body["error"] == "ImportRejected" and body["report"]["invalid"] == 3
        assert {"row": 4, "field": "country", "reason": "unknown country code 'XX'"} in body["report"][
            "problems"
        ]
        assert state(session)[:2] == before[:2]

    def test_skip_invalid_and_rerun(self, client, session, login) -> None:
        headers = login(make_user(session, Role.advisor))
        files = {"file": ("b.csv", csv_bytes(GOOD, BAD), "text/csv")}
        r = client.post("/api/buyers/import?skip_invalid=true", files=files, headers=headers)
        assert r.status_code == 200 and r.json()["created"] == 2
        r = client.post("/api/buyers/import?skip_invalid=true", files=files, headers=headers)
        assert r.status_code == 200 and (r.json()["created"], r.json()["unchanged"]) == (0, 2)

    def test_exporters_and_buyers_may_not_import(self, client, session, login) -> None:
        files = {"file": ("b.csv", csv_bytes(GOOD), "text/csv")}
        for role in (Role.exporter, Role.buyer):
            r = client.post("/api/buyers/import", files=files, headers=login(make_user(session, role)))
            assert r.status_code == 403
