# Provider kinds become data (dengta/registry/data/provider-kinds.json). The three codes providers already
# hold are the file's codes, so the column keeps its values and only gains a foreign key.

import django.db.models.deletion
from django.db import migrations, models

from dengta.registry.kinds import load_kinds


def load(apps, schema_editor):
    load_kinds(apps.get_model('registry', 'ProviderKind'))


class Migration(migrations.Migration):

    dependencies = [
        ('registry', '0008_fewer_single_column_indexes'),
    ]

    operations = [
        migrations.CreateModel(
            name='ProviderKind',
            fields=[
                ('code', models.SlugField(max_length=40, primary_key=True, serialize=False, verbose_name='编号')),
                ('name', models.CharField(max_length=60, verbose_name='名称')),
                ('name_en', models.CharField(blank=True, max_length=120, verbose_name='英文名称')),
                ('description', models.CharField(blank=True, max_length=300, verbose_name='说明')),
                ('description_en', models.CharField(blank=True, max_length=300, verbose_name='英文说明')),
                ('order', models.PositiveSmallIntegerField(default=0, verbose_name='排序')),
                ('is_active', models.BooleanField(default=True, verbose_name='有效')),
            ],
            options={
                'verbose_name': '服务商类型',
                'verbose_name_plural': '服务商类型',
                'ordering': ['order', 'code'],
            },
        ),
        migrations.RunPython(load, migrations.RunPython.noop),
        migrations.AlterField(
            model_name='provider',
            name='kind',
            field=models.ForeignKey(db_column='kind', default='scenario', on_delete=django.db.models.deletion.PROTECT, related_name='providers', to='registry.providerkind', verbose_name='服务商类型'),
        ),
    ]
