"""Generated demo data, NOT real: Korean SMEs with products, overseas buyers, demo users.

``generate_demo()`` builds the data set deterministically from a seed; ``load_demo()`` writes it to the
database, replacing any earlier demo data (``exportpilot demo load``).
"""

from exportpilot.demo.generator import DEMO_PASSWORD, DemoData, generate_demo
from exportpilot.demo.loader import load_demo

__all__ = ["DEMO_PASSWORD", "DemoData", "generate_demo", "load_demo"]
