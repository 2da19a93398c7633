"""The access matrix: every URL pattern of the project, for every member of the cast, answers what the role
table says (ARCHITECTURE.md conventions 15 and 16).

The walk goes through the URL resolver, so a new page that is not listed in ROUTES below fails the test until
it says which capability (dengta.core.capabilities, granted by dengta.orgs.roles.ROLE_TABLE) opens it and
which sample object its URL takes. Each member's expectation then comes from the table, not from the view:

- the sample object is not visible to the member (the rows ``visible_to`` gives them): 404;
- the member lacks the route's capability: 403;
- otherwise: 200, or 302 where the page redirects (to a form's next step, a file, a login).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from rest_framework.authtoken.models import Token

from dengta.assessment.tests.conftest import (  # noqa: F401  (fixtures)
    frameworks,
    registered,
    self_assessment,
    sized,
    world,
)
from dengta.core.capabilities import Capability as C
from dengta.orgs.roles import ROLE_TABLE

# The assessment app's fixtures are imported above, so the test's ``world`` argument "redefines" one.
# ruff: noqa: F811

pytestmark = pytest.mark.django_db

ALLOWED = (200, 302)


@dataclass(frozen=True)
class Route:
    """How to reach one URL pattern and what opens it.

    need: the capability the page asks for (None: any member of an organisation);
    sample: the key of the sample object whose id the URL takes (see ``samples``), or None;
    public: open without logging in (the member's status is then simply not a refusal);
    api: an API endpoint (called with the member's token, like an integration);
    post: the route only takes POST (a GET answers 405 to a member who may use it, a refusal otherwise).
    """

    need: C | None = None
    sample: str | None = None
    public: bool = False
    api: bool = False
    post: bool = False
    not_found: bool = False  # the cast has nothing this route could act on: 404 for every member
    # Only the sample's owning organisation may act (a pool's owner decides its applications, a provider edits
    # its own products): other members who hold the capability and see the row get 403 with the reason.
    owner: bool = False
    data: str | None = None  # the key of the POST data (see ``post_data``); none: an empty POST
    delete: bool = False  # the route only takes DELETE (sent instead of the POST)


ROUTES: dict[str, Route] = {
    "favicon": Route(public=True),
    "core:home": Route(C.USE_WORKBENCH),
    "core:event_list": Route(C.VIEW_EVENTS),
    "core:event_detail": Route(C.VIEW_EVENTS, sample="event"),
    "core:job_status": Route(sample="job"),
    "core:export_job": Route(sample="missing"),
    "core:export_download": Route(sample="missing"),
    "core:inbox": Route(),
    "core:inbox_open": Route(sample="missing"),
    "accounts:login": Route(public=True),
    "accounts:logout": Route(public=True, post=True),
    "accounts:profile": Route(),
    "orgs:organization_list": Route(C.LIST_ORGANIZATIONS),
    "orgs:organization_detail": Route(sample="organization"),
    "orgs:switch": Route(post=True, not_found=True),  # one organisation each: nothing to switch to
    "reference:index": Route(C.VIEW_REFERENCE),
    "reference:region_list": Route(C.VIEW_REFERENCE),
    "reference:industry_list": Route(C.VIEW_REFERENCE),
    "reference:sub_industry_list": Route(C.VIEW_REFERENCE),
    "reference:size_standard": Route(C.VIEW_REFERENCE),
    "registry:enterprise_list": Route(C.LIST_ENTERPRISES),
    "registry:enterprise_register": Route(C.REGISTER_ENTERPRISE),
    "registry:enterprise_detail": Route(sample="enterprise"),
    "registry:enterprise_edit": Route(C.EDIT_ENTERPRISE, sample="enterprise"),
    "registry:my_enterprise": Route(C.VIEW_OWN_ENTERPRISE),
    "registry:change_list": Route(C.VIEW_ENTERPRISE_CHANGES),
    "registry:change_detail": Route(sample="missing"),
    "registry:change_confirm": Route(sample="missing", post=True),
    "registry:change_reject": Route(sample="missing", post=True),
    "registry:provider_list": Route(C.LIST_PROVIDERS),
    "registry:provider_register": Route(C.REGISTER_PROVIDER),
    "registry:provider_detail": Route(sample="provider"),
    "registry:import_start": Route(C.IMPORT_ENTERPRISES),
    "registry:import_template": Route(C.IMPORT_ENTERPRISES),
    "registry:import_result": Route(sample="job"),
    "registry:import_errors": Route(sample="missing"),
    "assessment:list": Route(C.VIEW_ASSESSMENTS),
    "assessment:start_self": Route(C.SELF_ASSESS),
    "assessment:start_diagnosis": Route(C.DIAGNOSE),
    "assessment:assign_onsite": Route(C.ARRANGE_ONSITE),
    "assessment:detail": Route(sample="assessment"),
    "assessment:declare_coi": Route(C.ASSESS_ONSITE, sample="assessment", post=True),
    "assessment:sign_off": Route(C.ASSESS_ONSITE, sample="assessment"),
    "assessment:correct": Route(C.SELF_ASSESS, sample="assessment", post=True),
    "assessment:add_evidence": Route(sample="missing", post=True),  # drafts only
    "assessment:fill": Route(sample="assessment"),  # a scored one: sent back to its page
    "assessment:fill_step": Route(sample="assessment_step"),
    "assessment:autosave": Route(sample="missing_step", post=True),  # drafts only
    "assessment:submit": Route(sample="assessment", post=True),
    "assessment:dma_fill": Route(sample="missing"),  # EU DMA drafts only
    "assessment:dma_fill_step": Route(sample="missing_step"),
    "assessment:dma_autosave": Route(sample="missing_step", post=True),
    "assessment:dma_submit": Route(sample="missing", post=True),
    "assessment:framework_list": Route(C.VIEW_ASSESSMENTS),
    "assessment:framework_detail": Route(C.VIEW_ASSESSMENTS, sample="framework"),
    "assessment:framework_rule": Route(C.REVISE_LEVEL_RULE, sample="framework"),
    "assessment:framework_confirm": Route(C.REVISE_LEVEL_RULE, sample="framework", post=True),
    "assessment:report_pdf": Route(sample="assessment"),
    "assessment:answers_xlsx": Route(sample="assessment"),
    "assessment:history_import": Route(C.IMPORT_ASSESSMENT_HISTORY),
    "assessment:history_import_template": Route(C.IMPORT_ASSESSMENT_HISTORY),
    "assessment:history_import_result": Route(sample="missing"),
    "assessment:history_import_errors": Route(sample="missing"),
    "assessment:rescore_start": Route(C.REVISE_LEVEL_RULE, sample="framework", post=True),
    "assessment:rescore_result": Route(C.REVISE_LEVEL_RULE, sample="missing"),
    "assessment:rescore_changes": Route(C.REVISE_LEVEL_RULE, sample="missing"),
    "assessment:invitations": Route(C.USE_INVITATIONS),
    "assessment:invite_provider": Route(C.SELF_ASSESS, post=True, data="provider"),
    "assessment:request_invitation": Route(C.DIAGNOSE, post=True),
    "assessment:answer_invitation": Route(sample="missing", post=True),
    "assessment:withdraw_invitation": Route(sample="missing", post=True),
    "assessment:evidence_file": Route(sample="missing_evidence"),
    "assessment:evidence_remove": Route(sample="missing_evidence", post=True),
    "assessment:calendar": Route(sample="missing"),  # on-site visits only
    "verify:report": Route(public=True, sample="token"),
    "api:organization-list": Route(C.LIST_ORGANIZATIONS, api=True),
    "api:organization-detail": Route(api=True, sample="organization"),
    "api:dashboard-summary": Route(C.VIEW_DASHBOARDS, api=True),
    "api:region-list": Route(C.VIEW_REFERENCE, api=True),
    "api:region-detail": Route(C.VIEW_REFERENCE, api=True, sample="region"),
    "api:industry-list": Route(C.VIEW_REFERENCE, api=True),
    "api:industry-detail": Route(C.VIEW_REFERENCE, api=True, sample="industry"),
    "api:subindustry-list": Route(C.VIEW_REFERENCE, api=True),
    "api:subindustry-detail": Route(C.VIEW_REFERENCE, api=True, sample="missing_code"),
    "api:enterprise-list": Route(C.LIST_ENTERPRISES, api=True),
    "api:enterprise-detail": Route(api=True, sample="enterprise"),
    "api:enterprise-change-list": Route(C.VIEW_ENTERPRISE_CHANGES, api=True),
    "api:enterprise-change-detail": Route(api=True, sample="missing"),
    "api:enterprise-change-confirm": Route(api=True, sample="missing", post=True),
    "api:enterprise-change-reject": Route(api=True, sample="missing", post=True),
    "api:diagnosis-invitation-list": Route(C.USE_INVITATIONS, api=True),
    "api:diagnosis-invitation-detail": Route(api=True, sample="missing"),
    "api:diagnosis-invitation-accept": Route(api=True, sample="missing", post=True),
    "api:diagnosis-invitation-decline": Route(api=True, sample="missing", post=True),
    "api:diagnosis-invitation-withdraw": Route(api=True, sample="missing", post=True),
    "api:diagnosis-invitation-request-invitation": Route(C.DIAGNOSE, api=True, post=True),
    "api:framework-list": Route(C.VIEW_ASSESSMENTS, api=True),
    "api:framework-detail": Route(C.VIEW_ASSESSMENTS, api=True, sample="framework_code"),
    "api:assessment-list": Route(C.VIEW_ASSESSMENTS, api=True),
    "api:assessment-detail": Route(api=True, sample="assessment"),
    "api:assessment-answers": Route(api=True, sample="assessment", post=True),
    "api:assessment-correct": Route(C.SELF_ASSESS, api=True, sample="assessment", post=True),
    "api:assessment-declare-coi": Route(C.ASSESS_ONSITE, api=True, sample="assessment", post=True),
    "api:assessment-report": Route(api=True, sample="assessment"),
    "api:assessment-evidence": Route(api=True, sample="assessment"),
    "api:assessment-evidence-item": Route(api=True, sample="missing_evidence"),
    "api:assessment-sign-off": Route(C.ASSESS_ONSITE, api=True, sample="assessment", post=True),
    "api:assessment-submit": Route(api=True, sample="assessment", post=True),
    "api:api-root": Route(api=True),
    "api:schema": Route(C.VIEW_API_DOCS, api=True),
    "api:docs": Route(public=True),  # the Swagger page itself; the schema it loads needs a member
    # The catalogue's API (dengta.api.catalog) asks the same rules as the catalogue's pages below.
    "api:pool-list": Route(C.VIEW_POOLS, api=True),
    "api:pool-detail": Route(C.VIEW_POOLS, api=True, sample="pool"),
    "api:admission-list": Route(C.VIEW_POOLS, api=True),
    "api:admission-detail": Route(api=True, sample="admission"),
    "api:admission-submit": Route(C.APPLY_TO_POOLS, api=True, sample="admission", post=True, owner=True),
    "api:admission-withdraw": Route(C.APPLY_TO_POOLS, api=True, sample="admission", post=True, owner=True),
    "api:admission-start-review": Route(
        C.REVIEW_ADMISSIONS, api=True, sample="admission_by_owner", post=True, owner=True
    ),
    "api:admission-decide": Route(
        C.REVIEW_ADMISSIONS, api=True, sample="admission_by_owner", post=True, owner=True
    ),
    "api:admission-opinion": Route(C.GIVE_ADMISSION_OPINIONS, api=True, sample="admission", post=True),
    "api:admission-govern": Route(
        C.GOVERN_PROVIDERS, api=True, sample="admission_by_owner", post=True, owner=True
    ),
    "api:product-list": Route(public=True, api=True),
    "api:product-detail": Route(public=True, api=True, sample="product"),
    "api:product-submit": Route(C.MANAGE_PRODUCTS, api=True, sample="product", post=True, owner=True),
    # Reviewing and delisting also ask whether the provider lies in the jurisdiction, which no sample's
    # owner says: their refusals are tested in dengta/api/tests/test_catalog_api.py.
    "api:product-review": Route(C.REVIEW_LISTINGS, api=True, sample="missing", post=True),
    "api:product-delist": Route(api=True, sample="missing", post=True),
    "api:provider-rating": Route(public=True, api=True, sample="provider_public"),
    "api:provider-ratings": Route(C.RATE_PROVIDERS, api=True, sample="provider_public", post=True),
    "api:quote-list": Route(C.VIEW_QUOTES, api=True),
    "api:quote-detail": Route(api=True, sample="quote"),
    "api:quote-answer": Route(C.ANSWER_QUOTES, api=True, sample="quote", post=True, owner=True),
    "api:quote-accept": Route(
        C.REQUEST_QUOTES, api=True, sample="quote_by_enterprise", post=True, owner=True
    ),
    "api:quote-withdraw": Route(
        C.REQUEST_QUOTES, api=True, sample="quote_by_enterprise", post=True, owner=True
    ),
    # The enterprise itself (VIEW_RECOMMENDATIONS) and the staff who see it (LIST_ENTERPRISES).
    "api:enterprise-recommendations": Route(api=True, sample="own_enterprise_uscc"),
    "api:concentration": Route(C.VIEW_CONCENTRATION, api=True),
    "api:calculator-cost-split": Route(api=True, post=True),
    "api:calculator-gain-share": Route(api=True, post=True),
    # Programme administration (docs/programmes.md): the application sample is 广州's draft.
    "api:programme-list": Route(C.VIEW_APPLICATIONS, api=True),
    "api:programme-detail": Route(C.VIEW_APPLICATIONS, api=True, sample="programme"),
    "api:batch-list": Route(C.VIEW_APPLICATIONS, api=True),
    "api:batch-detail": Route(C.VIEW_APPLICATIONS, api=True, sample="batch"),
    "api:eligibility-code-list": Route(api=True),
    "api:application-list": Route(C.VIEW_APPLICATIONS, api=True),
    "api:application-detail": Route(api=True, sample="application"),
    "api:application-sub-industries": Route(api=True, sample="application"),
    "api:application-providers": Route(api=True, sample="application"),
    "api:application-enterprises": Route(api=True, sample="application"),
    "api:application-enterprise-remove": Route(
        C.APPLY_FOR_PILOTS, api=True, sample="application_pool_row", post=True, owner=True, delete=True
    ),
    "api:application-enterprise-import": Route(
        C.APPLY_FOR_PILOTS, api=True, sample="application", post=True, owner=True
    ),
    "api:application-submit": Route(
        C.APPLY_FOR_PILOTS, api=True, sample="application", post=True, owner=True
    ),
    "api:application-withdraw": Route(
        C.APPLY_FOR_PILOTS, api=True, sample="application", post=True, owner=True
    ),
    "api:application-start-review": Route(C.REVIEW_APPLICATIONS, api=True, sample="application", post=True),
    "api:application-return-": Route(C.REVIEW_APPLICATIONS, api=True, sample="application", post=True),
    "api:application-reject": Route(C.REVIEW_APPLICATIONS, api=True, sample="application", post=True),
    "api:application-approve": Route(C.REVIEW_APPLICATIONS, api=True, sample="application", post=True),
    "api:review-list": Route(C.VIEW_APPLICATION_REVIEWS, api=True),
    # A review is its expert's and the staff's: the cast has none, so every member finds none.
    "api:review-detail": Route(api=True, sample="missing"),
    "api:review-submit": Route(api=True, sample="missing", post=True),
    "catalog:catalogue": Route(public=True),
    "catalog:product_detail": Route(public=True, sample="product"),
    "catalog:compare": Route(public=True),
    "catalog:provider_public": Route(public=True, sample="provider_public"),
    "catalog:pool_list": Route(C.VIEW_POOLS),
    "catalog:pool_create": Route(C.MANAGE_POOLS),
    "catalog:pool_detail": Route(C.VIEW_POOLS, sample="pool"),
    "catalog:pool_edit": Route(C.MANAGE_POOLS, sample="pool", owner=True),
    "catalog:admission_create": Route(C.APPLY_TO_POOLS, sample="pool_apply"),
    "catalog:admission_detail": Route(sample="admission"),
    "catalog:admission_edit": Route(C.APPLY_TO_POOLS, sample="admission", owner=True),
    "catalog:admission_opinion": Route(C.GIVE_ADMISSION_OPINIONS, sample="admission", post=True),
    "catalog:admission_document": Route(C.APPLY_TO_POOLS, sample="admission", post=True, owner=True),
    "catalog:governance_act": Route(C.GOVERN_PROVIDERS, sample="admission_by_owner", post=True, owner=True),
    "catalog:admission_step": Route(C.REVIEW_ADMISSIONS, sample="admission_step", post=True, owner=True),
    "catalog:governance_appeal": Route(C.APPLY_TO_POOLS, sample="measure", post=True, owner=True),
    "catalog:governance_decide_appeal": Route(
        C.REVIEW_ADMISSIONS, sample="measure_by_owner", post=True, owner=True
    ),
    "catalog:my_standing": Route(C.PROVIDER_WORKSPACE),
    "catalog:kind_list": Route(C.EDIT_PROVIDER_KINDS),
    "catalog:my_products": Route(C.PROVIDER_WORKSPACE),
    "catalog:product_create": Route(C.MANAGE_PRODUCTS),
    "catalog:product_manage": Route(sample="product"),
    "catalog:product_edit": Route(C.MANAGE_PRODUCTS, sample="product", owner=True),
    "catalog:product_step": Route(C.MANAGE_PRODUCTS, sample="product_step", post=True, owner=True),
    "catalog:listing_queue": Route(C.REVIEW_LISTINGS),
    "catalog:my_recommendations": Route(C.VIEW_RECOMMENDATIONS),
    "catalog:enterprise_recommendations": Route(C.LIST_ENTERPRISES, sample="enterprise"),
    "catalog:shortlist": Route(C.REQUEST_QUOTES),
    "catalog:shortlist_toggle": Route(C.REQUEST_QUOTES, sample="product", post=True),
    "catalog:quote_list": Route(C.VIEW_QUOTES),
    "catalog:quote_new": Route(C.REQUEST_QUOTES),
    "catalog:quote_detail": Route(sample="quote"),
    "catalog:quote_answer": Route(C.ANSWER_QUOTES, sample="quote", post=True, owner=True),
    "catalog:quote_decide": Route(C.REQUEST_QUOTES, sample="quote_by_enterprise", post=True, owner=True),
    "catalog:rate_provider": Route(C.RATE_PROVIDERS, sample="provider_public"),
    "catalog:concentration": Route(C.VIEW_CONCENTRATION),
    # Programme administration: an authority applies for its own organisation; the ministry's programme
    # staff review. A batch's window that has closed answers 409 to an authority (still allowed here).
    "programmes:batch_list": Route(C.VIEW_APPLICATIONS),
    "programmes:application_create": Route(C.APPLY_FOR_PILOTS, sample="batch", post=True),
    "programmes:application_list": Route(C.VIEW_APPLICATIONS),
    "programmes:application_detail": Route(sample="application"),
    "programmes:application_plan": Route(C.APPLY_FOR_PILOTS, sample="application", post=True, owner=True),
    "programmes:application_plan_autosave": Route(
        C.APPLY_FOR_PILOTS, sample="application", post=True, owner=True
    ),
    "programmes:application_add_sub_industry": Route(
        C.APPLY_FOR_PILOTS, sample="application", post=True, owner=True
    ),
    "programmes:application_add_provider": Route(
        C.APPLY_FOR_PILOTS, sample="application", post=True, owner=True
    ),
    "programmes:application_add_enterprise": Route(
        C.APPLY_FOR_PILOTS, sample="application", post=True, owner=True
    ),
    "programmes:application_remove_enterprise": Route(
        C.APPLY_FOR_PILOTS, sample="application", post=True, owner=True
    ),
    "programmes:application_submit": Route(C.APPLY_FOR_PILOTS, sample="application", post=True, owner=True),
    "programmes:application_withdraw": Route(C.APPLY_FOR_PILOTS, sample="application", post=True, owner=True),
    "programmes:application_start_review": Route(C.REVIEW_APPLICATIONS, sample="application", post=True),
    "programmes:application_return": Route(C.REVIEW_APPLICATIONS, sample="application", post=True),
    "programmes:application_reject": Route(C.REVIEW_APPLICATIONS, sample="application", post=True),
    "programmes:application_approve": Route(C.REVIEW_APPLICATIONS, sample="application", post=True),
    "programmes:application_assign": Route(C.REVIEW_APPLICATIONS, sample="application", post=True),
    "programmes:batch_ranking": Route(C.REVIEW_APPLICATIONS, sample="batch"),
    "programmes:batch_decide": Route(C.REVIEW_APPLICATIONS, sample="batch", post=True),
    "programmes:review_list": Route(C.REVIEW_AS_EXPERT),
    "programmes:review_conflict": Route(C.REVIEW_AS_EXPERT, post=True),
    "programmes:batch_review_method": Route(C.REVIEW_APPLICATIONS, sample="batch", post=True),
    "programmes:application_pdf": Route(sample="application"),
    "programmes:application_pools_xlsx": Route(sample="application"),
    "programmes:batch_reviews_xlsx": Route(C.REVIEW_APPLICATIONS, sample="batch"),
    "programmes:pool_import": Route(C.APPLY_FOR_PILOTS, sample="application", post=True, owner=True),
    "programmes:pool_template": Route(C.APPLY_FOR_PILOTS, sample="application", owner=True),
    # No import has failed in the cast, so there is no error report to fetch.
    "programmes:pool_import_errors": Route(sample="application_job", not_found=True),
    # An assignment is its expert's alone: the cast has none, so every member finds none.
    "programmes:review_detail": Route(C.REVIEW_AS_EXPERT, sample="missing"),
    "set_language": Route(public=True, post=True),
    "javascript-catalog": Route(public=True),
    # Retrofit projects: the provider's steps are its own, the enterprise's its own (``owner``); the
    # authority's steps need the jurisdiction (the row is visible) and the capability.
    "api:project-list": Route(C.VIEW_PROJECTS, api=True),
    "api:project-detail": Route(C.VIEW_PROJECTS, api=True, sample="project"),
    "api:project-step": Route(C.DECIDE_PROJECTS, api=True, sample="project_step", post=True),
    "api:project-milestones": Route(C.VIEW_PROJECTS, api=True, sample="project"),
    "api:project-milestone-done": Route(C.FILE_PROJECTS, api=True, sample="project", post=True, owner=True),
    "api:project-documents": Route(C.VIEW_PROJECTS, api=True, sample="project"),
    "api:project-invoices": Route(C.VIEW_PROJECTS, api=True, sample="project"),
    "api:project-payments": Route(C.VIEW_PROJECTS, api=True, sample="project"),
    "api:project-evaluation": Route(C.EVALUATE_PROJECTS, api=True, sample="project", post=True),
    "api:project-evaluation-assign": Route(C.DECIDE_PROJECTS, api=True, sample="project", post=True),
    "api:project-rating": Route(
        C.RUN_ENTERPRISE_PROJECTS, api=True, sample="project_by_enterprise", post=True, owner=True
    ),
    "api:project-funding": Route(C.VIEW_PROJECTS, api=True, sample="project"),
    "api:project-pay": Route(C.PAY_SUBSIDIES, api=True, sample="project", post=True),
    "api:pilot-ledger": Route(C.VIEW_LEDGER, api=True, sample="pilot"),
    "projects:project_list": Route(C.VIEW_PROJECTS),
    "projects:project_create": Route(C.FILE_PROJECTS),
    "projects:project_detail": Route(C.VIEW_PROJECTS, sample="project"),
    "projects:project_step": Route(C.DECIDE_PROJECTS, sample="project_step", post=True),
    "projects:project_contract": Route(C.FILE_PROJECTS, sample="project", post=True, owner=True),
    "projects:milestone_add": Route(C.FILE_PROJECTS, sample="project", post=True, owner=True),
    "projects:milestone_done": Route(C.FILE_PROJECTS, sample="project_milestone", post=True, owner=True),
    "projects:document_add": Route(C.VIEW_PROJECTS, sample="project_either_side", post=True, owner=True),
    "projects:document_download": Route(C.VIEW_PROJECTS, sample="project_document"),
    "projects:invoice_add": Route(C.FILE_PROJECTS, sample="project", post=True, owner=True),
    "projects:payment_add": Route(
        C.RUN_ENTERPRISE_PROJECTS, sample="project_by_enterprise", post=True, owner=True
    ),
    "projects:evaluation_assign": Route(C.DECIDE_PROJECTS, sample="project", post=True),
    "projects:evaluation_record": Route(C.EVALUATE_PROJECTS, sample="project", post=True),
    "projects:project_rate": Route(
        C.RUN_ENTERPRISE_PROJECTS, sample="project_by_enterprise", post=True, owner=True
    ),
    "projects:project_pay": Route(C.PAY_SUBSIDIES, sample="project", post=True),
    "projects:pilot_ledger": Route(C.VIEW_LEDGER, sample="pilot"),
    "projects:pilot_rules": Route(C.VIEW_PROJECTS, sample="pilot"),
    "projects:dossier_zip": Route(C.VIEW_PROJECTS, sample="project"),
    "projects:gain_contract": Route(C.FILE_PROJECTS, sample="project", post=True, owner=True),
    "projects:gain_statement": Route(C.FILE_PROJECTS, sample="project", post=True, owner=True),
    "projects:gain_dispute": Route(C.RUN_ENTERPRISE_PROJECTS, sample="missing", post=True),
    "projects:gain_settle": Route(C.DECIDE_PROJECTS, sample="missing", post=True),
    "projects:payment_queue": Route(C.PAY_SUBSIDIES),
    "projects:ledger_entry_reverse": Route(C.PAY_SUBSIDIES, sample="ledger_entry", post=True),
    "projects:payment_batch_pay": Route(C.PAY_SUBSIDIES, post=True),
    "projects:payment_batch_xlsx": Route(C.VIEW_LEDGER, sample="payment_batch"),
    "analytics:dashboard": Route(C.VIEW_DASHBOARDS),
    "analytics:evaluation": Route(C.VIEW_DASHBOARDS),
    "analytics:evaluation_pdf": Route(C.VIEW_DASHBOARDS, sample="pilot"),
    "cases:public_list": Route(public=True),
    "cases:public_detail": Route(public=True, sample="missing"),
    "cases:public_pdf": Route(public=True, sample="missing"),
    "cases:model_list": Route(public=True),
    "cases:model_detail": Route(public=True, sample="missing_code"),
    "cases:model_summary": Route(C.REVIEW_CASES, sample="missing_code", post=True),
    "cases:similar": Route(C.VIEW_CASES, sample="enterprise"),
    "cases:work_list": Route(C.VIEW_CASES),
    "cases:work_detail": Route(C.VIEW_CASES, sample="missing"),
    "cases:generate": Route(C.WRITE_CASES, sample="missing_project", post=True),
    "cases:submit": Route(C.WRITE_CASES, sample="missing", post=True),
    "cases:publish": Route(C.REVIEW_CASES, sample="missing", post=True),
    "cases:return": Route(C.REVIEW_CASES, sample="missing", post=True),
    "cases:take_down": Route(C.REVIEW_CASES, sample="missing", post=True),
    "cases:consent": Route(C.CONSENT_TO_CASES, sample="missing", post=True),
}


def walk(resolver: URLResolver, prefix: str = "", namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from walk(pattern, prefix + str(pattern.pattern), inner)
        elif pattern.name:
            yield (f"{namespace}:{pattern.name}" if namespace else pattern.name), pattern


def project_routes() -> set[str]:
    """The names of every page and endpoint, Django's own admin and format-suffix twins aside (the admin has
    its own staff-user permissions; a format suffix is the same view under the same name)."""
    return {name for name, _pattern in walk(get_resolver()) if not name.startswith("admin:")}


def test_every_url_pattern_is_in_the_matrix() -> None:
    routes = project_routes()
    assert routes - set(ROUTES) == set(), "pages missing from ROUTES (say what opens them)"
    assert set(ROUTES) - routes == set(), "ROUTES lists pages that no longer exist"


def test_every_capability_is_in_the_role_table_and_the_matrix() -> None:
    assert set(ROLE_TABLE) == set(C)
    used = {route.need for route in ROUTES.values() if route.need is not None}
    # Capabilities that open no page of their own (they change what a page shows or allows).
    not_pages = {C.EDIT_OWN_PROFILE, C.STAFF_TOOLS_IN_NAVIGATION, C.IMPORT_ENTERPRISES} - used
    assert set(C) - used - not_pages == set()


@dataclass
class Sample:
    kwargs: dict[str, Any]
    visible: Callable[[Any], bool]  # viewer -> whether the object is visible to them
    owner: Callable[[Any], bool] | None = None  # viewer -> whether they belong to the owning organisation


def samples(world: Any) -> dict[str, Sample]:
    from dengta.assessment.models import Assessment, Framework
    from dengta.core.models import Event, Job
    from dengta.orgs.models import Organization
    from dengta.registry.models import Enterprise, Provider
    from dengta.registry.selectors import IMPORT_JOB_KIND

    tianhe = world.registered.tianhe
    scored = self_assessment(world)  # the cast enterprise's own, scored
    provider = Provider.objects.create(organization=world.orgs["provider"], uscc="91440106MA5ABCDE99")
    event = Event.objects.filter(target_type="registry.enterprise").order_by("seq").first()
    job = Job.objects.create(
        kind=IMPORT_JOB_KIND,
        created_by=world.members["guangzhou"].user,
        organization_id_ref=world.orgs["guangzhou"].pk,
    )
    # A provisional MIIT 2024 version: the one whose level rule can be corrected and re-scored.
    framework = Framework.objects.filter(kind=Framework.Kind.MIIT2024).order_by("code", "version").first()
    assert event is not None and framework is not None

    def sees(qs: Any, pk: int) -> Callable[[Any], bool]:
        return lambda viewer: qs.visible_to(viewer).filter(pk=pk).exists()

    catalogue = catalogue_samples(world, provider, tianhe)
    programme = programme_samples(world)
    project = project_samples(world, provider)
    missing = 999_999
    return {
        **catalogue,
        **programme,
        **project,
        "enterprise": Sample({"pk": tianhe.pk}, sees(Enterprise.objects, tianhe.pk)),
        "own_enterprise_uscc": Sample(
            {"uscc": world.registered.own.uscc}, sees(Enterprise.objects, world.registered.own.pk)
        ),
        "provider": Sample({"pk": provider.pk}, sees(Provider.objects, provider.pk)),
        "organization": Sample(
            {"pk": world.orgs["guangzhou"].pk}, sees(Organization.objects, world.orgs["guangzhou"].pk)
        ),
        "assessment": Sample({"pk": scored.pk}, sees(Assessment.objects, scored.pk)),
        "assessment_step": Sample({"pk": scored.pk, "step": 0}, sees(Assessment.objects, scored.pk)),
        "event": Sample({"seq": event.seq}, sees(Event.objects, event.pk)),
        "job": Sample({"pk": job.pk}, lambda viewer: viewer.user == job.created_by),
        "framework": Sample({"code": framework.code, "version": framework.version}, lambda viewer: True),
        "framework_code": Sample({"code": framework.code}, lambda viewer: True),
        "region": Sample({"code": "440106"}, lambda viewer: True),
        "industry": Sample({"code": "C3670"}, lambda viewer: True),
        "missing": Sample({"pk": missing}, lambda viewer: False),
        "missing_project": Sample({"project": missing}, lambda viewer: False),
        "missing_code": Sample({"code": "NO-SUCH-CODE"}, lambda viewer: False),
        "missing_step": Sample({"pk": missing, "step": 0}, lambda viewer: False),
        "missing_evidence": Sample({"pk": scored.pk, "evidence_pk": missing}, lambda viewer: False),
        "token": Sample({"token": "no-such-token"}, lambda viewer: False),
    }


def catalogue_samples(world: Any, provider: Any, tianhe: Any) -> dict[str, Sample]:
    """A pool of the 广州 authority with the cast provider admitted, a measure on it, a listed product and a
    quote request from the cast enterprise."""
    from decimal import Decimal

    from dengta.catalog.models import Admission, GovernanceAction, Pool, Product, ProductLift, QuoteRequest
    from dengta.registry.models import Enterprise

    owner = world.orgs["guangzhou"]
    pool = Pool.objects.create(owner=owner, name="广州市数字化转型服务商库", period=2026)
    admission = Admission.objects.create(
        pool=pool, provider=provider, kind_id="scenario", state="admitted", capacity=5
    )
    measure = GovernanceAction.objects.create(
        admission=admission,
        kind="warning",
        reason="交付延期",
        rectify_by="2099-01-01",
        standing_before="good",
        decided_by=world.members["guangzhou"].user,
    )
    product = Product.objects.create(
        provider=provider,
        name="质量追溯SaaS",
        description="轻量化质量追溯",
        category="software",
        deployment="saas",
        list_price=Decimal("30000"),
        pilot_price=Decimal("24000"),
        delivery_days=30,
        framework_code="miit-2024-manufacturing",
        framework_version="2024",
        state="listed",
    )
    ProductLift.objects.create(product=product, kind="scenario", code="quality", level=2)
    own = Enterprise.objects.filter(organization=world.orgs["enterprise"]).first() or tianhe
    quote = QuoteRequest.objects.create(
        enterprise=own, provider=provider, requested_by=world.members["enterprise"].user
    )
    quote.products.set([product])

    def sees(qs: Any, pk: int) -> Callable[[Any], bool]:
        return lambda viewer: qs.visible_to(viewer).filter(pk=pk).exists()

    def member_of(org_id: int) -> Callable[[Any], bool]:
        return lambda viewer: viewer.organization_id == org_id

    provider_org = provider.organization_id
    return {
        "pool": Sample({"pk": pool.pk}, sees(Pool.objects, pool.pk), member_of(owner.pk)),
        "pool_apply": Sample({"pool_pk": pool.pk}, sees(Pool.objects, pool.pk)),
        "admission": Sample(
            {"pk": admission.pk}, sees(Admission.objects, admission.pk), member_of(provider_org)
        ),
        "admission_by_owner": Sample(
            {"pk": admission.pk}, sees(Admission.objects, admission.pk), member_of(owner.pk)
        ),
        "admission_step": Sample(
            {"pk": admission.pk, "step": "start_review"},
            sees(Admission.objects, admission.pk),
            member_of(owner.pk),
        ),
        "measure": Sample(
            {"pk": measure.pk}, sees(GovernanceAction.objects, measure.pk), member_of(provider_org)
        ),
        "measure_by_owner": Sample(
            {"pk": measure.pk}, sees(GovernanceAction.objects, measure.pk), member_of(owner.pk)
        ),
        "product": Sample({"pk": product.pk}, sees(Product.objects, product.pk), member_of(provider_org)),
        "product_step": Sample(
            {"pk": product.pk, "step": "submit"}, sees(Product.objects, product.pk), member_of(provider_org)
        ),
        "provider_public": Sample({"pk": provider.pk}, lambda viewer: True),
        "quote": Sample({"pk": quote.pk}, sees(QuoteRequest.objects, quote.pk), member_of(provider_org)),
        "quote_by_enterprise": Sample(
            {"pk": quote.pk}, sees(QuoteRequest.objects, quote.pk), member_of(own.organization_id)
        ),
    }


def programme_samples(world: Any) -> dict[str, Sample]:
    """The shipped batches (their windows have closed) and a draft application of the 广州 authority."""
    from dengta.programmes.models import Application, ApplicationSubIndustry, Batch, PoolEnterprise
    from dengta.programmes.services import batches_load
    from dengta.reference.models import SubIndustry

    batches_load(actor=None)
    batch = Batch.objects.get(code="city-2025")
    owner = world.orgs["guangzhou"]
    application = Application.objects.create(batch=batch, applicant=owner, rules_version=batch.rules_version)
    # One pilot enterprise in its pool, for the endpoint that removes one.
    sub = SubIndustry.objects.create(code="matrix-sub", name="汽车零部件", dataset_version="t")
    entry = ApplicationSubIndustry.objects.create(application=application, sub_industry=sub)
    row = PoolEnterprise.objects.create(application=application, entry=entry, enterprise=world.registered.own)

    def sees(viewer: Any) -> bool:
        return Application.objects.visible_to(viewer).filter(pk=application.pk).exists()

    return {
        "programme": Sample({"pk": batch.programme_id}, lambda viewer: True),
        "application_pool_row": Sample(
            {"pk": application.pk, "pool_row_id": row.pk},
            sees,
            lambda viewer: viewer.organization_id == owner.pk,
        ),
        "application_job": Sample({"pk": application.pk, "job": 999_999}, sees),
        "batch": Sample({"pk": batch.pk}, lambda viewer: True),
        "application": Sample(
            {"pk": application.pk}, sees, lambda viewer: viewer.organization_id == owner.pk
        ),
    }


def project_samples(world: Any, provider: Any) -> dict[str, Sample]:
    """A filed project of the cast enterprise by the cast provider in a pilot of 广州 (made with the ORM: the
    matrix asks who may reach it, not how it came to be), with a milestone and a dossier document."""
    from datetime import date
    from decimal import Decimal

    from django.core.files.base import ContentFile

    from dengta.programmes.models import Application, Batch, Pilot
    from dengta.projects.models import DossierFile, Envelope, LedgerEntry, Milestone, PaymentBatch, Project

    batch = Batch.objects.get(code="city-2024")  # 广州 has a draft application for city-2025
    owner = world.orgs["guangzhou"]
    application = Application.objects.create(
        batch=batch, applicant=owner, rules_version=batch.rules_version, state="approved"
    )
    pilot = Pilot.objects.create(
        application=application,
        batch=batch,
        authority=owner,
        starts_on=date(2025, 9, 1),
        ends_on=date(2027, 9, 1),
        target_share=Decimal("0.9"),
        target_level=2,
        central_award_yuan=Decimal("100000000"),
        rules_version=batch.rules_version,
    )
    enterprise = world.registered.own
    project = Project.objects.create(
        pilot=pilot,
        programme=batch.programme,
        enterprise=enterprise,
        provider=provider,
        title="质量追溯改造",
        state="filed",
        starts_on=date(2026, 1, 1),
        ends_on=date(2026, 6, 30),
    )
    milestone = Milestone.objects.create(project=project, title="部署", due_on=date(2026, 3, 1))
    document = DossierFile(
        project=project,
        kind="contract",
        version=1,
        original_name="合同.pdf",
        content_type="application/pdf",
        size=9,
        sha256="0" * 64,
        uploaded_by=world.members["provider"].user,
    )
    document.file.save("matrix-contract", ContentFile(b"%PDF-1.4\n"), save=False)
    document.save()

    payments = PaymentBatch.objects.create(pilot=pilot, created_by=world.members["guangzhou"].user)
    envelope = Envelope.objects.create(pilot=pilot, kind="service", allocated_yuan=Decimal("1000.00"))
    entry = LedgerEntry.objects.create(envelope=envelope, kind="allocate", amount_yuan=Decimal("1000.00"))

    def sees(viewer: Any) -> bool:
        return Project.objects.visible_to(viewer).filter(pk=project.pk).exists()

    def pilot_seen(viewer: Any) -> bool:
        return Pilot.objects.visible_to(viewer).filter(pk=pilot.pk).exists()

    def provider_side(viewer: Any) -> bool:
        return viewer.organization_id == provider.organization_id

    def enterprise_side(viewer: Any) -> bool:
        return viewer.organization_id == enterprise.organization_id

    def either_side(viewer: Any) -> bool:
        return (provider_side(viewer) and viewer.can(C.FILE_PROJECTS)) or (
            enterprise_side(viewer) and viewer.can(C.RUN_ENTERPRISE_PROJECTS)
        )

    return {
        "project": Sample({"pk": project.pk}, sees, provider_side),
        "project_by_enterprise": Sample({"pk": project.pk}, sees, enterprise_side),
        "project_either_side": Sample({"pk": project.pk}, sees, either_side),
        "project_step": Sample({"pk": project.pk, "step": "approve"}, sees),
        "project_milestone": Sample({"pk": milestone.pk}, sees, provider_side),
        "project_document": Sample({"pk": document.pk}, sees),
        "pilot": Sample({"pk": pilot.pk}, pilot_seen),
        "payment_batch": Sample({"pk": payments.pk}, pilot_seen),
        "ledger_entry": Sample({"pk": entry.pk}, pilot_seen),
    }


def post_data(world: Any, key: str | None) -> dict[str, Any]:
    if key == "provider":  # the cast's provider is in the cast enterprise's province: it may be invited
        return {"provider": world.orgs["provider"].pk}
    return {}


def url_for(name: str, kwargs: dict[str, Any]) -> str:
    from django.urls import reverse

    return reverse(name, kwargs=kwargs or None)


def client_for(world: Any, who: str, api: bool) -> Any:
    if api:
        from rest_framework.test import APIClient

        token, _ = Token.objects.get_or_create(user=world.members[who].user)
        api_client = APIClient()
        api_client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return api_client
    client = Client()
    client.force_login(world.members[who].user)
    return client


def expected(route: Route, sample: Sample | None, viewer: Any) -> tuple[int, ...]:
    if route.not_found:
        return (404,)
    if sample is not None and not sample.visible(viewer):
        return (404,) if route.need is None or viewer.can(route.need) else (403, 404)
    if route.need is not None and not viewer.can(route.need):
        return (403,)
    if route.owner and sample is not None and sample.owner is not None and not sample.owner(viewer):
        return (403,)
    if route.post:
        return (
            200,
            201,
            204,
            302,
            400,
            405,
            409,
        )  # allowed: refused, if at all, for its empty content or state
    return ALLOWED


def test_every_route_answers_what_the_role_table_says_for_every_member(world: Any) -> None:
    objects = samples(world)
    problems: list[str] = []
    for name, route in sorted(ROUTES.items()):
        sample = objects[route.sample] if route.sample else None
        url = url_for(name, sample.kwargs if sample else {})
        for who in world.members:
            viewer = world.viewer(who)
            client = client_for(world, who, route.api)
            if route.delete:
                response = client.delete(url)
            elif route.post:
                response = client.post(url, post_data(world, route.data))
            else:
                response = client.get(url)
            if route.public:
                refused = response.status_code in (403, 404, 500)
                ok = not refused or (sample is not None and response.status_code == 404)
            else:
                ok = response.status_code in expected(route, sample, viewer)
            if not ok:
                problems.append(
                    f"{name} as {who}: {response.status_code}, expected {expected(route, sample, viewer)}"
                )
    assert not problems, "\n".join(problems)


def test_anonymous_visitors_are_sent_to_log_in(world: Any) -> None:
    objects = samples(world)
    for name, route in ROUTES.items():
        if route.public or route.api:
            continue
        sample = objects[route.sample] if route.sample else None
        url = url_for(name, sample.kwargs if sample else {})
        response = (
            Client().delete(url) if route.delete else Client().post(url) if route.post else Client().get(url)
        )
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], name
