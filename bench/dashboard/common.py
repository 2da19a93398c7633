"""What every part of the dashboard benchmark shares: its constants (see the package docstring)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

Say = Callable[[str], None]

SEED = 20261208
SEED_MARK = "bench-dashboard"  # the plan of every application the bench approves: how it finds its pilots
SEED_USERNAME = "bench-dashboard-seed"  # no password, no membership: the creator of the generated rows
EXPERT_USERNAME = "bench-dashboard-expert"
ENTERPRISES_PER_PILOT = 2_000
MAX_PILOTS = 100
MIN_PILOTS = 6
POOL_SIZE = (200, 500)  # pool enterprises per pilot, when its city has that many
PROJECTS = (20, 60)  # retrofit projects per pilot whose envelopes are open
CHUNK = 20_000  # enterprises per assessment transaction (two rows each)
MAX_DRAWN = 400  # distinct answer sets, reused: the figures read levels, not answers
# Pilot cities that the filters measured below look at, then others drawn at random.
FIXED_CITIES = ("330100", "330200", "440100", "440300", "320500", "330300", "440600", "370200", "420100")
MUNICIPALITIES = ("11", "12", "31", "50")  # their pilots are districts: not drawn here
CITY_BATCHES = ("city-2023", "city-2024", "city-2025")
FEN = Decimal("0.01")
