from django.urls import path

from dengta.registry import change_views, views

app_name = "registry"
urlpatterns = [
    path("enterprises/", views.enterprise_list, name="enterprise_list"),
    path("enterprises/new/", views.enterprise_register, name="enterprise_register"),
    path("enterprises/<int:pk>/", views.enterprise_detail, name="enterprise_detail"),
    path("enterprises/<int:pk>/edit/", views.enterprise_edit, name="enterprise_edit"),
    path("mine/", views.my_enterprise, name="my_enterprise"),
    path("changes/", change_views.change_list, name="change_list"),
    path("changes/<int:pk>/", change_views.change_detail, name="change_detail"),
    path("changes/<int:pk>/confirm/", change_views.change_confirm, name="change_confirm"),
    path("changes/<int:pk>/reject/", change_views.change_reject, name="change_reject"),
    path("providers/", views.provider_list, name="provider_list"),
    path("providers/new/", views.provider_register, name="provider_register"),
    path("providers/<int:pk>/", views.provider_detail, name="provider_detail"),
    path("import/", views.import_start, name="import_start"),
    path("import/template.xlsx", views.import_template, name="import_template"),
    path("import/<int:pk>/", views.import_result, name="import_result"),
    path("import/<int:pk>/errors.xlsx", views.import_errors, name="import_errors"),
]
