"""The markets tests reuse the trade fixtures (a small real trade folder)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from exportpilot.markets.recommender import MarketRecommender
from exportpilot.trade.panel import TradePanel
from tests.trade.conftest import shared_trade, small_trade_dir, write_small_trade_dir  # noqa: F401
from tests.web.conftest import web_login  # noqa: F401

#: A small, fast model for tests: the same code path as the default, fewer trees.
FAST = {"n_estimators": 20, "train_years": 2, "sample_inactive": 0.2}


@pytest.fixture(scope="session")
def small_panel(small_trade_dir: Path) -> TradePanel:  # noqa: F811
    return TradePanel.from_trade_dir(small_trade_dir)


@pytest.fixture(scope="session")
def fitted_2012(small_panel: TradePanel) -> MarketRecommender:
    """A recommender fitted as of 2012 on the small folder (shared: fitting is the slow part)."""
    return MarketRecommender(as_of_year=2012, **FAST).fit(small_panel.restricted(2012))


@pytest.fixture(scope="session")
def small_snapshot_dir(
    tmp_path_factory: pytest.TempPathFactory,
    small_panel: TradePanel,
    shared_trade: Path,  # noqa: F811
) -> Path:
    """A saved market model of the small folder, with the real HS4 tables of the shared folder."""
    from exportpilot.markets.store import build_snapshot, hs_tables_from_trade_dir

    groups, imports = hs_tables_from_trade_dir(shared_trade)
    folder = tmp_path_factory.mktemp("markets") / "model"
    build_snapshot(small_panel, folder, hs_groups=groups, hs4_imports=imports, params=FAST, source="tests")
    return folder


@pytest.fixture
def market_var_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, small_snapshot_dir: Path
) -> Iterator[Path]:
    """``EXPORTPILOT_VAR_DIR`` holding the small market model (as `exportpilot data load ots` leaves it)."""
    from exportpilot.config import get_settings

    var = tmp_path / "var"
    shutil.copytree(small_snapshot_dir, var / "markets" / "model")
    monkeypatch.setenv("EXPORTPILOT_VAR_DIR", str(var))
    get_settings.cache_clear()
    yield var
    get_settings.cache_clear()


@pytest.fixture
def empty_var_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """``EXPORTPILOT_VAR_DIR`` with no trade data and no market model."""
    from exportpilot.config import get_settings

    var = tmp_path / "var-empty"
    monkeypatch.setenv("EXPORTPILOT_VAR_DIR", str(var))
    get_settings.cache_clear()
    yield var
    get_settings.cache_clear()
