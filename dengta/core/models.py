"""Core models: the tamper-evident event log and background job rows."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dengta.core.access import Viewer


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class AppendOnlyError(RuntimeError):
    """Raised when code tries to change or delete an event: the log is append-only (PRODUCT.md)."""


class EventQuerySet(models.QuerySet["Event"]):
    def update(self, **kwargs: Any) -> int:
        raise AppendOnlyError("The event log is append-only; rows cannot be updated.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("The event log is append-only; rows cannot be deleted.")

    def visible_to(self, viewer: Viewer) -> EventQuerySet:
        """Events about objects inside the viewer's jurisdiction, or about their own organisation."""
        if not viewer.is_authenticated:
            return self.none()
        if viewer.include_paths is None:
            return self
        inside = models.Q(pk__in=[])
        for prefix in viewer.include_paths:
            inside |= models.Q(scope_path__startswith=prefix)
        for prefix in viewer.exclude_paths:
            inside &= ~models.Q(scope_path__startswith=prefix)
        return self.filter(inside | models.Q(organization_id_ref=viewer.organization_id))


class Event(models.Model):
    """One state change: who did what to which object, when, with what data.

    Each row carries the SHA-256 of the previous row's hash and its own content, so editing or deleting any
    row breaks the chain from that row on; ``manage.py verify_events`` finds the first broken link.
    """

    seq = models.PositiveBigIntegerField(_("序号"), unique=True)
    created_at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(_("操作人"), max_length=200)
    organization_id_ref = models.BigIntegerField(_("机构ID"), null=True, blank=True, db_index=True)
    verb = models.CharField(_("动作"), max_length=80, db_index=True)
    target_type = models.CharField(_("对象类型"), max_length=80, db_index=True)
    target_id = models.CharField(_("对象ID"), max_length=64, db_index=True)
    target_label = models.CharField(_("对象"), max_length=300)
    # Region path of the object concerned, so that an auditor of a jurisdiction sees just its events.
    scope_path = models.CharField(_("辖区路径"), max_length=64, blank=True, db_index=True)
    payload = models.JSONField(_("内容"), default=dict)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-seq"]
        verbose_name = _("事件")
        verbose_name_plural = _("事件日志")

    def __str__(self) -> str:
        return f"#{self.seq} {self.verb} {self.target_label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("The event log is append-only; rows cannot be updated.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("The event log is append-only; rows cannot be deleted.")


class EventChainHead(models.Model):
    """A single row locked while appending, so concurrent writers extend the chain one at a time."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(id=1), name="core_eventchainhead_singleton")]

    def __str__(self) -> str:
        return f"event chain head #{self.last_seq}"


class Job(TimeStampedModel):
    """A long-running task (import, re-scoring, report) whose progress the UI shows and can be resumed."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("进行中")
        SUCCEEDED = "succeeded", _("已完成")
        FAILED = "failed", _("失败")

    kind = models.CharField(_("类型"), max_length=60)
    status = models.CharField(_("状态"), max_length=12, choices=Status.choices, default=Status.QUEUED)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="jobs"
    )
    organization_id_ref = models.BigIntegerField(null=True, blank=True)
    progress_done = models.PositiveIntegerField(default=0)
    progress_total = models.PositiveIntegerField(default=0)
    message = models.CharField(max_length=500, blank=True)
    params = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True)
    input_file = models.FileField(upload_to="jobs/input/%Y/%m/", blank=True)
    output_file = models.FileField(upload_to="jobs/output/%Y/%m/", blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress_done__lte=models.F("progress_total"))
                | models.Q(progress_total=0),
                name="core_job_progress_within_total",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    @property
    def percent(self) -> int:
        if not self.progress_total:
            return 100 if self.status == self.Status.SUCCEEDED else 0
        return min(100, int(self.progress_done * 100 / self.progress_total))

    @property
    def is_finished(self) -> bool:
        return self.status in {self.Status.SUCCEEDED, self.Status.FAILED}


