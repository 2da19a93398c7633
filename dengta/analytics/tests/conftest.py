"""The analytics tests' cast: the projects' cast (dengta/projects/tests/conftest.py) through the cases'
fixtures, ``retrofit`` being 广州's pilot with its provider's listed products."""

from __future__ import annotations

from dengta.cases.tests.conftest import (  # noqa: F401  (fixtures)
    _default_language,
    frameworks,
    market,
    open_batch,
    pilot,
    ready,
    registered,
    retrofit,
    reviewing,
    sized,
    sub_industry,
    world,
)
