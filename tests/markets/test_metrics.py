"""Back-test metrics on a tiny example computed by hand."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from exportpilot.markets.metrics import ndcg_at_k, new_market_precision_at_k


@pytest.fixture
def lists() -> pd.DataFrame:
    # Two lists (exporter 0 and 1, product 0). USD; gains and past/future means as the back-test defines them.
    return pd.DataFrame(
        {
            "exporter_id": [0, 0, 0, 0, 1, 1, 1],
            "product_id": [0] * 7,
            "importer_id": [1, 2, 3, 4, 1, 2, 3],
            "gain": [0.0, 3e6, 1e6, 2e6, 5e6, 0.0, 0.0],
            "m0": [4.0, 3.0, 2.0, 1.0, 1.0, 2.0, 3.0],
            "x_mean": [5e6, 0.05e6, 0.2e6, 0.0, 0.0, 0.01e6, 0.0],
            "future_mean": [4e6, 3.05e6, 1.2e6, 2e6, 5e6, 0.0, 0.5e6],
        }
    )


class TestNdcg:
    def test_hand_computed(self, lists: pd.DataFrame) -> None:
        score = np.array([4, 3, 2, 1, 1, 2, 3], dtype=float)
        ndcg = ndcg_at_k(lists, score, k=2)
        # List 0 ranks partners 1, 2 first: DCG = 0/log2(2) + 3e6/log2(3); ideal = 3e6 + 2e6/log2(3).
        assert ndcg.loc[(0, 0)] == pytest.approx((3e6 / math.log2(3)) / (3e6 + 2e6 / math.log2(3)))
        # List 1 ranks partner 3, 2, 1: the only gain is third, outside the top 2.
        assert ndcg.loc[(1, 0)] == 0.0

    def test_perfect_and_skips_lists_without_growth(self, lists: pd.DataFrame) -> None:
        ndcg = ndcg_at_k(lists, lists["gain"].to_numpy(), k=10)
        assert ndcg.tolist() == [1.0, 1.0]
        assert len(ndcg_at_k(lists, lists["gain"].to_numpy(), min_total_gain=5.5e6)) == 1

    def test_ties_broken_by_import_demand(self, lists: pd.DataFrame) -> None:
        ndcg = ndcg_at_k(lists, np.zeros(len(lists)), k=1)
        # All tied: partner 1 of list 0 has the largest demand (gain 0); partner 3 of list 1 (gain 0).
        assert ndcg.tolist() == [0.0, 0.0]


class TestNewMarketPrecision:
    def test_hand_computed(self, lists: pd.DataFrame) -> None:
        score = np.array([4, 3, 2, 1, 1, 2, 3], dtype=float)
        precision = new_market_precision_at_k(lists, score, k=2)
        # List 0: candidates (< 0.1 M) are partners 2 (0.05 M) and 4 (0); both reach >= 1 M: 2 of 2.
        # List 1: candidates 1, 2, 3; only partner 1 reaches 1 M, ranked third: 0 of 2.
        assert precision.loc[(0, 0)] == 1.0
        assert precision.loc[(1, 0)] == 0.0
        assert new_market_precision_at_k(lists, score, k=3).loc[(1, 0)] == pytest.approx(1 / 3)
