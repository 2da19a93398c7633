from django.urls import path

from dengta.reference import views

app_name = "reference"
urlpatterns = [
    path("", views.index, name="index"),
    path("regions/", views.region_list, name="region_list"),
    path("industries/", views.industry_list, name="industry_list"),
    path("sub-industries/", views.sub_industry_list, name="sub_industry_list"),
    path("size-standard/", views.size_standard, name="size_standard"),
]
