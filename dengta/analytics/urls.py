from django.urls import path

from dengta.analytics import evaluation_views, views

app_name = "analytics"

urlpatterns = [
    path("", views.dashboard_page, name="dashboard"),
    path("evaluation/", evaluation_views.evaluation_page, name="evaluation"),
    path("evaluation/pilots/<int:pk>/pdf/", evaluation_views.evaluation_pdf, name="evaluation_pdf"),
]
