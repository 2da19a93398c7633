"""Labels of the event verbs this app writes (collected by dengta.core.verbs for the event log)."""

from django.utils.translation import gettext_lazy as _

VERBS = {
    "demo.seeded": _("演示数据已生成"),
    "demo.assessments_seeded": _("演示评测已生成"),
}
