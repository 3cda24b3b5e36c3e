"""Cross-lingual retrieval evaluations built from real texts, with a dev/test split of categories.

Two families, both from real data (nothing generated):

* **Customs cases** (``hs/kcs_cases_train.csv``): queries are case texts in one script, the corpus is
  case texts in another, one corpus text per HS6 (or HS4); relevant = same HS6 (HS4). Korean corpus
  texts keep only their Hangul words, so a Korean text cannot be found through an English trade name
  it happens to contain.
* **Parallel categories**: the HS 1992 heading names in Spanish and English (``atlas-common-data``) as
  queries against a Korean text per heading made of the Hangul words of up to three held-out Korean
  customs cases of that heading (the closest thing to a Korean category name the real data has).

Rows used in any evaluation are *held out* of the HS bridge's reference set. Categories (HS4) are split
by a hash into ``dev`` (used to choose fusion weights) and ``test`` (reported); the corpus always holds
every category so that dev categories are distractors for test queries.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from exportpilot.matching.text_reference import (
    HANGUL,
    ReferenceSet,
    _atlas_product_dir,
    kcs_references,
    load_kcs_cases,
    nomenclature_references,
)

Split = Literal["dev", "test"]


def _h(s: str) -> int:
    return int(hashlib.sha1(s.encode()).hexdigest()[:8], 16)


def category_split(hs4: str) -> Split:
    """``"dev"`` or ``"test"`` for an HS4 heading, by a fixed hash (about half each)."""
    return "dev" if _h(f"split:{hs4}") % 2 == 0 else "test"


# form labels of the customs declarations, not product words
_LABELS = {"품명", "신청품명", "제품명", "상품명", "모델", "모델명", "규격", "용도", "재질", "기타"}


def hangul_words(text: str) -> str:
    """Keep only the words of a text that contain Hangul (``"헬멧(Helmet)"`` → ``"헬멧"``)."""
    words = []
    for w in re.split(r"[\s;,/|]+", text):
        w = re.sub(r"\([^)]*[A-Za-z][^)]*\)", "", w)  # "헬멧(Helmet)" -> "헬멧"
        w = re.sub(r"[A-Za-z]+", "", w).strip("()[]{}:.-_'\"")
        if HANGUL.search(w) and w not in _LABELS:
            words.append(w)
    return " ".join(words)


@dataclass
class HeldOut:
    """Customs cases split into the bridge's reference rows and the rows kept for evaluation."""

    cases: pd.DataFrame
    heldout: pd.Series  # bool per case

    def reference(self) -> ReferenceSet:
        """The nomenclature plus the customs cases that are not held out."""
        return nomenclature_references().extend(kcs_references(self.cases[~self.heldout]))


def hold_out(cases: pd.DataFrame) -> HeldOut:
    """Hold out about a fifth of the Latin-script cases and a third of the Korean cases per heading.

    A heading with a single Korean case loses it to the evaluation, as real Korean category texts
    often have no Korean customs case behind them.
    """
    korean = cases["text"].map(lambda t: bool(HANGUL.search(t)))
    held = pd.Series(False, index=cases.index)
    latin_rows = cases.index[~korean]
    held.loc[latin_rows] = [_h(f"row:{r}") % 5 == 0 for r in cases.loc[latin_rows, "row"]]
    ko = cases[korean].copy()
    ko["k"] = [_h(f"row:{r}") for r in ko["row"]]
    for _, grp in ko.groupby("hs4"):
        grp = grp.sort_values("k")
        n_out = 1 if len(grp) == 1 else math.ceil(len(grp) / 3)
        held.loc[grp.index[:n_out]] = True
    return HeldOut(cases, held)


