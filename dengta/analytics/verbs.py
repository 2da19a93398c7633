"""Labels of the event verbs the analytics app writes (collected by dengta.core.verbs)."""

from django.utils.translation import gettext_lazy as _

VERBS = {
    "alert.raised": _("已发出预警"),
    "alert.resolved": _("预警已解除"),
    "upward_report.exported": _("已导出试点上报"),
    "upward_report.received": _("已接收试点上报"),
}
