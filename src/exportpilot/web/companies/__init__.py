"""Web pages: companies."""
