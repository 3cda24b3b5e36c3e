"""Export-market recommendation: the learned ``MarketRecommender``, its baselines, what-if scenarios and the
back-test harness."""

import os

# LightGBM's OpenMP threads spin while they wait for work by default. On a machine whose cores are shared with
# other jobs, two spinning threads burned 3-4x the CPU of the training itself (74 s instead of 20 s on 1.2 M
# rows, `markets rank` at load 4-8); waiting passively costs nothing measurable on an idle machine. It must be
# set before the OpenMP runtime is loaded, i.e. before ``markets.recommender`` imports lightgbm; a value the
# user set wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
