"""Web pages: auth."""
