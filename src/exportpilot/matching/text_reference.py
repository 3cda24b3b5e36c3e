"""Labelled reference texts that tie product texts in many languages to HS codes.

Two real sources: the HS nomenclature's English and Spanish descriptions shipped in the PyPI package
``atlas-common-data`` (HS 2022 headings and subheadings in English; HS 1992 headings in English and
Spanish), and the Korea Customs Service classification cases ``hs/kcs_cases_train.csv`` of the shared
data folder (product texts in English and Korean with their 10-digit HSK code). The HS-code bridge of
the matcher classifies a text by its nearest reference texts.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from exportpilot.matching.text_embed import clean_text

HANGUL = re.compile(r"[\uac00-\ud7a3\u3131-\u318e]")
LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")


@dataclass
class ReferenceSet:
    """Texts with an HS code (4 or 6 digits) and where each comes from.

    Attributes
    ----------
    texts : list of str
    codes : list of str
        HS6 (6 digits) or HS4 (4 digits) of each text.
    sources : list of str
        ``"hs22-en"``, ``"hs92-en"``, ``"hs92-es"`` (``-short`` appended for short names) or ``"kcs"``.
    """

    texts: list[str] = field(default_factory=list)
    codes: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.texts)

    def extend(self, other: ReferenceSet) -> ReferenceSet:
        """Return a new set with the rows of both."""
        return ReferenceSet(self.texts + other.texts, self.codes + other.codes, self.sources + other.sources)

    def select(self, mask: Iterable[bool]) -> ReferenceSet:
        """Return the rows where ``mask`` is true."""
        keep = list(mask)
        return ReferenceSet(
            [t for t, k in zip(self.texts, keep, strict=True) if k],
            [c for c, k in zip(self.codes, keep, strict=True) if k],
            [s for s, k in zip(self.sources, keep, strict=True) if k],
        )

    def fingerprint(self) -> str:
        """A short hash of the content, to name caches."""
        h = hashlib.sha1()
        for t, c in zip(self.texts, self.codes, strict=True):
            h.update(f"{c}\x00{t}\x01".encode())
        return h.hexdigest()[:16]


def _atlas_product_dir() -> Path:
    import atlas_common_data

    return Path(atlas_common_data.__file__).resolve().parent / "data" / "classification" / "product"


def nomenclature_references(*, spanish: bool = True, short_names: bool = True) -> ReferenceSet:
    """HS headings and subheadings in English (HS 2022) and headings in English and Spanish (HS 1992).

    Parameters
    ----------
    spanish : bool
        Include the Spanish heading names of HS 1992.
    short_names : bool
        Include the short names (``"Hand tools n.e.c."``) besides the full descriptions.

    Returns
    -------
    ReferenceSet
    """
    folder = _atlas_product_dir()
    ref = ReferenceSet()
    seen: set[tuple[str, str]] = set()

    def add(text: object, code: str, source: str) -> None:
        t = clean_text(text).rstrip(".:;")
        if len(t) < 2 or (t, code) in seen:
            return
        seen.add((t, code))
        ref.texts.append(t)
        ref.codes.append(code)
        ref.sources.append(source)

    hs22 = pd.read_csv(folder / "hs22.csv", dtype=str)
    hs22 = hs22[hs22["product_level"].isin(["4", "6"]) & hs22["code"].str.fullmatch(r"\d{4}|\d{6}")]
    for row in hs22.itertuples(index=False):
        add(row.name_en, row.code, "hs22-en")
        if short_names:
            add(row.name_short_en, row.code, "hs22-en-short")
    hs92 = pd.read_csv(folder / "hs92.csv", dtype=str)
    hs92 = hs92[(hs92["product_level"] == "4") & hs92["code"].str.fullmatch(r"\d{4}")]
    for row in hs92.itertuples(index=False):
        add(row.name_en, row.code, "hs92-en")
        if short_names:
            add(row.name_short_en, row.code, "hs92-en-short")
        if spanish:
            add(row.name_es, row.code, "hs92-es")
            if short_names:
                add(row.name_short_es, row.code, "hs92-es-short")
    return ref


def load_kcs_cases(path: Path) -> pd.DataFrame:
    """Read the customs cases file: columns ``hsk10, text, hs6, hs4`` (rows without a valid code dropped).

    Parameters
    ----------
    path : Path
        ``<shared_data>/hs/kcs_cases_train.csv``.

    Returns
    -------
    DataFrame
        One row per case, in file order, with its 0-based file row in ``row``.
    """
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df["row"] = np.arange(len(df))
    df["text"] = [clean_text(t) for t in df["text"]]
    df = df[df["hsk10"].str.fullmatch(r"\d{10}") & (df["text"].str.len() > 0)].copy()
    df["hs6"] = df["hsk10"].str[:6]
    df["hs4"] = df["hsk10"].str[:4]
    return df


def kcs_references(cases: pd.DataFrame) -> ReferenceSet:
    """Customs cases as reference texts labelled with their HS6.

    Parameters
    ----------
    cases : DataFrame
        From :func:`load_kcs_cases`, possibly filtered (e.g. without the rows held out for evaluation).

    Returns
    -------
    ReferenceSet
    """
    return ReferenceSet(cases["text"].tolist(), cases["hs6"].tolist(), ["kcs"] * len(cases))


@lru_cache(maxsize=2)
def default_references(shared_data: Path | None) -> ReferenceSet:
    """The nomenclature plus, when the shared data folder has them, all customs cases (cached per folder).

    Parameters
    ----------
    shared_data : Path or None
        The shared data folder (``Settings.shared_data``).

    Returns
    -------
    ReferenceSet
    """
    ref = nomenclature_references()
    if shared_data is not None:
        path = Path(shared_data) / "hs" / "kcs_cases_train.csv"
        if path.is_file():
            ref = ref.extend(kcs_references(load_kcs_cases(path)))
    return ref


def script_of(text: str) -> str:
    """``"hangul"`` if the text has Hangul, ``"latin"`` if it has only Latin letters, else ``"other"``."""
    if HANGUL.search(text):
        return "hangul"
    if LATIN.search(text):
        return "latin"
    return "other"
