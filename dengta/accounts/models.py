from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    """A person. What they may do comes from their memberships in organisations (dengta.orgs)."""

    display_name = models.CharField(_("姓名"), max_length=100, blank=True)
    phone = models.CharField(_("手机"), max_length=20, blank=True)
    preferred_language = models.CharField(
        _("界面语言"),
        max_length=10,
        choices=[("zh-hans", _("简体中文")), ("en", _("English"))],
        default="zh-hans",
    )

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        """How every page, export and log names a person (UI.md: names, not internal codes): the name they
        recorded (姓名), else first and last name, the username only when no name was recorded."""
        return self.display_name.strip() or self.get_full_name().strip() or self.username
