"""Grouped cross-validation of the HS classifier against a character TF-IDF nearest-neighbour baseline.

Folds are grouped by :func:`~exportpilot.products.hs_text.group_key`, so near-identical texts (the
same words, other model numbers) never sit on both sides of a split. Every choice the classifier
makes from data (the re-ranker, its calibration, the review threshold) is made inside
:meth:`HSClassifier.fit` on the training folds only; the test fold is seen once, to be scored.

A hit at level L (2, 4 or 6 digits) within the top k means that one of the first k suggested HS6
codes starts with the right L digits.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.model_selection import GroupKFold

from exportpilot.products.hs_data import NomenclatureLine
from exportpilot.products.hs_text import check_text, group_key, script_group

LEVELS = (2, 4, 6)
TOPS = (1, 5)
SUBSETS = ("all", "korean", "latin")


class TfidfKnnBaseline:
    """Character TF-IDF nearest neighbours: codes ranked by the cosine of their nearest training text.

    Parameters
    ----------
    ngram_range : tuple of int, default=(2, 5)
        Character n-grams (``char_wb``) of the TF-IDF.
    """

    def __init__(self, ngram_range: tuple[int, int] = (2, 5)) -> None:
        self.ngram_range = ngram_range

    def fit(self, texts: Sequence[str], codes: Sequence[str]) -> TfidfKnnBaseline:
        """Index the training texts."""
        self.vectorizer_ = TfidfVectorizer(
            analyzer="char_wb", ngram_range=self.ngram_range, min_df=2, sublinear_tf=True, dtype=np.float32
        )
        self.matrix_ = self.vectorizer_.fit_transform(list(texts))
        self.codes_ = np.array([str(c)[:6] for c in codes])
        return self

    def predict_codes(self, texts: Sequence[str], k: int = 5) -> list[list[str]]:
        """Return the ``k`` codes of the nearest distinct-code training texts, nearest first."""
        out: list[list[str]] = []
        queries = self.vectorizer_.transform(list(texts))
        for start in range(0, queries.shape[0], 1000):
            sims = (queries[start : start + 1000] @ self.matrix_.T).toarray()
            order = np.argsort(-sims, axis=1)[:, : 50 * k]
            for row in order:
                seen: list[str] = []
                for code in self.codes_[row]:
                    if code not in seen:
                        seen.append(code)
                        if len(seen) == k:
                            break
                out.append(seen)
        return out


def grouped_folds(
    texts: Sequence[str], n_splits: int = 5, random_state: int = 0
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Return ``(train, test)`` index pairs of a k-fold split grouped by near-identical text."""
    groups = np.array([group_key(t) for t in texts], dtype=object)
    splitter = GroupKFold(n_splits=n_splits, shuffle=True, random_state=random_state)
    return list(splitter.split(np.zeros(len(texts)), groups=groups))


def hits(ranked: Sequence[Sequence[str]], truth: Sequence[str]) -> dict[str, np.ndarray]:
    """Return boolean hit arrays keyed ``"hs6@1"``, ``"hs4@5"`` ...: one entry per text."""
    out: dict[str, np.ndarray] = {}
    for level in LEVELS:
        for k in TOPS:
            out[f"hs{level}@{k}"] = np.array(
                [
                    any(c[:level] == t[:level] for c in codes[:k])
                    for codes, t in zip(ranked, truth, strict=True)
                ]
            )
    return out


@dataclass
class CVReport:
    """Cross-validated scores of the classifier and of the baseline, per subset of texts.

    Attributes
    ----------
    scores : dict
        ``scores[system][subset][metric]`` = mean over the texts of all evaluated folds, where system
        is ``"model"`` or ``"baseline"``, subset ``"all"``, ``"korean"`` or ``"latin"``, metric
        ``"hs6@1"`` etc.
    fold_scores : dict
        ``fold_scores[system][metric]`` = the list of per-fold values on all texts.
    counts : dict
        Texts per subset (``"other"``: neither Korean nor Latin script, counted in ``"all"`` only).
    review : dict
        Share of texts not flagged for review and the top-1 accuracy among them.
    seconds : dict
        Train and predict time per fold.
    """

    folds: int
    evaluated_folds: list[int]
    scores: dict[str, dict[str, dict[str, float]]] = field(default_factory=dict)
    fold_scores: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    review: dict[str, float] = field(default_factory=dict)
    seconds: dict[str, list[float]] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        """Return the report as plain JSON-able data."""
        return {
            "folds": self.folds,
            "evaluated_folds": self.evaluated_folds,
            "scores": self.scores,
            "fold_scores": self.fold_scores,
            "counts": self.counts,
            "review": self.review,
            "seconds": self.seconds,
            "params": self.params,
        }


