"""URL patterns of the programme exports and the printable application (dengta.programmes.urls includes
them)."""

from django.urls import URLPattern, path

from dengta.programmes import document_views

urlpatterns: list[URLPattern] = [
    path("applications/<int:pk>/application.pdf", document_views.application_pdf, name="application_pdf"),
    path(
        "applications/<int:pk>/pools.xlsx",
        document_views.application_pools_xlsx,
        name="application_pools_xlsx",
    ),
    path("batches/<int:pk>/reviews.xlsx", document_views.batch_reviews_xlsx, name="batch_reviews_xlsx"),
]
