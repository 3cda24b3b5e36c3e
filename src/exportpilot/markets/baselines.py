"""Formula baselines that the learned recommender must beat, each a score over a feature frame.

* ``persistence`` — the exporter's current exports to the partner (year T): "sell more where you sell".
* ``demand`` — the partner's total imports of the product (year T): "go where the market is big".
* ``log_mix`` — ``log(1 + exports) + log(1 + demand)``: both at once, equal weights in logs.
* ``itc_potential`` — the ITC Export Potential Map's formula at this data's level:
  ``supply × demand × ease`` with supply = the exporter's world market share in the product, demand = the
  partner's imports of the product × relative distance (the import-weighted mean distance of the partner's
  suppliers over the exporter's distance: ITC's market-access term without tariffs, which this data lacks),
  ease = actual exporter → partner trade in all products over what the two countries' shares of world
  trade predict.
* ``itc_untapped`` — ITC's untapped potential, ``max(0, potential - actual)``.

All are computed from year-T data only (the feature frame's ``*_0`` columns).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd


def persistence(frame: pd.DataFrame) -> np.ndarray:
    return frame["x0"].to_numpy(dtype=np.float64)


def demand(frame: pd.DataFrame) -> np.ndarray:
    return frame["m0"].to_numpy(dtype=np.float64)


def log_mix(frame: pd.DataFrame) -> np.ndarray:
    return np.log1p(frame["x0"].to_numpy(dtype=np.float64)) + np.log1p(frame["m0"].to_numpy(dtype=np.float64))


def itc_potential(frame: pd.DataFrame) -> np.ndarray:
    return frame["itc_potential"].to_numpy(dtype=np.float64)


def itc_untapped(frame: pd.DataFrame) -> np.ndarray:
    return frame["itc_untapped"].to_numpy(dtype=np.float64)


BASELINES: dict[str, Callable[[pd.DataFrame], np.ndarray]] = {
    "persistence": persistence,
    "demand": demand,
    "log_mix": log_mix,
    "itc_potential": itc_potential,
    "itc_untapped": itc_untapped,
}
