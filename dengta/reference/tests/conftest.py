"""The reference data loaded once per test module, rolled back at the end (loading takes ~0.4 s)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from dengta.reference.loaders import KINDS, load_dataset


@pytest.fixture(scope="module")
def _reference_module(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    # Each test's own transaction nests inside this one as a savepoint, so what a test changes is undone after
    # it, and the loaded data is undone after the module: other apps' tests never see it.
    with django_db_blocker.unblock(), transaction.atomic():
        for kind in KINDS:
            load_dataset(kind)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def loaded(_reference_module: None, db: Any) -> None:
    """All four kinds of reference data, as ``manage.py load_reference`` loads them.

    The data stays loaded for the rest of the module once a test asks for it, so tests that need an empty
    reference database live in their own modules.
    """
