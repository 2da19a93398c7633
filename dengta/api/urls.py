from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from dengta.api import assessment, calculators, dashboards, projects, registry, views
from dengta.api.assessment.invitations import DiagnosisInvitationViewSet
from dengta.api.catalog import insight as catalog_insight
from dengta.api.catalog import products as catalog_products
from dengta.api.catalog import quotes as catalog_quotes
from dengta.api.catalog import views as catalog_views
from dengta.api.programmes import routes as programme_routes

app_name = "api"

router = DefaultRouter()
router.register("organizations", views.OrganizationViewSet, basename="organization")
router.register("regions", views.RegionViewSet, basename="region")
router.register("industries", views.IndustryViewSet, basename="industry")
router.register("sub-industries", views.SubIndustryViewSet, basename="subindustry")
router.register("enterprises", registry.EnterpriseViewSet, basename="enterprise")
router.register("enterprise-changes", registry.EnterpriseChangeViewSet, basename="enterprise-change")
router.register("frameworks", assessment.FrameworkViewSet, basename="framework")
router.register("assessments", assessment.AssessmentViewSet, basename="assessment")
router.register("diagnosis-invitations", DiagnosisInvitationViewSet, basename="diagnosis-invitation")
router.register("pools", catalog_views.PoolViewSet, basename="pool")
router.register("admissions", catalog_views.AdmissionViewSet, basename="admission")
router.register("products", catalog_products.ProductViewSet, basename="product")
# Only a provider's rating (GET …/rating/, public) and enterprises' ratings (POST …/ratings/) for now: a
# provider resource of the registry would take these two as its extra actions.
router.register("providers", catalog_products.ProviderRatingViewSet, basename="provider")
router.register("quotes", catalog_quotes.QuoteViewSet, basename="quote")
programme_routes.register(router)
router.register("projects", projects.ProjectViewSet, basename="project")

urlpatterns = [
    # Looked up by credit code, beside the enterprise resource (which takes ids).
    path(
        "v1/enterprises/<str:uscc>/recommendations/",
        catalog_insight.EnterpriseRecommendationsView.as_view(),
        name="enterprise-recommendations",
    ),
    path("v1/concentration/", catalog_insight.ConcentrationView.as_view(), name="concentration"),
    path("v1/calculators/cost-split/", calculators.CostSplitView.as_view(), name="calculator-cost-split"),
    path("v1/calculators/gain-share/", calculators.GainShareView.as_view(), name="calculator-gain-share"),
    path("v1/pilots/<int:pk>/ledger/", projects.PilotLedgerView.as_view(), name="pilot-ledger"),
    path("v1/dashboards/summary/", dashboards.SummaryView.as_view(), name="dashboard-summary"),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
]
