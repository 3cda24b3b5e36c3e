"""Export-market recommendation: the learned ``MarketRecommender``, its baselines, what-if scenarios and the
back-test harness."""
