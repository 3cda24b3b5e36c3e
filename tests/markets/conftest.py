"""The markets tests reuse the trade fixtures (a small real trade folder)."""

from __future__ import annotations

from pathlib import Path

import pytest

from exportpilot.markets.recommender import MarketRecommender
from exportpilot.trade.panel import TradePanel
from tests.trade.conftest import shared_trade, small_trade_dir, write_small_trade_dir  # noqa: F401

#: A small, fast model for tests: the same code path as the default, fewer trees.
FAST = {"n_estimators": 20, "train_years": 2, "sample_inactive": 0.2}


@pytest.fixture(scope="session")
def small_panel(small_trade_dir: Path) -> TradePanel:  # noqa: F811
    return TradePanel.from_trade_dir(small_trade_dir)


@pytest.fixture(scope="session")
def fitted_2012(small_panel: TradePanel) -> MarketRecommender:
    """A recommender fitted as of 2012 on the small folder (shared: fitting is the slow part)."""
    return MarketRecommender(as_of_year=2012, **FAST).fit(small_panel.restricted(2012))
