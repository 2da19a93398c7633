# The catalogue (dengta/catalog/models.py; docs/catalogue.md).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('orgs', '0004_fewer_single_column_indexes'),
        ('reference', '0002_english_names'),
        ('registry', '0009_provider_kinds'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Admission',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                ('state', models.CharField(choices=[('draft', '草稿'), ('submitted', '已提交'), ('under_review', '审核中'), ('returned', '退回补充'), ('admitted', '已入库'), ('refused', '未通过'), ('withdrawn', '已撤回')], default='draft', max_length=20, verbose_name='状态')),
                ('standing', models.CharField(choices=[('good', '正常'), ('warned', '限期整改'), ('suspended', '暂停'), ('removed', '已移出')], default='good', max_length=20, verbose_name='履约状态')),
                ('qualifications', models.TextField(blank=True, verbose_name='资质情况')),
                ('scenarios', models.JSONField(blank=True, default=list, verbose_name='服务场景')),
                ('capacity', models.PositiveIntegerField(default=0, verbose_name='同时承接项目数')),
                ('references', models.JSONField(blank=True, default=list, verbose_name='企业案例')),
                ('revenue_yuan', models.DecimalField(blank=True, decimal_places=2, max_digits=16, null=True, verbose_name='上年营业收入（元）')),
                ('net_assets_yuan', models.DecimalField(blank=True, decimal_places=2, max_digits=16, null=True, verbose_name='净资产（元）')),
                ('security_certification', models.CharField(blank=True, max_length=200, verbose_name='网络安全认证')),
                ('security_valid_until', models.DateField(blank=True, null=True, verbose_name='认证有效期至')),
                ('submitted_at', models.DateTimeField(blank=True, null=True, verbose_name='提交时间')),
                ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='决定时间')),
                ('reason', models.TextField(blank=True, verbose_name='意见')),
                ('rectify_by', models.DateField(blank=True, null=True, verbose_name='整改期限')),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('kind', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.providerkind', verbose_name='申请类型')),
                ('provider', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='admissions', to='registry.provider', verbose_name='服务商')),
                ('sub_industries', models.ManyToManyField(blank=True, related_name='+', to='reference.subindustry', verbose_name='服务细分行业')),
            ],
            options={
                'verbose_name': '入库申请',
                'verbose_name_plural': '入库申请',
                'ordering': ['-updated_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='AdmissionDocument',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                ('kind', models.CharField(choices=[('qualification', '资质证明'), ('financial', '财务报表'), ('security', '网络安全认证'), ('reference', '企业案例证明'), ('annual_review', '年度复核材料'), ('appeal', '申诉材料')], max_length=20, verbose_name='材料类型')),
                ('file', models.FileField(upload_to='catalog/%Y/%m/', verbose_name='文件')),
                ('original_name', models.CharField(max_length=255, verbose_name='原文件名')),
                ('content_type', models.CharField(max_length=100, verbose_name='文件类型')),
                ('size', models.PositiveIntegerField(verbose_name='大小（字节）')),
                ('sha256', models.CharField(max_length=64, verbose_name='SHA-256')),
                ('admission', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='documents', to='catalog.admission', verbose_name='入库申请')),
                ('uploaded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='上传人')),
            ],
            options={
                'verbose_name': '申请材料',
                'verbose_name_plural': '申请材料',
                'ordering': ['kind', 'created_at'],
            },
        ),
        migrations.CreateModel(
            name='Complaint',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                ('summary', models.TextField(max_length=2000, verbose_name='投诉内容')),
                ('upheld', models.BooleanField(default=True, verbose_name='属实')),
                ('enterprise', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='registry.enterprise')),
                ('provider', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='complaints', to='registry.provider', verbose_name='服务商')),
                ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': '投诉',
                'verbose_name_plural': '投诉',
                'ordering': ['-created_at'],
            },
        ),
        migrations.CreateModel(
            name='Pool',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                ('name', models.CharField(max_length=200, verbose_name='名称')),
                ('period', models.PositiveSmallIntegerField(verbose_name='年度')),
                ('description', models.TextField(blank=True, verbose_name='说明')),
                ('min_references', models.PositiveSmallIntegerField(default=3, verbose_name='至少企业案例数')),
                ('expert_review', models.BooleanField(default=False, verbose_name='需专家评审')),
                ('is_open', models.BooleanField(default=True, verbose_name='接受申请')),
                ('kinds', models.ManyToManyField(blank=True, related_name='pools', to='registry.providerkind', verbose_name='接受的服务商类型')),
                ('owner', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='provider_pools', to='orgs.organization', verbose_name='主管单位')),
            ],
            options={
                'verbose_name': '服务商库',
                'verbose_name_plural': '服务商库',
                'ordering': ['-period', 'name'],
            },
        ),
        migrations.AddField(
            model_name='admission',
            name='pool',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='admissions', to='catalog.pool', verbose_name='服务商库'),
        ),
        migrations.CreateModel(
            name='Product',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                ('name', models.CharField(max_length=120, verbose_name='产品名称')),
                ('description', models.TextField(max_length=4000, verbose_name='产品介绍')),
                ('category', models.CharField(choices=[('consulting', '咨询'), ('diagnosis', '诊断评估'), ('software', 'SaaS/软件'), ('cloud', '云服务'), ('hardware', '数据采集硬件'), ('equipment', '设备改造'), ('integration', '系统集成')], max_length=20, verbose_name='类别')),
                ('deployment', models.CharField(choices=[('saas', '公有云 SaaS'), ('private', '私有化部署'), ('hybrid', '混合部署'), ('on_site', '现场实施')], max_length=20, verbose_name='部署方式')),
                ('list_price', models.DecimalField(decimal_places=2, max_digits=16, verbose_name='市场价（元）')),
                ('pilot_price', models.DecimalField(decimal_places=2, max_digits=16, verbose_name='试点优惠价（元）')),
                ('price_unit', models.CharField(default='套', max_length=20, verbose_name='计价单位')),
                ('delivery_days', models.PositiveSmallIntegerField(verbose_name='交付周期（天）')),
                ('references', models.TextField(blank=True, verbose_name='应用案例')),
                ('version', models.CharField(blank=True, max_length=40, verbose_name='版本')),
                ('framework_code', models.CharField(max_length=60, verbose_name='评测框架')),
                ('framework_version', models.CharField(max_length=20, verbose_name='评测框架版本')),
                ('state', models.CharField(choices=[('draft', '草稿'), ('pending', '待审核'), ('listed', '已上架'), ('rejected', '未通过'), ('delisted', '已下架')], default='draft', max_length=20, verbose_name='状态')),
                ('reason', models.TextField(blank=True, verbose_name='意见')),
                ('submitted_at', models.DateTimeField(blank=True, null=True, verbose_name='提交时间')),
                ('decided_at', models.DateTimeField(blank=True, null=True, verbose_name='审核时间')),
                ('listed_at', models.DateTimeField(blank=True, null=True, verbose_name='上架时间')),
                ('rating', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='服务商星级')),
                ('name_grams', models.TextField(default='', editable=False, verbose_name='名称检索词')),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('provider', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='products', to='registry.provider', verbose_name='服务商')),
                ('sub_industries', models.ManyToManyField(blank=True, related_name='products', to='reference.subindustry', verbose_name='适用细分行业')),
            ],
            options={
                'verbose_name': '产品',
                'verbose_name_plural': '产品',
                'ordering': ['name', 'id'],
            },
        ),
        migrations.CreateModel(
            name='ProductLift',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(choices=[('scenario', '场景'), ('item', '评测项')], max_length=10, verbose_name='类型')),
                ('code', models.CharField(max_length=80, verbose_name='编号')),
                ('level', models.PositiveSmallIntegerField(default=0, verbose_name='达到等级')),
                ('options', models.JSONField(blank=True, default=list, verbose_name='达到选项')),
                ('product', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='lifts', to='catalog.product', verbose_name='产品')),
            ],
            options={
                'verbose_name': '提升项',
                'verbose_name_plural': '提升项',
                'ordering': ['kind', 'code'],
            },
        ),
        migrations.CreateModel(
            name='ProviderRating',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                ('stars', models.PositiveSmallIntegerField(verbose_name='满意度')),
                ('comment', models.TextField(blank=True, max_length=1000, verbose_name='评价')),
                ('enterprise', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='provider_ratings', to='registry.enterprise', verbose_name='企业')),
                ('provider', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='ratings', to='registry.provider', verbose_name='服务商')),
                ('rated_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='评价人')),
            ],
            options={
                'verbose_name': '满意度评价',
                'verbose_name_plural': '满意度评价',
                'ordering': ['-created_at'],
            },
        ),
        migrations.CreateModel(
            name='ProviderScore',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                ('stars', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='星级')),
                ('score', models.DecimalField(blank=True, decimal_places=4, max_digits=5, null=True, verbose_name='综合得分')),
                ('components', models.JSONField(default=list, verbose_name='得分构成')),
                ('formula_version', models.CharField(max_length=20, verbose_name='公式版本')),
                ('provider', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='score', to='registry.provider', verbose_name='服务商')),
            ],
            options={
                'verbose_name': '服务商星级',
                'verbose_name_plural': '服务商星级',
            },
        ),
        migrations.CreateModel(
            name='QuoteRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                ('message', models.TextField(blank=True, max_length=2000, verbose_name='需求说明')),
                ('bundle', models.JSONField(blank=True, default=dict, verbose_name='推荐组合')),
                ('state', models.CharField(choices=[('open', '待报价'), ('answered', '已报价'), ('declined', '服务商谢绝'), ('accepted', '企业已接受'), ('withdrawn', '企业已撤回')], default='open', max_length=20, verbose_name='状态')),
                ('quote_yuan', models.DecimalField(blank=True, decimal_places=2, max_digits=16, null=True, verbose_name='报价（元）')),
                ('answer', models.TextField(blank=True, max_length=2000, verbose_name='答复')),
                ('valid_until', models.DateField(blank=True, null=True, verbose_name='报价有效期至')),
                ('answered_at', models.DateTimeField(blank=True, null=True, verbose_name='答复时间')),
                ('answered_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('enterprise', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='quote_requests', to='registry.enterprise', verbose_name='企业')),
                ('products', models.ManyToManyField(related_name='quote_requests', to='catalog.product', verbose_name='产品')),
                ('provider', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='quote_requests', to='registry.provider', verbose_name='服务商')),
                ('requested_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='提出人')),
                ('sub_industry', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='reference.subindustry', verbose_name='细分行业')),
            ],
            options={
                'verbose_name': '报价请求',
                'verbose_name_plural': '报价请求',
                'ordering': ['-created_at', '-id'],
            },
        ),
        migrations.CreateModel(
            name='Shortlist',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                ('enterprise', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='shortlist', to='registry.enterprise', verbose_name='企业')),
                ('product', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='catalog.product', verbose_name='产品')),
            ],
            options={
                'verbose_name': '备选产品',
                'verbose_name_plural': '备选产品',
                'ordering': ['-created_at'],
            },
        ),
        migrations.CreateModel(
            name='AdmissionOpinion',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                ('recommend', models.BooleanField(verbose_name='建议入库')),
                ('comment', models.TextField(max_length=2000, verbose_name='评审意见')),
                ('admission', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='opinions', to='catalog.admission', verbose_name='入库申请')),
                ('expert', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='评审专家')),
            ],
            options={
                'verbose_name': '专家评审意见',
                'verbose_name_plural': '专家评审意见',
                'ordering': ['created_at'],
                'constraints': [models.UniqueConstraint(fields=('admission', 'expert'), name='catalog_admissionopinion_once'), models.CheckConstraint(condition=models.Q(('comment', ''), _negated=True), name='catalog_admissionopinion_has_comment')],
            },
        ),
        migrations.CreateModel(
            name='GovernanceAction',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                ('updated_at', models.DateTimeField(auto_now=True, verbose_name='更新时间')),
                ('kind', models.CharField(choices=[('warning', '警告并限期整改'), ('suspension', '暂停'), ('removal', '移出服务商库'), ('reinstatement', '恢复正常')], max_length=20, verbose_name='措施')),
                ('reason', models.TextField(verbose_name='理由')),
                ('rectify_by', models.DateField(blank=True, null=True, verbose_name='整改期限')),
                ('standing_before', models.CharField(choices=[('good', '正常'), ('warned', '限期整改'), ('suspended', '暂停'), ('removed', '已移出')], max_length=20, verbose_name='原履约状态')),
                ('appeal', models.CharField(blank=True, choices=[('', '未申诉'), ('pending', '申诉待处理'), ('upheld', '维持原决定'), ('overturned', '撤销原决定')], default='', max_length=20, verbose_name='申诉')),
                ('appeal_text', models.TextField(blank=True, verbose_name='申诉理由')),
                ('appealed_at', models.DateTimeField(blank=True, null=True, verbose_name='申诉时间')),
                ('appeal_reason', models.TextField(blank=True, verbose_name='申诉处理意见')),
                ('appeal_decided_at', models.DateTimeField(blank=True, null=True, verbose_name='申诉处理时间')),
                ('admission', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='actions', to='catalog.admission', verbose_name='入库记录')),
                ('appeal_decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('decided_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='决定人')),
            ],
            options={
                'verbose_name': '管理措施',
                'verbose_name_plural': '管理措施',
                'ordering': ['-created_at', '-id'],
                'constraints': [models.CheckConstraint(condition=models.Q(('reason', ''), _negated=True), name='catalog_governanceaction_has_reason'), models.CheckConstraint(condition=models.Q(models.Q(('kind', 'warning'), _negated=True), ('rectify_by__isnull', False), _connector='OR'), name='catalog_governanceaction_warning_has_deadline')],
            },
        ),
        migrations.AddConstraint(
            model_name='pool',
            constraint=models.UniqueConstraint(fields=('owner', 'period', 'name'), name='catalog_pool_unique_name'),
        ),
        migrations.AddConstraint(
            model_name='pool',
            constraint=models.CheckConstraint(condition=models.Q(('period__gte', 2022), ('period__lte', 2100)), name='catalog_pool_period'),
        ),
        migrations.AddIndex(
            model_name='admission',
            index=models.Index(fields=['state', 'pool'], name='catalog_adm_state_38b004_idx'),
        ),
        migrations.AddIndex(
            model_name='admission',
            index=models.Index(fields=['provider', 'state'], name='catalog_adm_provide_87b61b_idx'),
        ),
        migrations.AddConstraint(
            model_name='admission',
            constraint=models.UniqueConstraint(fields=('pool', 'provider'), name='catalog_admission_once_per_pool'),
        ),
        migrations.AddConstraint(
            model_name='admission',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('state__in', ['returned', 'refused']), _negated=True), models.Q(('reason', ''), _negated=True), _connector='OR'), name='catalog_admission_decision_has_reason'),
        ),
        migrations.AddConstraint(
            model_name='admission',
            constraint=models.CheckConstraint(condition=models.Q(('state', 'admitted'), ('standing', 'good'), _connector='OR'), name='catalog_admission_standing_if_admitted'),
        ),
        migrations.AddIndex(
            model_name='product',
            index=models.Index(fields=['state', 'name', 'id'], name='catalog_product_name'),
        ),
        migrations.AddIndex(
            model_name='product',
            index=models.Index(fields=['state', 'pilot_price', 'id'], name='catalog_product_price'),
        ),
        migrations.AddIndex(
            model_name='product',
            index=models.Index(fields=['state', 'delivery_days', 'id'], name='catalog_product_days'),
        ),
        migrations.AddIndex(
            model_name='product',
            index=models.Index(fields=['state', 'listed_at', 'id'], name='catalog_product_listed'),
        ),
        migrations.AddIndex(
            model_name='product',
            index=models.Index(fields=['provider', 'state'], name='catalog_product_provider'),
        ),
        migrations.AddConstraint(
            model_name='product',
            constraint=models.CheckConstraint(condition=models.Q(('list_price__gte', 0)), name='catalog_product_list_price_not_negative'),
        ),
        migrations.AddConstraint(
            model_name='product',
            constraint=models.CheckConstraint(condition=models.Q(('pilot_price__gte', 0)), name='catalog_product_pilot_price_not_negative'),
        ),
        migrations.AddConstraint(
            model_name='product',
            constraint=models.CheckConstraint(condition=models.Q(('pilot_price__lte', models.F('list_price'))), name='catalog_product_pilot_within_list'),
        ),
        migrations.AddConstraint(
            model_name='product',
            constraint=models.CheckConstraint(condition=models.Q(('delivery_days__gte', 1)), name='catalog_product_delivery_days'),
        ),
        migrations.AddConstraint(
            model_name='product',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('state__in', ['rejected', 'delisted']), _negated=True), models.Q(('reason', ''), _negated=True), _connector='OR'), name='catalog_product_decision_has_reason'),
        ),
        migrations.AddConstraint(
            model_name='productlift',
            constraint=models.UniqueConstraint(fields=('product', 'kind', 'code'), name='catalog_productlift_once'),
        ),
        migrations.AddConstraint(
            model_name='productlift',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('kind', 'scenario'), _negated=True), models.Q(('level__gte', 1), ('level__lte', 4)), _connector='OR'), name='catalog_productlift_level'),
        ),
        migrations.AddConstraint(
            model_name='providerrating',
            constraint=models.UniqueConstraint(fields=('provider', 'enterprise'), name='catalog_providerrating_once'),
        ),
        migrations.AddConstraint(
            model_name='providerrating',
            constraint=models.CheckConstraint(condition=models.Q(('stars__gte', 1), ('stars__lte', 5)), name='catalog_providerrating_stars'),
        ),
        migrations.AddConstraint(
            model_name='providerscore',
            constraint=models.CheckConstraint(condition=models.Q(('stars__isnull', True), models.Q(('stars__gte', 1), ('stars__lte', 5)), _connector='OR'), name='catalog_providerscore_stars'),
        ),
        migrations.AddIndex(
            model_name='quoterequest',
            index=models.Index(fields=['provider', 'state', '-created_at'], name='catalog_quote_inbox'),
        ),
        migrations.AddIndex(
            model_name='quoterequest',
            index=models.Index(fields=['enterprise', '-created_at'], name='catalog_quote_enterprise'),
        ),
        migrations.AddConstraint(
            model_name='quoterequest',
            constraint=models.CheckConstraint(condition=models.Q(('quote_yuan__isnull', True), ('quote_yuan__gte', 0), _connector='OR'), name='catalog_quoterequest_quote'),
        ),
        migrations.AddConstraint(
            model_name='quoterequest',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('state', 'answered'), _negated=True), ('quote_yuan__isnull', False), _connector='OR'), name='catalog_quoterequest_answer_has_quote'),
        ),
        migrations.AddConstraint(
            model_name='shortlist',
            constraint=models.UniqueConstraint(fields=('enterprise', 'product'), name='catalog_shortlist_once'),
        ),
    ]
