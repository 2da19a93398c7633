from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.templatetags.static import static as static_url
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page says: send them to the collected, fingerprinted one."""
    return redirect(static_url("dengta/favicon.ico"))


urlpatterns = [
    path("favicon.ico", favicon, name="favicon"),
    path("", include("dengta.core.urls")),
    path("accounts/", include("dengta.accounts.urls")),
    path("orgs/", include("dengta.orgs.urls")),
    path("reference/", include("dengta.reference.urls")),
    path("registry/", include("dengta.registry.urls")),
    path("assessments/", include("dengta.assessment.urls")),
    path("catalog/", include("dengta.catalog.urls")),
    path("programmes/", include("dengta.programmes.urls")),
    path("projects/", include("dengta.projects.urls")),
    path("cases/", include("dengta.cases.urls")),
    path("dashboards/", include("dengta.analytics.urls")),
    # The public verification page of issued reports, short so the printed URL and QR code stay small.
    path("v/", include("dengta.assessment.views.verification")),
    path("api/", include("dengta.api.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("django-admin/", admin.site.urls),
]

# The app's own error pages, in the layout and the person's language (dengta.core.errors).
handler400 = "dengta.core.errors.bad_request"
handler403 = "dengta.core.errors.permission_denied"
handler404 = "dengta.core.errors.page_not_found"
handler500 = "dengta.core.errors.server_error"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
