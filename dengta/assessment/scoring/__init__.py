"""Pure scoring for digital-level frameworks: no Django imports (ARCHITECTURE.md convention 4)."""
