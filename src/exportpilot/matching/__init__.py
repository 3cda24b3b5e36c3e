"""Buyer–exporter matching: retrieval, re-ranking, explanations, introductions and outcomes."""
