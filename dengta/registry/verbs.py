"""Labels of the event verbs this app writes (collected by dengta.core.verbs for the event log)."""

from django.utils.translation import gettext_lazy as _

VERBS = {
    "enterprise.registered": _("企业已登记"),
    "enterprise.updated": _("企业信息已修改"),
    "enterprise.imported": _("企业已批量导入"),
    "enterprise_change.submitted": _("企业信息变更已提交"),
    "enterprise_change.confirmed": _("企业信息变更已确认"),
    "enterprise_change.rejected": _("企业信息变更已退回"),
    "enterprise_change.superseded": _("企业信息变更已被新的申请取代"),
    "provider.registered": _("服务商已登记"),
}
