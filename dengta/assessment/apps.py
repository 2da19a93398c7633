from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "dengta.assessment"
    label = "assessment"
    verbose_name = _("数字化水平评测")

    def ready(self) -> None:
        # The home page shows the panels each app registers (dengta.core.dashboard).
        # Importing the history importer and the re-scoring comparison registers their job kinds with
        # dengta.core.jobs, in web processes and in Celery workers alike (a worker that has not imported a
        # module cannot run its jobs).
        # The exports module registers the list's export with dengta.core.exports likewise.
        from dengta.assessment import exports, history, rescoring  # noqa: F401
        from dengta.assessment.panels import register

        register()
