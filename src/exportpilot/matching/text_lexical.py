"""Lexical signals: character n-gram TF-IDF, with Korean morphemes from ``kiwipiepy`` for Hangul texts.

Character n-grams match inflected and misspelled words within a script; for Korean, Kiwi's
morphological analysis splits compounds (``양고기`` → ``양 고기``) and drops particles and endings,
so two Korean texts about the same product share their content morphemes.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Sequence
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.feature_extraction.text import TfidfVectorizer

from exportpilot.matching.text_reference import HANGUL

_kiwi = None
_kiwi_lock = threading.Lock()
# content morphemes: nouns, roots, foreign words, numbers glued to units are dropped as noise
_KEEP_TAGS = ("NNG", "NNP", "XR", "SL", "SH", "VV", "VA")


def _get_kiwi() -> Any:
    global _kiwi
    with _kiwi_lock:
        if _kiwi is None:
            from kiwipiepy import Kiwi

            _kiwi = Kiwi(num_workers=1)
        return _kiwi


def normalize(text: str) -> str:
    """NFKC, lower case, digits kept, punctuation turned into spaces."""
    t = unicodedata.normalize("NFKC", text).lower()
    t = re.sub(r"[^\w\s]", " ", t)
    return " ".join(t.split())


def korean_morphemes(texts: Sequence[str]) -> list[str]:
    """Content morphemes of each text (Kiwi) for texts with Hangul, ``""`` for the others.

    Parameters
    ----------
    texts : sequence of str

    Returns
    -------
    list of str
        Space-separated morphemes, e.g. ``"뼈 없 어리 양 고기 신선 냉장"``.
    """
    out = [""] * len(texts)
    idx = [i for i, t in enumerate(texts) if HANGUL.search(t)]
    if not idx:
        return out
    kiwi = _get_kiwi()
    with _kiwi_lock:
        results = kiwi.tokenize([texts[i] for i in idx])
        for i, tokens in zip(idx, results, strict=True):
            out[i] = " ".join(tok.form.lower() for tok in tokens if tok.tag in _KEEP_TAGS)
    return out


class LexicalEncoder:
    """Sparse, L2-normalised lexical vectors: character n-grams plus Korean morphemes.

    Parameters
    ----------
    ngram_range : tuple of int
        Character n-gram lengths (within word boundaries).
    morpheme_weight : float
        Weight of the Korean-morpheme block relative to the character block (0 disables Kiwi).
    max_df : float
        Ignore n-grams found in more than this share of the fitted texts (too common to tell apart).
    """

    def __init__(
        self, ngram_range: tuple[int, int] = (2, 4), morpheme_weight: float = 0.5, max_df: float = 0.5
    ) -> None:
        self.ngram_range = ngram_range
        self.morpheme_weight = morpheme_weight
        self.max_df = max_df

    def fit(self, texts: Sequence[str]) -> LexicalEncoder:
        """Learn the vocabularies and IDF weights from ``texts``."""
        self._fit(texts)
        return self

    def _fit(self, texts: Sequence[str]) -> tuple[sp.csr_matrix | None, sp.csr_matrix | None]:
        """Fit and return the unweighted blocks of ``texts`` (one pass over the n-grams)."""
        norm = [normalize(t) for t in texts]
        self.char_ = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=self.ngram_range,
            sublinear_tf=True,
            max_df=self.max_df if len(norm) > 20 else 1.0,
            min_df=1,
            dtype=np.float32,
        )
        chars = self.char_.fit_transform(norm) if any(norm) else None
        if chars is None:
            self.char_.fit(["_"])
        self.morph_ = None
        morph_block = None
        if self.morpheme_weight > 0:
            morph = korean_morphemes(texts)
            if any(morph):
                self.morph_ = TfidfVectorizer(analyzer=str.split, sublinear_tf=True, dtype=np.float32)
                morph_block = self.morph_.fit_transform(morph)
        return chars, morph_block

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Lexical vectors of ``texts`` (rows L2-normalised; a text with no known n-gram is zero)."""
        norm = [normalize(t) for t in texts]
        if not norm:
            width = len(self.char_.vocabulary_) + (len(self.morph_.vocabulary_) if self.morph_ else 0)
            return sp.csr_matrix((0, width), dtype=np.float32)
        chars = self.char_.transform(norm)
        morph = self.morph_.transform(korean_morphemes(texts)) if self.morph_ is not None else None
        return self._combine(chars, morph)

    def _combine(self, chars: sp.csr_matrix, morph: sp.csr_matrix | None) -> sp.csr_matrix:
        blocks = [chars]
        if morph is not None:
            blocks.append(morph * np.float32(self.morpheme_weight))
        x = sp.hstack(blocks, format="csr", dtype=np.float32)
        norms = np.sqrt(np.asarray(x.multiply(x).sum(axis=1)).ravel())
        norms[norms == 0] = 1.0
        return sp.csr_matrix(sp.diags(1.0 / norms).astype(np.float32) @ x)

    def fit_transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Fit on ``texts`` and return their vectors (the same as ``fit(texts).transform(texts)``)."""
        chars, morph = self._fit(texts)
        if chars is None:
            return self.transform(texts)
        if self.morph_ is not None and morph is None:
            morph = self.morph_.transform(korean_morphemes(texts))
        return self._combine(chars, morph)
