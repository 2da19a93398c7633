"""Labels of the event verbs this app writes (collected by dengta.core.verbs for the event log)."""

from django.utils.translation import gettext_lazy as _

VERBS = {
    "api_token.rotated": _("API 令牌已更换"),
}
