from __future__ import annotations

import numpy as np
import pandas as pd

from exportpilot.markets.features import FEATURES, KEYS, build_features, dimension
from exportpilot.trade.panel import TradePanel


def test_restricting_the_candidates_does_not_change_their_features(small_panel: TradePanel) -> None:
    """Bilateral totals, RCA, density … use every product even when one exporter × product is asked for."""
    everything = build_features(small_panel, [2012])
    one = build_features(small_panel, [2012], exporters=["KOR"], products=["Machines"])
    kor = int(np.flatnonzero(dimension(small_panel, "country") == "KOR")[0])
    machines = int(np.flatnonzero(dimension(small_panel, "product") == "Machines")[0])
    assert set(one["exporter_id"]) == {kor} and set(one["product_id"]) == {machines} and len(one) > 30
    same = everything[(everything["exporter_id"] == kor) & (everything["product_id"] == machines)]
    pd.testing.assert_frame_equal(
        one[KEYS + FEATURES].reset_index(drop=True), same[KEYS + FEATURES].reset_index(drop=True)
    )
