"""URL patterns of the pilot-enterprise pool import (dengta.programmes.urls includes them)."""

from django.urls import URLPattern, path

from dengta.programmes import import_views

urlpatterns: list[URLPattern] = [
    path("applications/<int:pk>/pool/template.xlsx", import_views.pool_template, name="pool_template"),
    path("applications/<int:pk>/pool/import/", import_views.pool_import, name="pool_import"),
    path(
        "applications/<int:pk>/pool/errors/<int:job>.xlsx",
        import_views.pool_import_errors,
        name="pool_import_errors",
    ),
]