def cross_validate(
    texts: Sequence[str],
    codes: Sequence[str],
    *,
    folds: int = 5,
    only_folds: Sequence[int] | None = None,
    params: dict[str, Any] | None = None,
    nomenclature: Sequence[NomenclatureLine] | None = None,
    random_state: int = 0,
    progress: Callable[[str, float], None] | None = None,
) -> CVReport:
    """Cross-validate the HS classifier and :class:`TfidfKnnBaseline` on the same grouped folds.

    Parameters
    ----------
    texts, codes : sequence of str
        Labelled cases (codes of 6 digits or more).
    folds : int, default=5
        Number of grouped folds.
    only_folds : sequence of int, optional
        Evaluate only these folds (e.g. ``[0]`` for a quick run); default all.
    params : dict, optional
        Parameters of the classifier.
    nomenclature : sequence of NomenclatureLine, optional
        Passed to :meth:`HSClassifier.fit`.
    random_state : int, default=0
        Seed of the fold split.
    progress : callable, optional
        Called as ``progress(message, fraction_of_all_folds)``.

    Returns
    -------
    CVReport
    """
    from exportpilot.products.hs_classifier import HSClassifier  # lazily: the engine is heavy

    report = progress or (lambda message, fraction: None)
    params = dict(params or {})
    texts = [t if isinstance(t, str) else "" for t in texts]
    truth = [str(c).strip().replace(".", "")[:6] for c in codes]
    split = grouped_folds(texts, folds, random_state)
    chosen = list(only_folds) if only_folds is not None else list(range(folds))
    subset_of = np.array([script_group(check_text(t).text) for t in texts])
    collected: dict[str, dict[str, list[np.ndarray]]] = {"model": {}, "baseline": {}}
    idx_all: list[np.ndarray] = []
    reviewed: list[np.ndarray] = []
    top_right: list[np.ndarray] = []
    fold_scores: dict[str, dict[str, list[float]]] = {"model": {}, "baseline": {}}
    seconds: dict[str, list[float]] = {"train": [], "predict": [], "baseline": []}
    for n, f in enumerate(chosen):
        train, test = split[f]

        def on_fit(stage: str, fraction: float, n: int = n, f: int = f) -> None:
            report(f"fold {f + 1}/{folds}: {stage}", (n + 0.8 * fraction) / len(chosen))

        started = time.perf_counter()
        model = HSClassifier(**params).fit(
            [texts[i] for i in train], [truth[i] for i in train], nomenclature=nomenclature, progress=on_fit
        )
        seconds["train"].append(round(time.perf_counter() - started, 1))
        report(f"fold {f + 1}/{folds}: predicting", (n + 0.8) / len(chosen))
        started = time.perf_counter()
        preds = model.predict_top([texts[i] for i in test], k=5, explain=False)
        seconds["predict"].append(round(time.perf_counter() - started, 1))
        started = time.perf_counter()
        baseline = TfidfKnnBaseline().fit([texts[i] for i in train], [truth[i] for i in train])
        base_ranked = baseline.predict_codes([texts[i] for i in test], k=5)
        seconds["baseline"].append(round(time.perf_counter() - started, 1))
        test_truth = [truth[i] for i in test]
        for system, ranked in (
            ("model", [[c.hs6 for c in p.candidates] for p in preds]),
            ("baseline", base_ranked),
        ):
            for metric, values in hits(ranked, test_truth).items():
                collected[system].setdefault(metric, []).append(values)
                fold_scores[system].setdefault(metric, []).append(round(float(values.mean()), 4))
        idx_all.append(test)
        reviewed.append(np.array([p.needs_review for p in preds]))
        top_right.append(
            np.array([bool(p.top and p.top.hs6 == t) for p, t in zip(preds, test_truth, strict=True)])
        )
        report(f"fold {f + 1}/{folds}: done", (n + 1) / len(chosen))

    order = np.concatenate(idx_all)
    subsets = {"all": np.ones(len(order), bool)} | {s: subset_of[order] == s for s in SUBSETS[1:]}
    scores: dict[str, dict[str, dict[str, float]]] = {}
    for system, metrics in collected.items():
        scores[system] = {}
        for name, mask in subsets.items():
            scores[system][name] = {
                metric: round(float(np.concatenate(values)[mask].mean()), 4) if mask.any() else float("nan")
                for metric, values in metrics.items()
            }
    review = np.concatenate(reviewed)
    right = np.concatenate(top_right)
    return CVReport(
        folds=folds,
        evaluated_folds=chosen,
        scores=scores,
        fold_scores=fold_scores,
        counts={name: int(mask.sum()) for name, mask in subsets.items()}
        | {"other": int((subset_of[order] == "other").sum())},
        review={
            "auto_share": round(float((~review).mean()), 4),
            "auto_top1": round(float(right[~review].mean()), 4) if (~review).any() else float("nan"),
            "review_top1": round(float(right[review].mean()), 4) if review.any() else float("nan"),
        },
        seconds=seconds,
        params=HSClassifier(**params).get_params(),
    )
