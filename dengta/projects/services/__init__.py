"""Writes of retrofit projects (ARCHITECTURE.md convention 1): filing and the project rules (``filing``), the
steps of the workflow (``steps``) and the subsidy ledger (``ledger``)."""
