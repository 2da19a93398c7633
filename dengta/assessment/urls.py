from __future__ import annotations

from dengta.assessment.views import (
    dma,
    exports,
    frameworks,
    history_import,
    invitations,
    onsite,
    pages,
    questionnaire,
    rescoring,
)

app_name = "assessment"

urlpatterns = (
    pages.urlpatterns
    + questionnaire.urlpatterns
    + dma.urlpatterns
    + frameworks.urlpatterns
    + exports.urlpatterns
    + history_import.urlpatterns
    + rescoring.urlpatterns
    + invitations.urlpatterns
    + onsite.urlpatterns
)
