"""Labels of the event verbs this app writes (collected by dengta.core.verbs for the event log)."""

from django.utils.translation import gettext_lazy as _

VERBS = {
    "organization.created": _("机构已创建"),
    "membership.granted": _("成员已加入机构"),
    "membership.changed": _("成员角色已修改"),
}
