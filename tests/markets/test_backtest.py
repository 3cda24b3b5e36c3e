from __future__ import annotations

import numpy as np
import pandas as pd

from exportpilot.markets.backtest import RECOMMENDER, margins, run_backtest
from exportpilot.markets.baselines import BASELINES
from exportpilot.trade.panel import TradePanel
from tests.markets.conftest import FAST


def test_backtest_table_has_every_method(small_panel: TradePanel) -> None:
    table = run_backtest(small_panel, [2010], scopes={"KOR": ["KOR"], "ALL": None}, params=FAST)
    assert set(table["method"]) == {RECOMMENDER, *BASELINES}
    assert set(table["scope"]) == {"KOR", "ALL"}
    kor = table[table["scope"] == "KOR"]
    assert (kor["lists"] > 10).all() and (kor["lists"] == kor["lists"].iloc[0]).all()
    assert table["ndcg_at_10"].between(0, 1).all()
    lead = margins(table)
    assert len(lead) == 2
    row = lead.iloc[0]
    best = table[(table["scope"] == row["scope"]) & (table["method"] != RECOMMENDER)]["ndcg_at_10"].max()
    assert np.isclose(row["ndcg_at_10_best_baseline"], best)


def test_margins_picks_the_best_baseline() -> None:
    table = pd.DataFrame(
        [
            {
                "as_of": 2006,
                "scope": "ALL",
                "method": RECOMMENDER,
                "ndcg_at_10": 0.7,
                "precision_new_at_10": 0.2,
            },
            {
                "as_of": 2006,
                "scope": "ALL",
                "method": "persistence",
                "ndcg_at_10": 0.65,
                "precision_new_at_10": 0.1,
            },
            {
                "as_of": 2006,
                "scope": "ALL",
                "method": "demand",
                "ndcg_at_10": 0.4,
                "precision_new_at_10": 0.15,
            },
        ]
    )
    row = margins(table).iloc[0]
    assert row["ndcg_at_10_best_baseline_name"] == "persistence"
    assert np.isclose(row["ndcg_at_10_lead"], 0.05)
    assert row["precision_new_at_10_best_baseline_name"] == "demand"
    assert np.isclose(row["precision_new_at_10_lead"], 0.05)
