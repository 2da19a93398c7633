from django.urls import path

from dengta.cases import views

app_name = "cases"

urlpatterns = [
    # Public (no login): the published cases, one case, its PDF.
    path("", views.public_list, name="public_list"),
    path("<int:pk>/", views.public_detail, name="public_detail"),
    path("<int:pk>/pdf/", views.public_pdf, name="public_pdf"),
    path("models/", views.model_list, name="model_list"),
    path("models/<slug:code>/", views.model_detail, name="model_detail"),
    path("models/<slug:code>/summary/", views.model_summary, name="model_summary"),
    # Enterprises like you (signed in): the cases nearest to an enterprise the viewer sees.
    path("like/<int:pk>/", views.similar, name="similar"),
    # Workbench (signed in).
    path("work/", views.work_list, name="work_list"),
    path("work/<int:pk>/", views.work_detail, name="work_detail"),
    path("work/generate/<int:project>/", views.generate, name="generate"),
    path("work/<int:pk>/submit/", views.submit, name="submit"),
    path("work/<int:pk>/publish/", views.publish, name="publish"),
    path("work/<int:pk>/return/", views.return_case, name="return"),
    path("work/<int:pk>/take-down/", views.take_down, name="take_down"),
    path("work/<int:pk>/consent/", views.consent, name="consent"),
]
