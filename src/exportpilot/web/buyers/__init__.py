"""Web pages: buyers."""
