"""ExportPilot: an open-source AI export secretary."""

__version__ = "0.1.0"
