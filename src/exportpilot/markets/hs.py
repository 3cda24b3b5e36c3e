"""HS codes → the product level the trade data has (the 22 Open Trade Statistics product groups).

The mapping is the OTS table ``hs4_to_product_group.csv`` (1,207 HS4 headings). A code is read at the most
precise level the mapping knows:

* HS6 (or a longer national code such as the Korean HSK) → its HS4 heading → the heading's group;
* HS4 → its group;
* an HS4 heading the mapping does not know (headings created after the OTS nomenclature, e.g. HS 2022's
  8524 display modules) and HS2 chapters → the group that holds most of the chapter's known headings.

A heading listed under two groups (10 in the OTS file) is given to the alphabetically first one, so the
result never depends on row order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from exportpilot.trade import checks

HS4_GROUP_FILE = "hs4_to_product_group.csv"
_DIGITS = re.compile(r"\D")


class UnknownHSCode(KeyError):
    """The code is not an HS code the mapping can place in a product group."""

    def __str__(self) -> str:  # KeyError would quote its message
        return str(self.args[0]) if self.args else ""


@dataclass(frozen=True)
class HSMatch:
    """Where one HS code lands: its normalised code, its HS4 heading, the group and how it was found."""

    code: str
    hs4: str | None
    group: str
    via: str  # "hs4" (heading known) or "chapter" (majority group of the HS2 chapter)


class HSGroupMap:
    """Map HS codes to product groups (see the module docstring).

    Parameters
    ----------
    table : pandas.DataFrame
        Columns ``hs4, product_group``.
    """

    def __init__(self, table: pd.DataFrame) -> None:
        clean = table[["hs4", "product_group"]].dropna().astype(str)
        clean = clean[clean["hs4"].str.fullmatch(r"\d{4}")]
        first = clean.sort_values(["hs4", "product_group"]).drop_duplicates("hs4")
        self.table = first.reset_index(drop=True)
        self._by_hs4 = dict(zip(first["hs4"], first["product_group"], strict=True))
        chapters = first.assign(ch=first["hs4"].str[:2]).groupby(["ch", "product_group"]).size()
        chapters = chapters.reset_index(name="n").sort_values(
            ["ch", "n", "product_group"], ascending=[True, False, True]
        )
        top = chapters.drop_duplicates("ch")
        self._by_chapter = dict(zip(top["ch"], top["product_group"], strict=True))

    @classmethod
    def from_csv(cls, path: Path) -> HSGroupMap:
        """Read ``hs4_to_product_group.csv`` (HS4 codes kept as text, leading zeros and all)."""
        con = checks.connect()
        try:
            frame = con.execute(
                "SELECT lpad(trim(hs4), 4, '0') AS hs4, trim(product_group) AS product_group "
                "FROM read_csv(?, header=true, all_varchar=true)",
                [str(path)],
            ).df()
        finally:
            con.close()
        return cls(frame)

    @property
    def groups(self) -> list[str]:
        """Return the product groups the mapping knows."""
        return sorted(set(self._by_hs4.values()))

    def match(self, code: str) -> HSMatch:
        """Return where ``code`` (HS2, HS4, HS6 or a longer national code; dots and spaces ignored) lands.

        Raises
        ------
        UnknownHSCode
            Not 2 to 10 digits, or a chapter the mapping has no heading of.
        """
        digits = _DIGITS.sub("", str(code))
        if len(digits) not in (2, 4, 6, 8, 10) or digits != str(code).replace(".", "").replace(" ", ""):
            raise UnknownHSCode(f"{code!r} is not an HS code (2, 4, 6, 8 or 10 digits)")
        hs4 = digits[:4] if len(digits) >= 4 else None
        if hs4 is not None and hs4 in self._by_hs4:
            return HSMatch(code=digits, hs4=hs4, group=self._by_hs4[hs4], via="hs4")
        chapter = digits[:2]
        if chapter in self._by_chapter:
            return HSMatch(code=digits, hs4=hs4, group=self._by_chapter[chapter], via="chapter")
        raise UnknownHSCode(f"HS {digits}: chapter {chapter} is not in the HS nomenclature of the trade data")

    def match_all(self, codes: Iterable[str]) -> list[HSMatch]:
        """Return ``match`` of every code, in order."""
        return [self.match(c) for c in codes]
