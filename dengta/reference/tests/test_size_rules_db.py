"""The current size rules come from the loaded dataset; a clear error when nothing is loaded."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from dengta.reference.loaders import load_dataset
from dengta.reference.models import ReferenceDataset
from dengta.reference.selectors import ReferenceDataNotLoaded, current_size_rules
from dengta.reference.sizing import classify


def test_current_size_rules_needs_the_dataset(db: Any) -> None:
    with pytest.raises(ReferenceDataNotLoaded, match="load_reference"):
        current_size_rules()


def test_size_standard_loads_once_and_classifies(db: Any) -> None:
    first = load_dataset("size_standard")
    second = load_dataset("size_standard")
    assert not first.skipped and second.skipped
    dataset = ReferenceDataset.objects.get(kind="size_standard", is_current=True)
    assert dataset.version == "miit-2011-300-v2" and dataset.rows == 16 and len(dataset.checksum) == 64
    assert dataset.data["document_number"] == "工信部联企业〔2011〕300号"
    assert str(dataset.source_date) == "2011-06-18"
    rules = current_size_rules()
    result = classify(
        rules, industry_code="C3670", employees=300, revenue_yuan=Decimal(20_000_000), assets_yuan=Decimal(0)
    )
    assert result.size_class == "medium" and result.above_designated_size
