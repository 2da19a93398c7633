"""The inbox (UI.md: the top bar has an inbox): notify() writes a message for an organisation (or one person
in it), the page lists the viewer's, opening one marks it read, and the top bar counts the unread."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_noop

from dengta.core.models import Notification
from dengta.core.notifications import mark_read, notify, unread_count
from dengta.orgs.viewer import viewer_for_membership
from dengta.registry.tests.conftest import member

MESSAGE = gettext_noop("服务商 %(provider)s 开始为贵企业开展数字化诊断")


def send(cast: Any, to: str = "enterprise", user: Any = None) -> Notification:
    return notify(
        organization_id=cast.orgs[to].pk,
        verb="assessment.diagnosis_started",
        message=MESSAGE,
        params={"provider": "广州数智服务有限公司"},
        url="/assessments/",
        user=user,
    )


def test_message_is_translated_when_read(cast: Any) -> None:
    note = send(cast)
    assert note.text == "服务商 广州数智服务有限公司 开始为贵企业开展数字化诊断"
    with translation.override("en"):
        assert note.text == "Provider 广州数智服务有限公司 has started a digital diagnosis of your enterprise"


def test_each_organisation_sees_its_own_and_a_person_their_own(cast: Any) -> None:
    send(cast)
    colleague = member(cast.orgs["enterprise"], "colleague", "staff")
    send(cast, user=colleague.user)  # for the colleague only
    send(cast, to="provider")
    owner = cast.viewer("enterprise")
    assert unread_count(owner) == 1
    assert unread_count(cast.viewer("provider")) == 1
    assert unread_count(cast.viewer("guangzhou")) == 0
    assert unread_count(viewer_for_membership(colleague)) == 2


def test_a_rolled_back_change_leaves_no_message(cast: Any) -> None:
    try:
        with transaction.atomic():
            send(cast)
            raise RuntimeError("the change failed")
    except RuntimeError:
        pass
    assert not Notification.objects.exists()


def test_inbox_page_count_and_reading(cast: Any) -> None:
    note = send(cast)
    send(cast)
    client = cast.client("enterprise")
    page = client.get(reverse("core:inbox")).content.decode()
    assert "服务商 广州数智服务有限公司 开始为贵企业开展数字化诊断" in page
    assert 'data-testid="inbox-count">2<' in page
    opened = client.get(reverse("core:inbox_open", args=[note.pk]))
    assert opened.status_code == 302 and opened["Location"] == "/assessments/"
    note.refresh_from_db()
    assert note.read_at is not None
    assert unread_count(cast.viewer("enterprise")) == 1
    client.post(reverse("core:inbox"))
    assert unread_count(cast.viewer("enterprise")) == 0
    assert 'data-testid="inbox-count"' not in client.get(reverse("core:inbox")).content.decode()


def test_others_cannot_open_or_mark_a_message(cast: Any) -> None:
    note = send(cast)
    assert cast.client("provider").get(reverse("core:inbox_open", args=[note.pk])).status_code == 404
    assert mark_read(viewer=cast.viewer("provider")) == 0
    note.refresh_from_db()
    assert note.read_at is None
    assert "开始为贵企业" not in cast.client("provider").get(reverse("core:inbox")).content.decode()
    assert cast.client("enterprise").get(reverse("core:inbox")).status_code == 200


def test_an_outside_link_is_not_followed(cast: Any) -> None:
    note = notify(
        organization_id=cast.orgs["enterprise"].pk,
        verb="x",
        message=MESSAGE,
        params={"provider": "p"},
        url="https://evil.example/",
    )
    response = cast.client("enterprise").get(reverse("core:inbox_open", args=[note.pk]))
    assert response["Location"] == reverse("core:inbox")
