from django.urls import path

from dengta.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("events/", views.event_list, name="event_list"),
    path("events/<int:seq>/", views.event_detail, name="event_detail"),
    path("jobs/<int:pk>/", views.job_status, name="job_status"),
    path("exports/<int:pk>/", views.export_job, name="export_job"),
    path("exports/<int:pk>/download/", views.export_download, name="export_download"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/<int:pk>/", views.inbox_open, name="inbox_open"),
]
