"""Index classes shared by the apps' models (docs/lists.md: every sort a list offers needs an index)."""

from __future__ import annotations

from typing import Any

from django.db import models


class NullsLastIndex(models.Index):
    """An index over ordered columns that keeps their NULLS LAST on PostgreSQL.

    The lists sort a nullable column with empty values last in both directions
    (dengta.core.lists.order_expressions), so its descending order needs ``(column DESC NULLS LAST, id
    DESC)``, read forwards for the descending sort and backwards for the ascending sort's last page. SQLite
    accepts the modifier in ORDER BY but not in CREATE INDEX, so there the index is made without it (the
    embedded default's lists are small)."""

    def create_sql(self, model: Any, schema_editor: Any, using: str = "", **kwargs: Any) -> Any:
        if schema_editor.connection.vendor == "postgresql":
            return super().create_sql(model, schema_editor, using=using, **kwargs)
        plain = [
            models.OrderBy(e.expression, descending=e.descending) if isinstance(e, models.OrderBy) else e
            for e in self.expressions
        ]
        return models.Index(*plain, name=self.name).create_sql(model, schema_editor, using=using, **kwargs)
