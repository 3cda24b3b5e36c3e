"""Export consultation meetings: the scheduling engine (issue 5)."""
