"""Writes of the catalogue (ARCHITECTURE.md convention 1), one module per subject."""