@dataclass
class EvalSet:
    """Queries, a corpus and, for each query, the corpus rows that are relevant."""

    name: str
    queries: list[str]
    corpus: list[str]
    relevant: list[set[int]]
    query_split: list[Split]
    notes: str = ""
    extra: dict[str, object] = field(default_factory=dict)

    def subset(self, split: Split) -> EvalSet:
        """The same corpus with only the queries of one split."""
        idx = [i for i, s in enumerate(self.query_split) if s == split]
        return EvalSet(
            f"{self.name}[{split}]",
            [self.queries[i] for i in idx],
            self.corpus,
            [self.relevant[i] for i in idx],
            [split] * len(idx),
            self.notes,
            self.extra,
        )


def _one_per(df: pd.DataFrame, level: str, text_col: str, salt: str) -> pd.DataFrame:
    df = df.copy()
    df["k"] = [_h(f"{salt}:{r}") for r in df["row"]]
    return df.sort_values("k").drop_duplicates(level).sort_values(level)


def kcs_cross_script(held: HeldOut, *, direction: str, level: str = "hs6") -> EvalSet:
    """Customs-case evaluation: ``direction`` ``"en-ko"`` (Latin query → Korean corpus) or ``"ko-en"``."""
    cases = held.cases[held.heldout].copy()
    cases["ko"] = cases["text"].map(hangul_words)
    is_ko = cases["text"].map(lambda t: bool(HANGUL.search(t))) & (cases["ko"].str.len() >= 2)
    is_latin = ~cases["text"].map(lambda t: bool(HANGUL.search(t)))
    ko = _one_per(cases[is_ko], level, "ko", "ko")
    en = _one_per(cases[is_latin], level, "text", "en")
    common = sorted(set(ko[level]) & set(en[level]))
    if direction == "en-ko":
        q = en[en[level].isin(common)]
        c = ko
        q_texts, c_texts = q["text"].tolist(), c["ko"].tolist()
    elif direction == "ko-en":
        q = ko[ko[level].isin(common)]
        c = en
        q_texts, c_texts = q["ko"].tolist(), c["text"].tolist()
    else:
        raise ValueError(direction)
    pos = {code: i for i, code in enumerate(c[level])}
    return EvalSet(
        name=f"kcs {direction} ({level.upper()})",
        queries=q_texts,
        corpus=c_texts,
        relevant=[{pos[code]} for code in q[level]],
        query_split=[category_split(code[:4]) for code in q[level]],
        notes="customs cases held out of the bridge; one corpus text per code",
    )


def _hs92_headings() -> pd.DataFrame:
    hs92 = pd.read_csv(_atlas_product_dir() / "hs92.csv", dtype=str)
    hs92 = hs92[(hs92["product_level"] == "4") & hs92["code"].str.fullmatch(r"\d{4}")]
    return hs92.set_index("code")


def parallel_categories(held: HeldOut, *, query_language: str, corpus: str = "ko") -> EvalSet:
    """Heading names (``"es"`` or ``"en"``) → a Korean (or English) text per heading."""
    heads = _hs92_headings()
    cases = held.cases[held.heldout].copy()
    if corpus == "ko":
        cases["ko"] = cases["text"].map(hangul_words)
        cases = cases[cases["text"].map(lambda t: bool(HANGUL.search(t))) & (cases["ko"].str.len() >= 2)]
        cases["k"] = [_h(f"cat:{r}") for r in cases["row"]]
        texts = (
            cases.sort_values("k").groupby("hs4")["ko"].apply(lambda s: ", ".join(dict.fromkeys(s.head(3))))
        )
    else:
        cases = cases[~cases["text"].map(lambda t: bool(HANGUL.search(t)))]
        texts = _one_per(cases, "hs4", "text", "cat-en").set_index("hs4")["text"]
    texts = texts[texts.index.isin(heads.index)].sort_index()
    col = {"es": "name_es", "en": "name_en"}[query_language]
    codes = [c for c in texts.index if isinstance(heads.loc[c, col], str)]
    pos = {code: i for i, code in enumerate(texts.index)}
    return EvalSet(
        name=f"categories {query_language}-{corpus} (HS4)",
        queries=[str(heads.loc[c, col]) for c in codes],
        corpus=texts.tolist(),
        relevant=[{pos[c]} for c in codes],
        query_split=[category_split(c) for c in codes],
        notes="HS 1992 heading names as queries; held-out customs cases per heading as corpus",
        extra={"query_codes": codes},
    )


