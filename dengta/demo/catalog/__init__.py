"""The demo catalogue: provider pools, admissions in every state, governance, products, quotes, ratings.

Pools (服务商库, DOMAIN.md 2.7): the ministry's national pool for 2026 (expert review), one 2026 pool
per pilot city authority (厦门's takes integrated providers and platforms only: its general-contractor
model, DOMAIN.md 2.8), and 宁波's closed 2025 pool. Providers of every kind hold applications in every
state, and admitted ones stand in every standing, with the warnings, suspensions, removals and appeals
that put them there (新乡's sanctions, DOMAIN.md 2.7). Providers that may be offered (admitted in good
standing or under a warning, suspended nowhere) list 小快轻准 products whose lifts are valid for the
current MIIT 2024 framework; quote requests run between enterprises and those providers, a few (city,
sub-industry) markets held mostly by one integrated provider so that the concentration watch warns
(DOMAIN.md 6.1); enterprises rate only providers whose quote they accepted.

Like the demo assessments, rows hold what the services store but are written with bulk_create, without
an event or a notification per row: the demo records its counts once, in the ``demo.seeded`` event.
demo-provider is admitted to the national pool with eight listed products and one open quote request,
and has not applied to 宁波's 2026 pool, so the demo can show applying; demo-enterprise gets no quote
request.

The steps: pools.py (pools, who applies where and how each application stands), admissions.py (their rows,
opinions and governance actions), products.py, quotes.py (quote requests, ratings, complaints, scores), run in
order by seeder.py; they share context.py's state and draw from its one random stream. base.py holds the
settings, counts and plans, texts.py the Chinese texts.
"""

from dengta.demo.catalog.base import listed_target
from dengta.demo.catalog.seeder import seed_catalog

__all__ = ["listed_target", "seed_catalog"]
