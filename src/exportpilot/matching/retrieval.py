"""Text retrieval for matching: the cross-lingual text engine (default), or a lexical one.

The engine (``matching/text.py``, ``TextMatcher``) is fitted once per corpus and kept in memory, keyed
by the corpus texts. A corpus with stable ids (the products, the buyers' texts) keeps its e5 vectors in
the vector index (:class:`~exportpilot.matching.vectors.CorpusVectors`: pgvector on PostgreSQL, a
usearch file under the var folder otherwise), so a new process or a changed product embeds only what
is new. ``EXPORTPILOT_MATCHING_RETRIEVAL=lexical`` uses character n-gram TF-IDF instead (also fitted
once per corpus); every result says which retriever ranked it.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
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
_engine_lock = threading.Lock()  # one engine fit at a time (the lexical cache stays available)


@dataclass(frozen=True)
class Corpus:
    """Texts to search, with what lets their vectors persist.

    Attributes
    ----------
    texts : list of str
    keys : list of int or None
        A stable id per text (e.g. the product id); with ``name`` and ``database_url``, the engine
        keeps the texts' vectors in the vector index.
    name : str or None
        The index's corpus name (``"products"``, ``"buyer_texts"``).
    database_url : str or None
        The database the texts come from.
    hs_codes : list or None
        The known HS code(s) of each text (a code, a list of codes or ``None``), used by the engine's
        HS bridge and kept in the index.
    dense_texts : list of str or None
        What the engine embeds for each text when it differs from ``texts`` (e.g. without the
        appended HS descriptions, which the known codes already give to the HS bridge).
    """

    texts: list[str]
    keys: list[int] | None = None
    name: str | None = None
    database_url: str | None = None
    hs_codes: list[str | list[str] | None] | None = field(default=None)
    dense_texts: list[str] | None = None


def _corpus_key(corpus: Sequence[str], extra: Sequence[object] = ()) -> str:
    h = hashlib.sha1("\x1e".join(corpus).encode())
    if extra:
        h.update("\x1f".join(map(str, extra)).encode())
    return h.hexdigest()


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


def engine_enabled() -> bool:
    """Whether matching ranks with the text engine (else lexical)."""
    return _engine() is not None


def _fitted_matcher(matcher_cls: Any, corpus: Corpus) -> Any:
    key = "engine:" + _corpus_key(corpus.texts, [*(corpus.hs_codes or ()), *(corpus.dense_texts or ())])
    with _lock:
        if key in _fitted:
            _fitted.move_to_end(key)
            return _fitted[key]
    with _engine_lock:
        with _lock:
            if key in _fitted:  # fitted by another thread meanwhile
                return _fitted[key]
        dense = None
        if corpus.keys is not None and corpus.name and corpus.database_url:
            from exportpilot.matching.vectors import CorpusVectors

            try:
                codes = corpus.hs_codes or [None] * len(corpus.texts)
                dense = CorpusVectors(corpus.name, corpus.database_url).sync(
                    corpus.keys,
                    corpus.dense_texts if corpus.dense_texts is not None else corpus.texts,
                    {"hs_code": [" ".join(c) if isinstance(c, list | tuple) else c for c in codes]},
                )
            except Exception as exc:  # a broken index must not stop matching; the log says why
                log.warning("%s vectors not persisted, embedded in memory: %s", corpus.name, exc)
        if dense is None and corpus.dense_texts is not None:
            from exportpilot.matching.text_embed import E5Embedder

            dense = E5Embedder().embed(corpus.dense_texts, "passage")
        meta = [{"hs_code": c} for c in corpus.hs_codes] if corpus.hs_codes is not None else None
        if dense is None and meta is None:
            matcher = matcher_cls().fit(list(corpus.texts))
        else:
            matcher = matcher_cls().fit(list(corpus.texts), corpus_meta=meta, corpus_dense=dense)
        with _lock:
            _fitted[key] = matcher
            while len(_fitted) > _CACHE_SIZE:
                _fitted.popitem(last=False)
        return matcher


def prepare(corpus: Corpus) -> None:
    """Fit the engine on ``corpus`` now (persisting its vectors), so that the first match is fast."""
    matcher_cls = _engine()
    if matcher_cls is not None and corpus.texts:
        _fitted_matcher(matcher_cls, corpus)


def _engine_scores(matcher_cls: Any, query: str, corpus: Corpus) -> list[float]:
    """The engine's score of every corpus text, scaled to 0-1 over the corpus (it fuses z-scores)."""
    n = len(corpus.texts)
    result = _fitted_matcher(matcher_cls, corpus).search([query], top=n)
    raw = np.full(n, np.nan)
    for index, score in result[0]:
        raw[int(index)] = float(score)
    if np.isnan(raw).all():
        return [0.0] * n
    low, high = np.nanmin(raw), np.nanmax(raw)
    scaled = (raw - low) / (high - low) if high > low else np.ones_like(raw)
    return [0.0 if np.isnan(s) else float(s) for s in scaled]


def text_scores(query: str, corpus: Sequence[str] | Corpus) -> tuple[list[float], str]:
    """Similarity of ``query`` to each text of ``corpus`` (0-1), and the name of the retriever used."""
    if not isinstance(corpus, Corpus):
        corpus = Corpus(list(corpus))
    matcher_cls = _engine()
    if matcher_cls is not None and corpus.texts:
        try:
            return _engine_scores(matcher_cls, query, corpus), ENGINE
        except (AttributeError, TypeError, KeyError, IndexError, ValueError) as exc:
            log.warning("the text engine's API is not the one expected (%s); using lexical retrieval", exc)
    return lexical_scores(query, corpus.texts), LEXICAL


def relative(scores: Sequence[float]) -> list[float]:
    """Scores divided by the best one, so the best text match is 1 and the rest are relative to it."""
    top = max(scores, default=0.0)
    if top <= 0:
        return [0.0 for _ in scores]
    return [float(s) for s in np.asarray(scores, dtype=float) / top]
