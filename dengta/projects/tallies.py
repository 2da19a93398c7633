"""What the projects app reports to the per-region tallies (dengta.core.tallies.changed).

FUNDS: the ledger moved money: envelopes opened, a subsidy committed, released, paid, or an entry reversed
(dengta.projects.services.ledger, every writer of envelope and funding totals).
"""

from __future__ import annotations

FUNDS = "projects.funds"
