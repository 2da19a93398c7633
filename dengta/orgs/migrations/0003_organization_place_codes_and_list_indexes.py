
"""Organisations store their province and prefecture codes, as enterprises do (registry 0004), and get an
index per sort of the organisation list: every enterprise is an organisation, so at national scale the list
holds a million rows (docs/lists.md)."""

from django.db import migrations, models

import dengta.core.indexes
from dengta.core.migration_ops import postgresql_only
from dengta.core.places import place_of

# Without them PostgreSQL multiplies the province's and the prefecture's selectivities as if independent,
# and estimates a city at a tenth of its rows (as measured on enterprises, registry 0006).
CREATE_STATISTICS = (
    "CREATE STATISTICS IF NOT EXISTS orgs_organization_place_dep (dependencies) "
    "ON province_code, prefecture_code FROM orgs_organization"
)
DROP_STATISTICS = "DROP STATISTICS IF EXISTS orgs_organization_place_dep"


def fill_place_codes(apps, schema_editor):
    """One UPDATE per place (about 370 prefectures), not one per organisation: a million rows at national
    scale."""
    organization_model = apps.get_model("orgs", "Organization")
    region_model = apps.get_model("reference", "Region")
    by_place = {}
    for code, path in region_model.objects.values_list("code", "path"):
        by_place.setdefault(place_of(path), []).append(code)
    for (province, prefecture), codes in by_place.items():
        organization_model.objects.filter(region_id__in=codes).update(
            province_code=province, prefecture_code=prefecture
        )




class Migration(migrations.Migration):

    dependencies = [
        ('orgs', '0002_organization_name_grams'),
        ('reference', '0002_english_names'),
    ]

    operations = [
        migrations.AddField(
            model_name='organization',
            name='prefecture_code',
            field=models.CharField(default='', editable=False, max_length=6, verbose_name='地级区划代码'),
        ),
        migrations.AddField(
            model_name='organization',
            name='province_code',
            field=models.CharField(default='', editable=False, max_length=6, verbose_name='省级区划代码'),
        ),
        migrations.RunPython(fill_place_codes, migrations.RunPython.noop),
        postgresql_only(CREATE_STATISTICS, DROP_STATISTICS),
        migrations.AddIndex(
            model_name='organization',
            index=models.Index(fields=['type', 'name', 'id'], name='org_sort_type_name'),
        ),
        migrations.AddIndex(
            model_name='organization',
            index=models.Index(fields=['province_code', 'type', 'name', 'id'], name='org_prov_type_name'),
        ),
        migrations.AddIndex(
            model_name='organization',
            index=models.Index(fields=['name', 'id'], name='org_sort_name'),
        ),
        migrations.AddIndex(
            model_name='organization',
            index=models.Index(fields=['province_code', 'name', 'id'], name='org_prov_name'),
        ),
        migrations.AddIndex(
            model_name='organization',
            index=models.Index(fields=['created_at', 'id'], name='org_sort_created'),
        ),
        migrations.AddIndex(
            model_name='organization',
            index=models.Index(fields=['province_code', 'created_at', 'id'], name='org_prov_created'),
        ),
        migrations.AddIndex(
            model_name='organization',
            index=models.Index(fields=['region', 'id'], name='org_sort_region'),
        ),
        migrations.AddIndex(
            model_name='organization',
            index=models.Index(fields=['province_code', 'region', 'id'], name='org_prov_region'),
        ),
        migrations.AddIndex(
            model_name='organization',
            index=models.Index(condition=models.Q(('authority_level', ''), _negated=True), fields=['authority_level', 'id'], name='org_level'),
        ),
        migrations.AddIndex(
            model_name='organization',
            index=models.Index(fields=['province_code', 'prefecture_code', 'region', 'id'], name='org_place_region'),
        ),
        migrations.AddIndex(
            model_name='organization',
            index=dengta.core.indexes.NullsLastIndex(models.OrderBy(models.F('region'), descending=True, nulls_last=True), models.OrderBy(models.F('id'), descending=True), name='org_sort_region_desc'),
        ),
        migrations.AddIndex(
            model_name='organization',
            index=dengta.core.indexes.NullsLastIndex(models.F('province_code'), models.OrderBy(models.F('region'), descending=True, nulls_last=True), models.OrderBy(models.F('id'), descending=True), name='org_prov_region_desc'),
        ),
        migrations.AddIndex(
            model_name='organization',
            index=dengta.core.indexes.NullsLastIndex(models.F('province_code'), models.F('prefecture_code'), models.OrderBy(models.F('region'), descending=True, nulls_last=True), models.OrderBy(models.F('id'), descending=True), name='org_place_region_desc'),
        ),
    ]
