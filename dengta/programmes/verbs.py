"""Labels of the event verbs programme administration writes (collected by dengta.core.verbs)."""

from django.utils.translation import gettext_lazy as _

VERBS = {
    "batch.loaded": _("试点批次已载入"),
    "batch.rules_changed": _("批次规则已更新"),
    "batch.review_method_changed": _("批次评审汇总方式已修改"),
    "application.created": _("申报已创建"),
    "application.updated": _("申报已修改"),
    "application.sub_industry_added": _("申报增加细分行业"),
    "application.sub_industry_removed": _("申报移除细分行业"),
    "application.provider_added": _("申报增加推荐服务商"),
    "application.provider_removed": _("申报移除推荐服务商"),
    "application.enterprise_added": _("试点企业库增加企业"),
    "application.enterprise_removed": _("试点企业库移除企业"),
    "application.pool_imported": _("试点企业库从文件导入企业"),
    "application.submitted": _("申报已提交"),
    "application.review_started": _("申报进入评审"),
    "application.returned": _("申报已退回补充"),
    "application.approved": _("申报已批准"),
    "application.rejected": _("申报未获批准"),
    "application.withdrawn": _("申报已撤回"),
    "pilot.created": _("试点已设立"),
    "allocation.recorded": _("试点资金已分配"),
    "review.assigned": _("已分配评审专家"),
    "review.submitted": _("专家评审已提交"),
    "expert.conflict_declared": _("专家声明利益冲突"),
}
