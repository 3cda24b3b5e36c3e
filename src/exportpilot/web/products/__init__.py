"""Web pages: products."""
