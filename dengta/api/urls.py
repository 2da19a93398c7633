from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from dengta.api import assessment, registry, views
from dengta.api.assessment.invitations import DiagnosisInvitationViewSet

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

urlpatterns = [
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
]
