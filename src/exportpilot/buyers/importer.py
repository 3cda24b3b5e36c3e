"""Import buyers from a CSV or Excel file: every row validated and reported, all or nothing.

The first non-empty row is the header; column names are matched loosely (``Company``, ``company_name``,
``회사명`` ...). Each data row is validated like ``POST /api/buyers``; problems are reported as
(row, field, reason), with the row numbered as a spreadsheet shows it (the header is row 1).

A file with any bad row imports nothing, unless ``skip_invalid`` is set: then the good rows are imported
and the bad ones reported. A row naming a company that is already registered (see ``buyers.dedup``)
fills the gaps of that record and never overwrites it, so importing the same file twice changes nothing.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

from pydantic import ValidationError
from sqlalchemy.orm import Session

from exportpilot.audit import service as audit
from exportpilot.auth import policy
from exportpilot.buyers.dedup import BuyerKey
from exportpilot.buyers.repository import BuyerRepository
from exportpilot.buyers.schemas import BuyerCreate, ImportProblem, ImportReport, ImportRow
from exportpilot.buyers.service import buyer_key, duplicate_index, make_contacts
from exportpilot.errors import InvalidInput
from exportpilot.models import Buyer, BuyerContact, User
from exportpilot.reference import service as reference

MAX_ROWS = 20_000
REQUIRED = ("company_name", "country")
COLUMNS: dict[str, tuple[str, ...]] = {
    "company_name": (
        "company_name",
        "company",
        "name",
        "buyer",
        "buyer_name",
        "회사명",
        "바이어명",
        "기업명",
    ),
    "country": ("country", "country_code", "국가"),
    "city": ("city", "도시"),
    "website": ("website", "web", "url", "homepage", "site", "웹사이트", "홈페이지"),
    "email": ("email", "e_mail", "mail", "이메일"),
    "phone": ("phone", "tel", "telephone", "전화", "전화번호"),
    "business_type": ("business_type", "type", "업종"),
    "annual_imports_usd": ("annual_imports_usd", "annual_imports", "imports_usd", "연간수입액"),
    "products_of_interest": ("products_of_interest", "products", "interests", "관심품목"),
    "hs_interests": ("hs_interests", "hs_codes", "hs_code", "hs", "관심hs"),
    "languages": ("languages", "language", "언어"),
    "contact_name": ("contact_name", "contact", "담당자"),
    "contact_title": ("contact_title", "title", "직함"),
    "contact_email": ("contact_email", "담당자이메일"),
    "contact_phone": ("contact_phone", "담당자전화"),
    "contact_language": ("contact_language", "담당자언어"),
}
_ALIASES = {alias: name for name, aliases in COLUMNS.items() for alias in aliases}
_LISTS = {"hs_interests": r"[;,|/\s]+", "languages": r"[;,|/\s]+"}
_CONTACT = {
    "name": "contact_name",
    "title": "contact_title",
    "email": "contact_email",
    "phone": "contact_phone",
    "language": "contact_language",
}


class ImportRejected(InvalidInput):
    """Bad rows (or a bad file) stopped the import; the report says which and why."""

    def __init__(self, report: ImportReport) -> None:
        first = report.problems[0] if report.problems else None
        where = f"row {first.row}, {first.field}: {first.reason}" if first else "no rows"
        super().__init__(
            f"{report.invalid or len(report.problems)} problem(s) in {report.file}, nothing imported "
            f"(first: {where})",
            field="file",
        )
        self.report = report

    def body(self) -> dict[str, Any]:
        return {**super().body(), "report": self.report.model_dump(mode="json")}


@dataclass
class _Row:
    row: int
    values: dict[str, str]
    problems: list[ImportProblem] = field(default_factory=list)
    data: BuyerCreate | None = None
    fields: dict[str, Any] = field(default_factory=dict)


def _column(header: str) -> str:
    name = re.sub(r"[\s\-./]+", "_", header.strip().casefold()).strip("_")
    return _ALIASES.get(name, name)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return str(value).strip()


def _csv_rows(content: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "cp949"):  # Korean Excel saves CSV in CP949
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InvalidInput("file: the CSV is neither UTF-8 nor CP949 text", field="file")
    if "\x00" in text:
        raise InvalidInput("file: the CSV contains binary data", field="file")
    sample = text[:4096]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return [[c.strip() for c in row] for row in csv.reader(io.StringIO(text, newline=""), dialect)]
    except csv.Error as exc:
        raise InvalidInput(f"file: the CSV cannot be read ({exc})", field="file") from exc


def _xlsx_rows(content: bytes) -> list[list[str]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise InvalidInput("file: not a readable Excel (.xlsx) workbook", field="file") from exc
    try:
        sheet = book.worksheets[0]
        rows = [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()
    # Excel pads rows with empty cells up to the widest row; drop those trailing blanks.
    width = max((max((i + 1 for i, v in enumerate(r) if v), default=0) for r in rows), default=0)
    return [r[:width] + [""] * (width - len(r)) for r in rows]


def read_table(filename: str, content: bytes) -> list[list[str]]:
    """The cells of a .csv or .xlsx file, row by row."""
    suffix = PurePath(filename).suffix.casefold()
    if suffix in (".csv", ".txt", ".tsv"):
        return _csv_rows(content)
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx_rows(content)
    raise InvalidInput(f"file: {filename!r} is neither a .csv nor an .xlsx file", field="file")


def _split(value: str, pattern: str) -> list[str]:
    return [v for v in re.split(pattern, value) if v]


def _to_model(values: dict[str, str]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name in COLUMNS:
        value = values.get(name, "")
        if not value or name.startswith("contact_"):
            continue
        if name in _LISTS:
            data[name] = _split(value, _LISTS[name])
        elif name == "annual_imports_usd":
            data[name] = re.sub(r"[\s,$]|USD", "", value, flags=re.I)
        else:
            data[name] = value
    contact = {k: values[c] for k, c in _CONTACT.items() if values.get(c)}
    if contact:
        data["contacts"] = [contact]
    return data


def _field_name(loc: tuple[Any, ...]) -> str:
    if not loc:
        return "row"
    if loc[0] == "contacts" and len(loc) >= 3:
        return _CONTACT.get(str(loc[2]), "contact_name")
    return str(loc[0])


def _validate(session: Session, row: _Row) -> None:
    try:
        row.data = BuyerCreate.model_validate(_to_model(row.values))
    except ValidationError as exc:
        for err in exc.errors():
            reason = str(err.get("msg", "invalid")).removeprefix("Value error, ")
            row.problems.append(
                ImportProblem(row=row.row, field=_field_name(tuple(err["loc"])), reason=reason)
            )
        return
    fields = row.data.model_dump(exclude={"contacts"})
    checks: list[tuple[str, Any]] = [("country", lambda: reference.get_country(session, fields["country"]))]
    checks += [
        ("languages", lambda c=c: reference.get_language(session, c)) for c in fields.get("languages") or []
    ]
    checks += [
        ("hs_interests", lambda c=c: reference.get_hs_code(session, c, levels=(2, 4, 6)))
        for c in fields.get("hs_interests") or []
    ]
    checks += [
        ("contact_language", lambda c=c: reference.get_language(session, c.language))
        for c in row.data.contacts
        if c.language
    ]
    resolved: dict[str, Any] = {}
    for name, check in checks:
        try:
            resolved.setdefault(name, []).append(check())
        except InvalidInput as exc:
            reason = exc.message.split(": ", 1)[-1]
            row.problems.append(ImportProblem(row=row.row, field=name, reason=reason))
    if row.problems:
        return
    fields.pop("country")
    fields["country_code"] = resolved["country"][0].iso3
    if fields.get("languages"):
        fields["languages"] = [lang.code for lang in resolved["languages"]]
    row.fields = fields


def _parse(session: Session, filename: str, table: list[list[str]]) -> tuple[list[_Row], list[str]]:
    rows = [(n, cells) for n, cells in enumerate(table, start=1) if any(c for c in cells)]
    if not rows:
        return [], []
    header_row, header = rows[0]
    columns = [_column(h) for h in header]
    ignored = [h for h, c in zip(header, columns, strict=True) if c not in COLUMNS and h]
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        problems = [
            ImportProblem(row=header_row, field=c, reason=f"the header has no {c!r} column") for c in missing
        ]
        raise ImportRejected(_report(filename, [], problems=problems, ignored=ignored, imported=False))
    if len(rows) - 1 > MAX_ROWS:
        problems = [ImportProblem(row=header_row, field="file", reason=f"more than {MAX_ROWS} rows")]
        raise ImportRejected(_report(filename, [], problems=problems, ignored=ignored, imported=False))
    parsed: list[_Row] = []
    for number, cells in rows[1:]:
        if len(cells) != len(columns):
            row = _Row(number, {})
            reason = f"the row has {len(cells)} values, the header has {len(columns)} columns"
            row.problems.append(ImportProblem(row=number, field="row", reason=reason))
        else:
            values = {c: v for c, v in zip(columns, cells, strict=True) if c in COLUMNS}
            row = _Row(number, values)
            _validate(session, row)
        parsed.append(row)
    return parsed, ignored


def _report(
    filename: str,
    results: list[ImportRow],
    *,
    problems: list[ImportProblem],
    ignored: list[str],
    imported: bool,
    rows: int | None = None,
) -> ImportReport:
    count = {
        a: sum(1 for r in results if r.action == a) for a in ("created", "updated", "unchanged", "invalid")
    }
    return ImportReport(
        file=filename,
        rows=len(results) if rows is None else rows,
        imported=imported,
        problems=problems,
        results=results,
        ignored_columns=ignored,
        **count,
    )


def _fill_gaps(session: Session, buyer: Buyer, row: _Row) -> dict[str, Any]:
    """Copy what the record lacks from the row; never overwrite. Returns what changed."""
    changes: dict[str, Any] = {}
    for name, value in row.fields.items():
        if name in ("company_name", "country_code") or value in (None, "", []):
            continue
        current = getattr(buyer, name)
        if isinstance(value, list):
            union = list(dict.fromkeys([*current, *value]))
            if union != current:
                changes[name] = [current, union]
                setattr(buyer, name, union)
        elif current in (None, ""):
            changes[name] = [current, value]
            setattr(buyer, name, value)
    assert row.data is not None
    known = {(c.email or "").casefold() or c.name.casefold() for c in buyer.contacts}
    for contact in row.data.contacts:
        ident = (contact.email or "").casefold() or contact.name.casefold()
        if ident not in known:
            buyer.contacts.append(BuyerContact(**contact.model_dump()))
            changes.setdefault("contacts", []).append(contact.model_dump(mode="json"))
            known.add(ident)
    return changes


def import_buyers(
    session: Session,
    *,
    filename: str,
    content: bytes,
    actor: User | None,
    skip_invalid: bool = False,
) -> ImportReport:
    """Import the buyers of a CSV or Excel file in the caller's transaction (actor None: the command line)."""
    policy.require(policy.can_import_buyers(actor), "only agency staff import buyers")
    name = PurePath(filename).name or "upload"
    rows, ignored = _parse(session, name, read_table(name, content))
    problems = [p for r in rows for p in r.problems]
    invalid = [ImportRow(row=r.row, action="invalid") for r in rows if r.problems]
    if problems and not skip_invalid:
        raise ImportRejected(
            _report(name, invalid, problems=problems, ignored=ignored, imported=False, rows=len(rows))
        )
    good = [r for r in rows if not r.problems]
    index = duplicate_index(session, {r.fields["country_code"] for r in good})
    repo = BuyerRepository(session)
    results: list[ImportRow] = list(invalid)
    for row in good:
        assert row.data is not None
        key = BuyerKey.of(
            id=None,
            name=row.fields["company_name"],
            country=row.fields["country_code"],
            website=row.fields.get("website"),
            emails=[row.fields.get("email"), *(c.email for c in row.data.contacts)],
            row=row.row,
        )
        matches = index.matches(key)
        same = next((m for m in matches if m.verdict == "same"), None)
        source = {"source": "import", "file": name, "row": row.row}
        if same is not None and same.other.id is not None:
            buyer = repo.get(same.other.id)
            assert buyer is not None
            changes = _fill_gaps(session, buyer, row)
            session.flush()
            if changes:
                audit.record(
                    session,
                    actor=actor,
                    action="update",
                    entity="buyer",
                    entity_id=buyer.id,
                    changes={**changes, **source},
                )
            action = "updated" if changes else "unchanged"
            results.append(
                ImportRow(row=row.row, action=action, buyer_id=buyer.id, company_name=buyer.company_name)
            )
            continue
        buyer = Buyer(**row.fields)
        buyer.contacts = make_contacts(session, row.data.contacts)
        repo.add(buyer)
        index.add(buyer_key(buyer))
        audit.record(
            session,
            actor=actor,
            action="create",
            entity="buyer",
            entity_id=buyer.id,
            changes={**row.data.model_dump(mode="json"), **source},
        )
        possible = sorted({m.other.id for m in matches if m.other.id is not None})
        results.append(
            ImportRow(
                row=row.row,
                action="created",
                buyer_id=buyer.id,
                company_name=buyer.company_name,
                possible_duplicates=possible,
            )
        )
    results.sort(key=lambda r: r.row)
    report = _report(name, results, problems=problems, ignored=ignored, imported=True)
    audit.record(
        session,
        actor=actor,
        action="import",
        entity="buyer_import",
        entity_id=name[:40],
        changes=report.model_dump(
            mode="json", include={"rows", "created", "updated", "unchanged", "invalid"}
        ),
    )
    return report
