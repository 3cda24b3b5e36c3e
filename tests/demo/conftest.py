"""Shared fixtures of the demo-data tests: the default data set is generated once per session."""

from __future__ import annotations

import pytest

from exportpilot.demo.generator import DemoData, generate_demo


@pytest.fixture(scope="session")
def demo_data() -> DemoData:
    """The demo data set with the default seed and sizes."""
    return generate_demo()
