"""Where the programme resources join the API's router (dengta.api.urls calls ``register``)."""

from rest_framework.routers import BaseRouter

from dengta.api.programmes.applications import ApplicationViewSet
from dengta.api.programmes.expert_reviews import ReviewViewSet
from dengta.api.programmes.views import BatchViewSet, EligibilityCodeViewSet, ProgrammeViewSet


def register(router: BaseRouter) -> None:
    """Register the programme resources on the API's router."""
    router.register("programmes", ProgrammeViewSet, basename="programme")
    router.register("batches", BatchViewSet, basename="batch")
    router.register("applications", ApplicationViewSet, basename="application")
    router.register("reviews", ReviewViewSet, basename="review")
    router.register("eligibility-codes", EligibilityCodeViewSet, basename="eligibility-code")