class NotificationQuerySet(models.QuerySet["Notification"]):
    def for_viewer(self, viewer: Viewer) -> NotificationQuerySet:
        """The inbox of the viewer's active organisation: what is addressed to the organisation, and what is
        addressed to this person in it (UI.md: the inbox in the top bar)."""
        if not viewer.is_authenticated:
            return self.none()
        return self.filter(organization_id_ref=viewer.organization_id).filter(
            models.Q(user__isnull=True) | models.Q(user_id=getattr(viewer.user, "pk", None))
        )

    def unread(self) -> NotificationQuerySet:
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """One message in an organisation's inbox (UI.md: "the result waits in the inbox").

    The message is stored as its Chinese msgid with its parameters, and translated when shown, so each reader
    sees it in their own language. Written in the same transaction as the change it reports: it exists
    exactly when that change does.
    """

    created_at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)
    organization_id_ref = models.BigIntegerField(_("收件机构ID"), db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="notifications",
        verbose_name=_("收件人"),
    )
    verb = models.CharField(_("动作"), max_length=80)
    message = models.CharField(_("消息"), max_length=300)
    params = models.JSONField(_("参数"), default=dict, blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        indexes = [models.Index(fields=["organization_id_ref", "read_at"])]

    def __str__(self) -> str:
        return self.text

    @property
    def text(self) -> str:
        from django.utils.translation import gettext

        template = gettext(self.message)
        try:
            return template % (self.params or {})
        except (KeyError, TypeError, ValueError):
            # A catalogue entry whose %(name)s fields no longer match the stored ones: show the original text.
            return self.message % (self.params or {}) if self.params else self.message


class TallyTopic(models.Model):
    """One home-page figure kept per region (dengta.core.tallies): when its rows were last computed, when
    the data behind it last changed, and whether a refresh job is already queued (docs/lists.md: no count of a
    million rows per request)."""

    topic = models.CharField(_("统计项"), max_length=60, primary_key=True)
    # The time the last refresh started: its rows include every write committed before then.
    refreshed_at = models.DateTimeField(_("统计时间"), null=True, blank=True)
    # The time a write that changes the data behind the topic was last reported (after its commit).
    changed_at = models.DateTimeField(_("数据变更时间"), null=True, blank=True)
    # Set when a refresh job is enqueued, cleared when it starts: writes meanwhile enqueue no second job.
    queued_at = models.DateTimeField(_("排队时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("分地区统计项")
        verbose_name_plural = _("分地区统计项")

    def __str__(self) -> str:
        return self.topic

    @property
    def is_stale(self) -> bool:
        """Whether data changed after the last refresh started (the figures may not include it yet)."""
        if self.refreshed_at is None:
            return True
        return self.changed_at is not None and self.changed_at > self.refreshed_at


class RegionTally(models.Model):
    """How many rows of one topic fall in one bucket in one region's whole subtree (the region and every
    region under it; region code "" for the whole country), as of the topic's last refresh.

    The region is held by code and path, not as a foreign key: core sits above the reference app
    (ARCHITECTURE.md, Layout). A jurisdiction is read from the rows of the regions it names
    (dengta.core.tallies.read), found by the unique constraint's index.
    """

    # No index of its own: the unique constraint below starts with the topic.
    topic = models.ForeignKey(
        TallyTopic, on_delete=models.CASCADE, related_name="rows", db_column="topic", db_index=False
    )
    region_code = models.CharField(_("区划代码"), max_length=12)
    region_path = models.CharField(_("区划路径"), max_length=64)
    bucket = models.CharField(_("分组"), max_length=40)
    count = models.PositiveBigIntegerField(_("数量"))

    class Meta:
        verbose_name = _("分地区统计")
        verbose_name_plural = _("分地区统计")
        constraints = [
            models.UniqueConstraint(
                fields=["topic", "region_code", "bucket"], name="core_regiontally_one_row_per_bucket"
            )
        ]

    def __str__(self) -> str:
        return f"{self.topic_id} {self.region_code} {self.bucket}: {self.count}"
