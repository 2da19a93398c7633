from django.urls import path

from dengta.programmes import document_urls, import_urls, review_views, views

app_name = "programmes"

urlpatterns = [
    path("", views.batch_list, name="batch_list"),
    path("batches/<int:pk>/apply/", views.application_create, name="application_create"),
    path("applications/", views.application_list, name="application_list"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/plan/", views.application_plan, name="application_plan"),
    path(
        "applications/<int:pk>/plan/autosave/",
        views.application_plan_autosave,
        name="application_plan_autosave",
    ),
    path(
        "applications/<int:pk>/sub-industries/",
        views.application_add_sub_industry,
        name="application_add_sub_industry",
    ),
    path("applications/<int:pk>/providers/", views.application_add_provider, name="application_add_provider"),
    path(
        "applications/<int:pk>/enterprises/",
        views.application_add_enterprise,
        name="application_add_enterprise",
    ),
    path(
        "applications/<int:pk>/enterprises/remove/",
        views.application_remove_enterprise,
        name="application_remove_enterprise",
    ),
    path("applications/<int:pk>/submit/", views.application_submit, name="application_submit"),
    path("applications/<int:pk>/withdraw/", views.application_withdraw, name="application_withdraw"),
    path("applications/<int:pk>/review/", views.application_start_review, name="application_start_review"),
    path("applications/<int:pk>/return/", views.application_return, name="application_return"),
    path("applications/<int:pk>/reject/", views.application_reject, name="application_reject"),
    path("applications/<int:pk>/approve/", views.application_approve, name="application_approve"),
    path("batches/<int:pk>/ranking/", review_views.batch_ranking, name="batch_ranking"),
    path("batches/<int:pk>/decide/", review_views.batch_decide, name="batch_decide"),
    path("applications/<int:pk>/assign/", review_views.application_assign, name="application_assign"),
    path("batches/<int:pk>/method/", review_views.batch_review_method, name="batch_review_method"),
    path("reviews/", review_views.review_list, name="review_list"),
    path("reviews/conflicts/", review_views.review_conflict, name="review_conflict"),
    path("reviews/<int:pk>/", review_views.review_detail, name="review_detail"),
    *import_urls.urlpatterns,
    *document_urls.urlpatterns,
]
