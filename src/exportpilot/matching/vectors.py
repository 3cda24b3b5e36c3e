"""Persisted e5 vectors of the matching corpora (products, buyers' texts) in the vector index.

Embedding a catalogue is the slow part of the text engine (793 demo products: about 120,000 tokens).
:class:`CorpusVectors` keeps each text's ``passage:`` vector in the deployment's vector index —
``pgvector`` in the database when it is PostgreSQL with the ``vector`` extension, else a ``usearch``
index under ``<var_dir>/matching/index/`` — keyed by the row id (product id, ...) with a hash of the
text. :meth:`CorpusVectors.sync` brings the index up to date with the current texts incrementally: new
and changed texts are embedded, deleted rows removed, and a text already embedded under another id (a
demo reload gives products new ids) is reused, so only what changed is embedded.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import threading
import time
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from exportpilot.matching.index import PgVectorIndex, VectorIndex
from exportpilot.matching.text_embed import DIM, E5Embedder, clean_text

log = logging.getLogger(__name__)

_NAME = re.compile(r"^[a-z][a-z0-9_]{0,30}$")
_COLUMNS = {"text_hash": "text", "hs_code": "text"}
_lock = threading.Lock()
_pg_unavailable: set[str] = set()


def text_hash(text: str) -> str:
    """Short hash of a cleaned text: the index row is stale when it changes."""
    return hashlib.sha1(text.encode()).hexdigest()[:16]


@dataclass(frozen=True)
class SyncReport:
    """What :meth:`CorpusVectors.sync` did."""

    name: str
    backend: str
    rows: int
    embedded: int
    reused: int
    removed: int
    seconds: float

    @property
    def changed(self) -> bool:
        return bool(self.embedded or self.reused or self.removed)


class CorpusVectors:
    """The persisted vectors of one corpus.

    Parameters
    ----------
    name : str
        Corpus name (``"products"``, ``"buyer_texts"``): the table ``matching_<name>_vectors`` on
        PostgreSQL, the folder ``<var_dir>/matching/index/<database>/<name>/`` otherwise.
    database_url : str
        SQLAlchemy URL of the database the corpus comes from (with its password for PostgreSQL).
    var_dir : Path or None
        ``None``: ``Settings.var_dir``.
    embedder : E5Embedder or None
        ``None``: a new one without on-disk cache.
    """

    def __init__(
        self,
        name: str,
        database_url: str,
        var_dir: Path | None = None,
        embedder: E5Embedder | None = None,
    ) -> None:
        if not _NAME.match(name):
            raise ValueError(f"corpus name {name!r}: use lower-case letters, digits and _")
        self.name = name
        self.database_url = database_url
        self.var_dir = var_dir
        self.embedder = embedder
        self.last_report: SyncReport | None = None

    # -- backends ------------------------------------------------------------------------------
    def folder(self) -> Path:
        """The usearch folder of this corpus (used on SQLite, or when pgvector is unavailable)."""
        if self.var_dir is None:
            from exportpilot.config import get_settings

            var_dir = get_settings().var_dir
        else:
            var_dir = self.var_dir
        stem = re.sub(r"[^A-Za-z0-9_-]+", "-", self.database_url.rsplit("/", 1)[-1])[:40] or "db"
        digest = hashlib.sha1(self.database_url.encode()).hexdigest()[:8]
        return Path(var_dir) / "matching" / "index" / f"{stem}-{digest}" / self.name

    def _pg(self) -> PgVectorIndex | None:
        if not self.database_url.startswith(("postgresql", "postgres")):
            return None
        if self.database_url in _pg_unavailable:
            return None
        try:
            return PgVectorIndex(self.database_url, table=f"matching_{self.name}_vectors").open(_COLUMNS)
        except Exception as exc:  # no vector extension, or no right to create it: the file index works
            _pg_unavailable.add(self.database_url)
            log.warning(
                "pgvector is not available in this PostgreSQL database (%s); matching vectors are kept "
                "in a usearch index under %s instead",
                str(exc).splitlines()[0] if str(exc) else type(exc).__name__,
                self.folder().parent,
            )
            return None

    @property
    def backend(self) -> str:
        """``"pgvector"`` or ``"usearch"``."""
        return "pgvector" if self._pg() is not None else "usearch"

    def _read(self, pg: PgVectorIndex | None) -> tuple[np.ndarray, np.ndarray, pd.DataFrame]:
        empty = (np.zeros(0, np.int64), np.zeros((0, DIM), np.float32), pd.DataFrame(columns=list(_COLUMNS)))
        if pg is not None:
            return pg.rows()
        folder = self.folder()
        if not (folder / "params.json").is_file():
            return empty
        try:
            keys, vecs, meta = VectorIndex.load(folder).rows()
        except (OSError, ValueError, KeyError, RuntimeError) as exc:
            log.warning("matching index %s unreadable, rebuilding it: %s", folder, exc)
            return empty
        if "text_hash" not in meta.columns:
            return empty
        return keys, vecs, meta

    def _write_folder(self, keys: np.ndarray, vecs: np.ndarray, meta: pd.DataFrame) -> None:
        folder = self.folder()
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp = folder.with_name(f".{folder.name}.{uuid.uuid4().hex[:8]}.tmp")
        old = folder.with_name(f".{folder.name}.{uuid.uuid4().hex[:8]}.old")
        index = VectorIndex(ndim=DIM, threads=1).fit(vecs, meta.reset_index(drop=True), keys=keys)
        index.save(tmp)
        (tmp / "corpus.json").write_text(json.dumps({"name": self.name, "rows": len(keys)}))
        # swap folders: readers see the old or the new index, never half of one
        if folder.exists():
            os.replace(folder, old)
        os.replace(tmp, folder)
        shutil.rmtree(old, ignore_errors=True)

    # -- public --------------------------------------------------------------------------------
    def sync(
        self,
        keys: Sequence[int],
        texts: Sequence[object],
        meta: Mapping[str, Sequence[Any]] | None = None,
    ) -> np.ndarray:
        """Bring the index up to date with ``texts`` and return their vectors.

        Parameters
        ----------
        keys : sequence of int
            Unique non-negative id of each text (the rows of the corpus); rows of other keys are
            removed from the index.
        texts : sequence of str
            The current text of each key.
        meta : mapping, optional
            ``{"hs_code": [...]}``: stored with the vectors (filterable in the index).

        Returns
        -------
        ndarray of shape (len(texts), 384)
            L2-normalised ``passage:`` vectors (zero for empty texts), in the order of ``keys``.
        """
        started = time.perf_counter()
        cleaned = [clean_text(t) for t in texts]
        key_arr = np.asarray(list(keys), dtype=np.int64)
        if len(key_arr) != len(cleaned):
            raise ValueError("one key per text")
        if len(np.unique(key_arr)) != len(key_arr) or (len(key_arr) and key_arr.min() < 0):
            raise ValueError("keys must be unique and non-negative")
        hs = [
            "" if v is None or v != v else str(v)
            for v in ((meta or {}).get("hs_code") or [None] * len(cleaned))
        ]
        hashes = [text_hash(t) for t in cleaned]
        with _lock:
            pg = self._pg()
            old_keys, old_vecs, old_meta = self._read(pg)
            old_hash = old_meta["text_hash"].astype(str).tolist() if len(old_keys) else []
            by_key = {int(k): i for i, k in enumerate(old_keys)}
            by_hash = {h: i for i, h in enumerate(old_hash)}
            out = np.zeros((len(cleaned), DIM), np.float32)
            todo: dict[str, list[int]] = {}
            reused = 0
            changed: list[int] = []
            for i, (k, h, t) in enumerate(zip(key_arr.tolist(), hashes, cleaned, strict=True)):
                if not t:
                    continue
                j = by_key.get(k)
                if j is not None and old_hash[j] == h:
                    out[i] = old_vecs[j]
                    if str(old_meta["hs_code"].iloc[j] or "") != hs[i]:
                        changed.append(i)
                    continue
                changed.append(i)
                j = by_hash.get(h)
                if j is not None:
                    out[i] = old_vecs[j]
                    reused += 1
                else:
                    todo.setdefault(t, []).append(i)
            if todo:
                embedder = self.embedder or E5Embedder(cache_dir=None)
                new = embedder.embed(list(todo), "passage")
                for row, idxs in zip(new, todo.values(), strict=True):
                    out[idxs] = row
            live = {k for k, t in zip(key_arr.tolist(), cleaned, strict=True) if t}
            removed = [k for k in old_keys.tolist() if k not in live]
            if changed or removed:
                keep = np.array([bool(t) for t in cleaned], dtype=bool)
                if pg is not None:
                    pg.delete(removed)
                    pg.upsert(
                        key_arr[changed],
                        out[changed],
                        {"text_hash": [hashes[i] for i in changed], "hs_code": [hs[i] for i in changed]},
                    )
                else:
                    self._write_folder(
                        key_arr[keep],
                        out[keep],
                        pd.DataFrame(
                            {
                                "text_hash": [h for h, k in zip(hashes, keep, strict=True) if k],
                                "hs_code": [c for c, k in zip(hs, keep, strict=True) if k],
                            }
                        ),
                    )
        n_embedded = sum(len(v) for v in todo.values())
        self.last_report = SyncReport(
            name=self.name,
            backend="pgvector" if pg is not None else "usearch",
            rows=int(sum(1 for t in cleaned if t)),
            embedded=n_embedded,
            reused=reused,
            removed=len(removed),
            seconds=round(time.perf_counter() - started, 2),
        )
        if self.last_report.changed:
            log.info(
                "matching index %r (%s) was stale: %d texts embedded, %d reused from other rows, "
                "%d removed; %d rows now (%.1f s)",
                self.name,
                self.last_report.backend,
                n_embedded,
                reused,
                len(removed),
                self.last_report.rows,
                self.last_report.seconds,
            )
        return out
