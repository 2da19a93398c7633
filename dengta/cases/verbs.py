"""Labels of the event verbs lighthouse cases write (collected by dengta.core.verbs)."""

from django.utils.translation import gettext_lazy as _

VERBS = {
    "case.generated": _("已从验收项目生成案例"),
    "case.updated": _("案例已修改"),
    "case.figures_rederived": _("案例数据已按项目重新生成"),
    "case.consent_given": _("企业同意署名"),
    "case.consent_declined": _("企业不同意署名"),
    "case.submitted": _("案例已提交审核"),
    "case.published": _("案例已发布"),
    "case.returned": _("案例已退回修改"),
    "case.taken_down": _("案例已撤下"),
    "typical_model.summary_changed": _("典型模式概述已修改"),
}
