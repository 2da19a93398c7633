# An index (column, id) per sort of the catalogue's list pages (docs/lists.md, "Adding a list"): pools, a
# pool's applications, a provider's own products, the listing queue and quote requests.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_product_search_indexes")]

    operations = [
        migrations.AddIndex(
            model_name="admission",
            index=models.Index(fields=["pool", "state", "id"], name="catalog_admission_pool_state"),
        ),
        migrations.AddIndex(
            model_name="admission",
            index=models.Index(fields=["pool", "updated_at", "id"], name="catalog_admission_pool_updated"),
        ),
        migrations.AddIndex(
            model_name="pool",
            index=models.Index(fields=["period", "name", "id"], name="catalog_pool_by_period"),
        ),
        migrations.AddIndex(
            model_name="pool",
            index=models.Index(fields=["name", "id"], name="catalog_pool_name"),
        ),
        migrations.AddIndex(
            model_name="product",
            index=models.Index(fields=["state", "submitted_at", "id"], name="catalog_product_submitted"),
        ),
        migrations.AddIndex(
            model_name="product",
            index=models.Index(fields=["provider", "updated_at", "id"], name="catalog_product_own_updated"),
        ),
        migrations.AddIndex(
            model_name="product",
            index=models.Index(fields=["provider", "name", "id"], name="catalog_product_own_name"),
        ),
        migrations.AddIndex(
            model_name="quoterequest",
            index=models.Index(
                fields=["provider", "created_at", "id"], name="catalog_quote_provider_created"
            ),
        ),
        migrations.AddIndex(
            model_name="quoterequest",
            index=models.Index(fields=["created_at", "id"], name="catalog_quote_created"),
        ),
    ]
