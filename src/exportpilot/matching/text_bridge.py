"""HS-code bridge: place any product text on the HS nomenclature, in any language.

A text's HS distribution comes from its nearest labelled reference texts (see
:mod:`exportpilot.matching.text_reference`): lexical neighbours within a script (character n-grams,
Korean morphemes) and dense e5 neighbours across languages, each vote weighted by a softmax of the
similarity. Two texts in different languages that land on the same headings are likely about the same
product even when their embeddings disagree: a Spanish heading name finds its heading through the
Spanish nomenclature, a Korean product name finds it through Korean customs cases.

Optionally the HS classifier of :mod:`exportpilot.products.hs_classifier` adds its top-k predictions.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import pickle
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp

from exportpilot.matching.text_embed import E5Embedder
from exportpilot.matching.text_lexical import LexicalEncoder
from exportpilot.matching.text_reference import ReferenceSet, script_of

log = logging.getLogger(__name__)


def _softmax_topk(sims: np.ndarray, k: int, temperature: float) -> tuple[np.ndarray, np.ndarray]:
    """Indices and softmax weights of each row's ``k`` largest similarities."""
    n, m = sims.shape
    k = min(k, m)
    if k == 0:
        return np.zeros((n, 0), dtype=np.int64), np.zeros((n, 0), dtype=np.float32)
    idx = np.argpartition(-sims, k - 1, axis=1)[:, :k]
    top = np.take_along_axis(sims, idx, axis=1)
    w = np.exp((top - top.max(axis=1, keepdims=True)) / temperature)
    w[top <= 0] = 0.0  # no shared n-gram (or an empty text): no vote
    s = w.sum(axis=1, keepdims=True)
    s[s == 0] = 1.0
    return idx, (w / s).astype(np.float32)


