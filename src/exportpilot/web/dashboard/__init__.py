"""Web pages: dashboard."""
