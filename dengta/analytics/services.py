"""Raising and resolving alerts (ARCHITECTURE.md convention 1): ``alerts_check`` runs the rules over the
facts of today, raises the alerts that newly hold — an event, a message in the responsible authority's
inbox and, where a mail server is configured, an e-mail to its members — and resolves those that no longer
hold (an event). Run daily by ``manage.py check_alerts`` (cron or Celery beat) and by the demo seed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from dengta.analytics import alerts, facts
from dengta.analytics.models import Alert
from dengta.core.actors import Actor
from dengta.core.events import record_event
from dengta.core.notifications import notify
from dengta.orgs.models import Membership
from dengta.programmes.models import Pilot
from dengta.projects.models import Project

# The inbox stores the Chinese msgid and its parameters, translated for each reader
# (dengta.core.notifications).
MESSAGES = {
    alerts.STALLED: gettext_noop("预警：项目“%(title)s”已 %(days)s 天没有进展（批准、签约或完成里程碑）"),
    alerts.ACCEPTANCE_OVERDUE: gettext_noop(
        "预警：项目“%(title)s”应在 %(due)s 前申请验收，已逾期 %(days)s 天"
    ),
    alerts.UNDERSPENT: gettext_noop(
        "预警：试点期已过 %(elapsed)s%%，企业改造资金仅承诺 %(committed)s%%（预警线 %(limit)s%%）"
    ),
    alerts.TARGET_AT_RISK: gettext_noop(
        "预警：按目前进度，规上试点企业达标比例预计为 %(projected)s%%，低于目标 %(target)s%%"
    ),
}


@dataclass(frozen=True)
class Checked:
    raised: int
    resolved: int
    open: int

    def line(self) -> str:
        return f"alerts: raised {self.raised}, resolved {self.resolved}, open {self.open}"


def _key(found: alerts.Found) -> str:
    kind, pilot, project = alerts.key(found)
    return f"{kind}:{pilot}:{project or ''}"


def _raise(actor: Actor, found: alerts.Found, rules: alerts.Rules, now: datetime) -> Alert:
    pilot = Pilot.objects.select_related("authority__region").get(pk=found.pilot_id)
    project = (
        Project.objects.select_related("enterprise__region").get(pk=found.project_id)
        if found.project_id
        else None
    )
    if project is not None and project.enterprise.region is not None:
        path = project.enterprise.region.path
    else:
        path = pilot.authority.region.path if pilot.authority.region is not None else ""
    params = dict(found.params)
    if project is not None:
        params["title"] = project.title
    alert = Alert(
        kind=found.kind,
        key=_key(found),
        pilot=pilot,
        project=project,
        params=params,
        rules_version=rules.version,
        region_path=path,
        organization_id_ref=pilot.authority_id,
        raised_at=now,
    )
    alert.full_clean()
    alert.save()
    record_event(
        actor=actor,
        verb="alert.raised",
        target=alert,
        payload={"kind": found.kind, "params": params, "rules_version": rules.version},
        organization_id=pilot.authority_id,
        scope_path=path,
    )
    url = reverse("projects:project_detail", args=[project.pk]) if project else reverse("analytics:dashboard")
    notify(
        organization_id=pilot.authority_id,
        verb="alert.raised",
        message=MESSAGES[found.kind],
        params=params,
        url=url,
    )
    if settings.EMAIL_HOST:
        transaction.on_commit(lambda: _mail(pilot.authority_id, MESSAGES[found.kind], params))
    return alert


def _mail(organization_id: int, message: str, params: dict[str, str]) -> None:
    """The alert by e-mail to the organisation's members who have an address (in Chinese, the product's
    first language: a mail has no page language to follow)."""
    addresses = list(
        Membership.objects.filter(organization_id=organization_id, user__is_active=True)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    if not addresses:
        return
    text = gettext(message) % params
    send_mass_mail(
        [(text[:120], text, settings.DEFAULT_FROM_EMAIL, [a]) for a in addresses], fail_silently=True
    )


@transaction.atomic
def alerts_check(*, actor: Actor = None, today: date | None = None) -> Checked:
    day = today or timezone.localdate()
    rules = alerts.Rules.load()
    found = alerts.project_alerts(facts.project_facts(), rules, day) + alerts.pilot_alerts(
        facts.pilot_facts(day), rules, day
    )
    holding = {_key(f): f for f in found}
    now = timezone.now()
    open_alerts = {a.key: a for a in Alert.objects.select_for_update().filter(resolved_at__isnull=True)}
    raised = 0
    for key, item in sorted(holding.items()):
        if key not in open_alerts:
            _raise(actor, item, rules, now)
            raised += 1
    resolved = 0
    for key, alert in sorted(open_alerts.items()):
        if key not in holding:
            Alert.objects.filter(pk=alert.pk).update(resolved_at=now)
            record_event(
                actor=actor,
                verb="alert.resolved",
                target=alert,
                payload={"kind": alert.kind},
                organization_id=alert.organization_id_ref,
                scope_path=alert.region_path,
            )
            resolved += 1
    return Checked(raised=raised, resolved=resolved, open=len(holding))
