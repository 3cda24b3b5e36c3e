"""Text retrieval for matching: the cross-lingual text engine when it is installed, else a lexical one.

The engine (``matching/text.py``, ``TextMatcher``: ``fit(corpus)``, ``search(queries, top)``) is
imported lazily and fitted once per corpus (kept in memory, keyed by the corpus texts), so matching
works without it, on character n-gram TF-IDF (also fitted once per corpus), and every result says which
retriever ranked it.
``EXPORTPILOT_MATCHING_RETRIEVAL=lexical`` turns the engine off.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any, cast

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from exportpilot.config import get_settings

log = logging.getLogger(__name__)

LEXICAL = "lexical"
ENGINE = "text-engine"
_CACHE_SIZE = 4
_fitted: OrderedDict[str, Any] = OrderedDict()
_lock = threading.Lock()


def _corpus_key(corpus: Sequence[str]) -> str:
    return hashlib.sha1("\x1e".join(corpus).encode()).hexdigest()


def _lexical_index(corpus: Sequence[str]) -> tuple[TfidfVectorizer, Any] | None:
    """The corpus's TF-IDF vectoriser and matrix, fitted once per corpus (the same texts match often)."""
    key = "lexical:" + _corpus_key(corpus)
    with _lock:
        if key in _fitted:
            _fitted.move_to_end(key)
            return cast(tuple[TfidfVectorizer, Any] | None, _fitted[key])
    vectorizer = TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 4), sublinear_tf=True, lowercase=True)
    try:
        index: tuple[TfidfVectorizer, Any] | None = (vectorizer, vectorizer.fit_transform(list(corpus)))
    except ValueError:  # nothing but empty texts
        index = None
    with _lock:
        _fitted[key] = index
        while len(_fitted) > _CACHE_SIZE:
            _fitted.popitem(last=False)
    return index


def lexical_scores(query: str, corpus: Sequence[str]) -> list[float]:
    """Cosine similarity of ``query`` to each corpus text on character 2-4-grams (any script)."""
    if not corpus:
        return []
    index = _lexical_index(corpus)
    if index is None or not query.strip():
        return [0.0] * len(corpus)
    vectorizer, matrix = index
    scores = (matrix @ vectorizer.transform([query]).T).toarray().ravel()
    return [float(s) for s in scores]


def _engine() -> Any | None:
    if get_settings().matching_retrieval == LEXICAL:
        return None
    try:
        from exportpilot.matching import text
    except ImportError:
        return None
    return getattr(text, "TextMatcher", None)


def _fitted_matcher(matcher_cls: Any, corpus: Sequence[str]) -> Any:
    key = "engine:" + _corpus_key(corpus)
    with _lock:
        if key in _fitted:
            _fitted.move_to_end(key)
            return _fitted[key]
        matcher = matcher_cls().fit(list(corpus))
        _fitted[key] = matcher
        while len(_fitted) > _CACHE_SIZE:
            _fitted.popitem(last=False)
        return matcher


def _engine_scores(matcher_cls: Any, query: str, corpus: Sequence[str]) -> list[float]:
    """The engine's score of every corpus text, scaled to 0-1 over the corpus (it fuses z-scores)."""
    result = _fitted_matcher(matcher_cls, corpus).search([query], top=len(corpus))
    raw = np.full(len(corpus), np.nan)
    for index, score in result[0]:
        raw[int(index)] = float(score)
    if np.isnan(raw).all():
        return [0.0] * len(corpus)
    low, high = np.nanmin(raw), np.nanmax(raw)
    scaled = (raw - low) / (high - low) if high > low else np.ones_like(raw)
    return [0.0 if np.isnan(s) else float(s) for s in scaled]


def text_scores(query: str, corpus: Sequence[str]) -> tuple[list[float], str]:
    """Similarity of ``query`` to each text of ``corpus`` (0-1), and the name of the retriever used."""
    matcher_cls = _engine()
    if matcher_cls is not None and corpus:
        try:
            return _engine_scores(matcher_cls, query, corpus), ENGINE
        except (AttributeError, TypeError, KeyError, IndexError, ValueError) as exc:
            log.warning("the text engine's API is not the one expected (%s); using lexical retrieval", exc)
    return lexical_scores(query, corpus), LEXICAL


def relative(scores: Sequence[float]) -> list[float]:
    """Scores divided by the best one, so the best text match is 1 and the rest are relative to it."""
    top = max(scores, default=0.0)
    if top <= 0:
        return [0.0 for _ in scores]
    return [float(s) for s in np.asarray(scores, dtype=float) / top]