def build_evalsets(shared_data: Path) -> tuple[HeldOut, list[EvalSet]]:
    """Every evaluation this module knows, from the shared data folder.

    Parameters
    ----------
    shared_data : Path
        Folder with ``hs/kcs_cases_train.csv``.

    Returns
    -------
    (HeldOut, list of EvalSet)
        The held-out split (its :meth:`HeldOut.reference` is the bridge reference to use) and the
        evaluation sets, each with queries of both splits.
    """
    cases = load_kcs_cases(Path(shared_data) / "hs" / "kcs_cases_train.csv")
    held = hold_out(cases)
    sets = [
        parallel_categories(held, query_language="es"),
        parallel_categories(held, query_language="en"),
        parallel_categories(held, query_language="es", corpus="en"),
        kcs_cross_script(held, direction="en-ko", level="hs6"),
        kcs_cross_script(held, direction="ko-en", level="hs6"),
        kcs_cross_script(held, direction="en-ko", level="hs4"),
    ]
    return held, sets


def score_rankings(rankings: Sequence[Sequence[int]], relevant: Sequence[set[int]], k: int = 10) -> dict:
    """Recall@k (a relevant item in the top k) and MRR (first relevant, 0 if not ranked).

    Parameters
    ----------
    rankings : sequence of sequences of int
        Corpus rows per query, best first.
    relevant : sequence of sets of int
        Relevant corpus rows per query.
    k : int
        Cut-off of the recall.

    Returns
    -------
    dict
        ``{"n": ..., "recall@k": ..., "mrr": ...}``.
    """
    hits, rr = [], []
    for ranking, rel in zip(rankings, relevant, strict=True):
        first = next((i for i, r in enumerate(ranking) if r in rel), None)
        hits.append(first is not None and first < k)
        rr.append(0.0 if first is None else 1.0 / (first + 1))
    n = len(hits)
    return {
        "n": n,
        f"recall@{k}": round(float(np.mean(hits)) if n else 0.0, 4),
        "mrr": round(float(np.mean(rr)) if n else 0.0, 4),
    }


def evaluate(
    search: Callable[[list[str], list[str]], list[list[int]]], evalset: EvalSet, k: int = 10
) -> dict:
    """Run ``search(queries, corpus) -> rankings`` on an evaluation set and score it."""
    rankings = search(evalset.queries, evalset.corpus)
    return score_rankings(rankings, evalset.relevant, k=k)


def demo_catalogue(language: str) -> EvalSet:
    """Buyer-interest phrases of the demo catalogue in ``language`` → its Korean product texts.

    These texts were written for the project's demo data (they are not real data): each interest
    phrase names a few products (by HS6), and every Korean template (name and description) with one
    of those HS6 codes is relevant. It shows the languages the real data lacks (Vietnamese, Chinese,
    Arabic, ...); it was never used to choose weights.
    """
    from exportpilot.demo.catalogue import load_catalogue

    templates = [t for ind in load_catalogue() for t in ind.templates]
    corpus = [
        f"{t.name_ko} {t.description_ko.replace('{v}', t.variants[0].ko if t.variants else '')}"
        for t in templates
    ]
    queries, relevant = [], []
    for ind in load_catalogue():
        for interest in ind.interests:
            phrase = interest.phrases.get(language)
            if not phrase:
                continue
            rel = {i for i, t in enumerate(templates) if t.hs_code in interest.hs_codes}
            if rel:
                queries.append(phrase)
                relevant.append(rel)
    return EvalSet(
        name=f"demo catalogue {language}-ko",
        queries=queries,
        corpus=corpus,
        relevant=relevant,
        query_split=["test"] * len(queries),
        notes="project-authored demo texts (not real data)",
    )