class HSBridge:
    """Distribution over HS4 headings and HS6 subheadings for any product text.

    Parameters
    ----------
    k : int
        Neighbours that vote, per signal.
    temperature_dense, temperature_lexical : float
        Softmax temperatures of the votes (smaller trusts the nearest neighbour more). The lexical
        temperature was raised from 0.05 to 0.1 on the dev split (mean recall@10 of its six
        evaluations 0.448 → 0.459, MRR 0.320 → 0.322; 0.15 and 0.2 were worse).
    dense_weight : float
        Share of the dense (cross-lingual) votes against the lexical votes, in [0, 1], for a text
        whose nearest lexical neighbour is a clear match.
    lexical_floor, lexical_full : float
        Cosine of the nearest lexical neighbour below which the lexical votes are ignored, and above
        which they get their full share; in between the share grows linearly. The default (a step at
        0.1) was best on the dev split for Korean and other non-Latin texts.
    latin_floor, latin_full : float
        The same for texts in Latin script only. Character n-grams of a Vietnamese, French or Turkish
        text overlap the English and Spanish references by chance (cosine 0.1-0.2), which steered the
        bridge to wrong headings; a ramp from 0.2 to 0.35 ignores such overlaps and keeps the real
        ones (an English or Spanish text near its heading name scores well above 0.35).
    dense_sources : tuple of str or None
        Reference sources embedded for the dense votes (``None``: all). By default only the English
        HS 2022 descriptions (6,800 texts): on the dev split, adding the Spanish names, short names and
        Korean customs cases changed recall@10 by less than 0.01 and embedding them costs minutes.
    embedder : E5Embedder or None
        Embedder shared with the matcher (``None``: a new one without cache).
    classifier_path : Path or None
        Folder of a trained ``HSClassifier``; its predictions are mixed in when it loads.
    classifier_weight : float
        Share of the classifier's votes when it is used.
    """

    def __init__(
        self,
        k: int = 20,
        temperature_dense: float = 0.02,
        temperature_lexical: float = 0.1,
        dense_weight: float = 0.2,
        dense_sources: tuple[str, ...] | None = ("hs22-en",),
        embedder: E5Embedder | None = None,
        classifier_path: Path | None = None,
        classifier_weight: float = 0.3,
        lexical_floor: float = 0.1,
        lexical_full: float = 0.1,
        latin_floor: float = 0.2,
        latin_full: float = 0.35,
    ) -> None:
        self.k = k
        self.temperature_dense = temperature_dense
        self.temperature_lexical = temperature_lexical
        self.dense_weight = dense_weight
        self.dense_sources = dense_sources
        self.embedder = embedder
        self.classifier_path = classifier_path
        self.classifier_weight = classifier_weight
        self.lexical_floor = lexical_floor
        self.lexical_full = lexical_full
        self.latin_floor = latin_floor
        self.latin_full = latin_full

    # ------------------------------------------------------------------------------------------
    def fit(self, reference: ReferenceSet) -> HSBridge:
        """Index the labelled reference texts.

        Parameters
        ----------
        reference : ReferenceSet
            Texts with HS4 or HS6 codes.

        Returns
        -------
        HSBridge
            ``self``.
        """
        if len(reference) == 0:
            raise ValueError("the HS bridge needs at least one reference text")
        codes = [c.strip() for c in reference.codes]
        self.hs4_ = np.array(sorted({c[:4] for c in codes}))
        self.hs6_ = np.array(sorted({c for c in codes if len(c) == 6}))
        pos4 = {c: i for i, c in enumerate(self.hs4_)}
        pos6 = {c: i for i, c in enumerate(self.hs6_)}
        n = len(codes)
        rows4 = np.arange(n)
        cols4 = np.array([pos4[c[:4]] for c in codes])
        self.y4_ = sp.csr_matrix((np.ones(n, np.float32), (rows4, cols4)), shape=(n, len(self.hs4_)))
        six = [(i, pos6[c]) for i, c in enumerate(codes) if len(c) == 6]
        r6 = np.array([i for i, _ in six], dtype=np.int64)
        c6 = np.array([j for _, j in six], dtype=np.int64)
        self.y6_ = sp.csr_matrix((np.ones(len(six), np.float32), (r6, c6)), shape=(n, len(self.hs6_)))
        self.n_reference_ = n
        self.reference_fingerprint_ = reference.fingerprint()

        self.lexical_ = LexicalEncoder(ngram_range=(2, 4), morpheme_weight=0.5, max_df=0.3)
        self.ref_lex_ = self.lexical_.fit_transform(reference.texts).T.tocsr()

        sources = [
            f"{s}-ko" if s == "kcs" and script_of(t) == "hangul" else s
            for s, t in zip(reference.sources, reference.texts, strict=True)
        ]
        keep = np.array([self.dense_sources is None or s in self.dense_sources for s in sources], dtype=bool)
        self.dense_rows_ = np.flatnonzero(keep)
        emb = self.embedder or E5Embedder()
        texts = [reference.texts[i] for i in self.dense_rows_]
        self.ref_dense_ = emb.embed(texts, "passage") if texts else np.zeros((0, 384), np.float32)

        self.classifier_: Any = None
        if self.classifier_path is not None:
            self.classifier_ = _load_classifier(self.classifier_path)
        return self

    # ------------------------------------------------------------------------------------------
    def _votes(self, sims: np.ndarray, rows: np.ndarray | None, temperature: float) -> tuple:
        idx, w = _softmax_topk(sims, self.k, temperature)
        if rows is not None:
            idx = rows[idx]
        n = sims.shape[0]
        mat = sp.csr_matrix(
            (w.ravel(), (np.repeat(np.arange(n), idx.shape[1]), idx.ravel())),
            shape=(n, self.n_reference_),
        )
        return mat, sims.max(axis=1) if sims.shape[1] else np.zeros(n)

    def transform(
        self, texts: Sequence[str], dense: np.ndarray | None = None, lexical: sp.csr_matrix | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """HS4 and HS6 distributions of ``texts``.

        Parameters
        ----------
        texts : sequence of str
        dense : ndarray of shape (n_texts, 384) or None
            The texts' e5 embeddings if already computed (either prefix works); else embedded as
            passages.
        lexical : sparse matrix or None
            Not used by callers outside this class; recomputed from ``texts``.

        Returns
        -------
        p4 : ndarray of shape (n_texts, n_hs4)
            Rows sum to 1 (0 for a text with no usable neighbour). Columns follow ``hs4_``.
        p6 : ndarray of shape (n_texts, n_hs6)
            The same for the six-digit subheadings in ``hs6_``.
        """
        n = len(texts)
        if dense is None:
            dense = (self.embedder or E5Embedder()).embed(list(texts), "passage")
        lex = self.lexical_.transform(list(texts))
        votes = sp.csr_matrix((n, self.n_reference_), dtype=np.float32)
        lex_best = np.zeros(n, np.float32)
        lex_votes = sp.csr_matrix((n, self.n_reference_), dtype=np.float32)
        chunk = 256
        lv_parts = []
        for start in range(0, n, chunk):
            sims = (lex[start : start + chunk] @ self.ref_lex_).toarray()
            part, best = self._votes(sims, None, self.temperature_lexical)
            lv_parts.append(part)
            lex_best[start : start + chunk] = best
        if lv_parts:
            lex_votes = sp.vstack(lv_parts, format="csr")
        dv_parts = []
        for start in range(0, n, chunk):
            sims = dense[start : start + chunk] @ self.ref_dense_.T
            part, _ = self._votes(sims, self.dense_rows_, self.temperature_dense)
            dv_parts.append(part)
        dense_votes = sp.vstack(dv_parts, format="csr") if dv_parts else votes
        # trust the lexical votes as far as the nearest lexical neighbour is a real match: character
        # n-grams of a Vietnamese text overlap English ones by chance (cosine ~0.1-0.2)
        latin = np.array([script_of(t) == "latin" for t in texts], dtype=bool)
        floor = np.where(latin, self.latin_floor, self.lexical_floor)
        span = np.maximum(np.where(latin, self.latin_full, self.lexical_full) - floor, 1e-6)
        ramp = np.clip((lex_best - floor) / span, 0, 1)
        wd = (1.0 - (1.0 - self.dense_weight) * ramp).astype(np.float32)
        votes = sp.diags(wd) @ dense_votes + sp.diags(1.0 - wd) @ lex_votes
        p4 = np.asarray((votes @ self.y4_).todense(), dtype=np.float32)
        p6 = np.asarray((votes @ self.y6_).todense(), dtype=np.float32)
        if self.classifier_ is not None:
            p4, p6 = self._mix_classifier(texts, p4, p6)
        p6_sum = p6.sum(axis=1, keepdims=True)
        p6_sum[p6_sum == 0] = 1.0
        return p4, p6 / p6_sum

    def _mix_classifier(
        self, texts: Sequence[str], p4: np.ndarray, p6: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        pos4 = {c: i for i, c in enumerate(self.hs4_)}
        pos6 = {c: i for i, c in enumerate(self.hs6_)}
        c4 = np.zeros_like(p4)
        c6 = np.zeros_like(p6)
        try:
            preds = self.classifier_.predict_top(list(texts), k=5)
        except Exception as exc:  # an optional signal must never break matching
            log.warning("HS classifier failed, bridge continues without it: %s", exc)
            return p4, p6
        for i, pred in enumerate(preds):
            for code, prob in _iter_predictions(pred):
                code = "".join(ch for ch in str(code) if ch.isdigit())
                if len(code) >= 6 and code[:6] in pos6:
                    c6[i, pos6[code[:6]]] += prob
                if len(code) >= 4 and code[:4] in pos4:
                    c4[i, pos4[code[:4]]] += prob
        w = self.classifier_weight
        return (1 - w) * p4 + w * c4, (1 - w) * p6 + w * c6

    def chapters(self, p4: np.ndarray) -> np.ndarray:
        """Sum HS4 distributions (rows) up to the chapters (HS2) in ``hs2_``."""
        if not hasattr(self, "hs2_matrix_"):
            chapters = np.array([c[:2] for c in self.hs4_])
            self.hs2_ = np.array(sorted(set(chapters.tolist())))
            pos = {c: i for i, c in enumerate(self.hs2_)}
            self.hs2_matrix_ = sp.csr_matrix(
                (
                    np.ones(len(chapters), np.float32),
                    (np.arange(len(chapters)), [pos[c] for c in chapters]),
                ),
                shape=(len(chapters), len(self.hs2_)),
            )
        return np.asarray(p4 @ self.hs2_matrix_, dtype=np.float32)

    def top_codes(self, p4_row: np.ndarray, n: int = 3) -> list[tuple[str, float]]:
        """The ``n`` most likely headings of one distribution row, for explanations."""
        order = np.argsort(-p4_row)[:n]
        return [(str(self.hs4_[i]), round(float(p4_row[i]), 3)) for i in order if p4_row[i] > 0]


def _iter_predictions(pred: object) -> list[tuple[str, float]]:
    """Accept the shapes a top-k classifier may return: [(code, p)], [{"code":..,"score":..}]."""
    out: list[tuple[str, float]] = []
    if not isinstance(pred, list | tuple):
        return out
    for item in pred:
        if isinstance(item, dict):
            code = item.get("hs6") or item.get("code") or item.get("hs_code")
            prob = item.get("probability", item.get("score", item.get("confidence", 0.0))) or 0.0
        elif isinstance(item, list | tuple) and len(item) >= 2:
            code, prob = item[0], item[1]
        else:
            code, prob = getattr(item, "code", None), getattr(item, "probability", 0.0)
        if code is not None:
            try:
                out.append((str(code), float(prob)))
            except (TypeError, ValueError):
                continue
    return out


def _load_classifier(path: Path) -> object | None:
    """The trained HS classifier at ``path``, or ``None`` when it is missing or not importable."""
    if not Path(path).exists():
        return None
    try:
        from exportpilot.products.hs_classifier import HSClassifier

        return HSClassifier.load(path)
    except Exception as exc:  # an optional component: any failure means it is not used
        log.warning("HS classifier at %s not usable: %s", path, exc)
        return None


_BRIDGE_FORMAT = 1
_LOADED: dict[tuple[Path, Path | None], HSBridge] = {}


def load_or_fit_bridge(bridge: HSBridge, reference: ReferenceSet, cache_dir: Path | None) -> HSBridge:
    """Fit ``bridge`` on ``reference``, or load the same fitted bridge from the cache folder.

    The file name hashes the reference texts and the bridge's parameters, so a change of either
    fits anew. The classifier is never pickled: it is re-loaded from its own folder.

    Parameters
    ----------
    bridge : HSBridge
        Unfitted bridge with its parameters (its embedder is used for the reference texts).
    reference : ReferenceSet
    cache_dir : Path or None
        ``None`` always fits.

    Returns
    -------
    HSBridge
        Fitted.
    """
    params = {
        k: getattr(bridge, k)
        for k in (
            "k",
            "temperature_dense",
            "temperature_lexical",
            "dense_weight",
            "dense_sources",
            "lexical_floor",
            "lexical_full",
            "latin_floor",
            "latin_full",
        )
    }
    key = hashlib.sha1(
        json.dumps([_BRIDGE_FORMAT, reference.fingerprint(), params], default=str).encode()
    ).hexdigest()[:16]
    path = None if cache_dir is None else Path(cache_dir).parent / f"bridge-{key}.pkl"
    if path is not None and (path, bridge.classifier_path) in _LOADED:
        return _LOADED[(path, bridge.classifier_path)]
    if path is not None and path.is_file():
        try:
            with path.open("rb") as fh:
                state = pickle.load(fh)
            embedder, classifier_path = bridge.embedder, bridge.classifier_path
            bridge.__dict__.update(state)
            bridge.embedder, bridge.classifier_path = embedder, classifier_path
            bridge.classifier_ = _load_classifier(classifier_path) if classifier_path is not None else None
            _remember(path, bridge)
            return bridge
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError) as exc:
            log.warning("bridge cache %s unreadable, fitting again: %s", path, exc)
    log.warning(
        "fitting the HS bridge on %d reference texts (seconds; cached afterwards under the var folder)",
        len(reference),
    )
    bridge.fit(reference)
    if path is not None:
        state = {k: v for k, v in bridge.__dict__.items() if k not in ("embedder", "classifier_")}
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as fh:
            pickle.dump(state, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        _remember(path, bridge)
    return bridge


def _remember(path: Path, bridge: HSBridge) -> None:
    """Keep the last loaded bridges in memory: a service fits a matcher per corpus, not a bridge."""
    _LOADED[(path, bridge.classifier_path)] = bridge
    while len(_LOADED) > 2:
        _LOADED.pop(next(iter(_LOADED)))
