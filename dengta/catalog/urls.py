from django.urls import path

from dengta.catalog.views import pools, products, public, quotes

app_name = "catalog"

urlpatterns = [
    # Public (no login): the catalogue, products, comparison, providers' public pages.
    path("", public.catalogue, name="catalogue"),
    path("products/<int:pk>/", public.product_detail, name="product_detail"),
    path("compare/", public.compare, name="compare"),
    path("providers/<int:pk>/", public.provider_public, name="provider_public"),
    # Pools and admission.
    path("pools/", pools.pool_list, name="pool_list"),
    path("pools/new/", pools.pool_create, name="pool_create"),
    path("pools/<int:pk>/", pools.pool_detail, name="pool_detail"),
    path("pools/<int:pk>/edit/", pools.pool_edit, name="pool_edit"),
    path("pools/<int:pool_pk>/apply/", pools.admission_create, name="admission_create"),
    path("admissions/<int:pk>/", pools.admission_detail, name="admission_detail"),
    path("admissions/<int:pk>/edit/", pools.admission_edit, name="admission_edit"),
    path("admissions/<int:pk>/opinion/", pools.admission_opinion, name="admission_opinion"),
    path("admissions/<int:pk>/documents/", pools.admission_document, name="admission_document"),
    path("admissions/<int:pk>/govern/", pools.governance_act, name="governance_act"),
    path("admissions/<int:pk>/<slug:step>/", pools.admission_step, name="admission_step"),
    path("measures/<int:pk>/appeal/", pools.governance_appeal, name="governance_appeal"),
    path("measures/<int:pk>/appeal/decide/", pools.governance_decide_appeal, name="governance_decide_appeal"),
    path("standing/", pools.my_standing, name="my_standing"),
    path("kinds/", pools.kind_list, name="kind_list"),
    # A provider's products and their review.
    path("mine/", products.my_products, name="my_products"),
    path("mine/new/", products.product_create, name="product_create"),
    path("mine/<int:pk>/", products.product_manage, name="product_manage"),
    path("mine/<int:pk>/edit/", products.product_edit, name="product_edit"),
    path("mine/<int:pk>/<slug:step>/", products.product_step, name="product_step"),
    path("listings/", products.listing_queue, name="listing_queue"),
    # The enterprise's side and the provider's inbox.
    path("recommendations/", quotes.my_recommendations, name="my_recommendations"),
    path("recommendations/<int:pk>/", quotes.enterprise_recommendations, name="enterprise_recommendations"),
    path("shortlist/", quotes.shortlist, name="shortlist"),
    path("shortlist/<int:pk>/", quotes.shortlist_toggle, name="shortlist_toggle"),
    path("quotes/", quotes.quote_list, name="quote_list"),
    path("quotes/new/", quotes.quote_new, name="quote_new"),
    path("quotes/<int:pk>/", quotes.quote_detail, name="quote_detail"),
    path("quotes/<int:pk>/answer/", quotes.quote_answer, name="quote_answer"),
    path("quotes/<int:pk>/decide/", quotes.quote_decide, name="quote_decide"),
    path("providers/<int:pk>/rate/", quotes.rate_provider, name="rate_provider"),
    # The concentration watch.
    path("concentration/", public.concentration_page, name="concentration"),
]
