"""Pages of the catalogue, one module per subject (pools and governance, products, the public catalogue,
the enterprise's recommendations and quotes)."""
