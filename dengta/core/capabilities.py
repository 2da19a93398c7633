"""The names of what a role may do (ARCHITECTURE.md, convention 16: roles are data).

The names are defined here, once, because core's navigation and rules need them and core imports no app.
Which organisation types, membership roles and platform roles hold each capability is one table:
dengta.orgs.roles.ROLE_TABLE. The Viewer carries the capabilities its membership holds
(``Viewer.can``); permission rules add what a table cannot know (the object, the jurisdiction, the state).
"""

from __future__ import annotations

from enum import StrEnum


class Capability(StrEnum):
    # Home page and assessments: every member.
    USE_WORKBENCH = "use_workbench"
    VIEW_ASSESSMENTS = "view_assessments"
    # Enterprises and providers.
    LIST_ENTERPRISES = "list_enterprises"
    VIEW_OWN_ENTERPRISE = "view_own_enterprise"
    EDIT_OWN_PROFILE = "edit_own_profile"
    REGISTER_ENTERPRISE = "register_enterprise"
    EDIT_ENTERPRISE = "edit_enterprise"
    IMPORT_ENTERPRISES = "import_enterprises"
    LIST_PROVIDERS = "list_providers"
    REGISTER_PROVIDER = "register_provider"
    # Organisations.
    LIST_ORGANIZATIONS = "list_organizations"
    # Assessments.
    SELF_ASSESS = "self_assess"
    DIAGNOSE = "diagnose"
    ARRANGE_ONSITE = "arrange_onsite"
    ASSESS_ONSITE = "assess_onsite"
    IMPORT_ASSESSMENT_HISTORY = "import_assessment_history"
    REVISE_LEVEL_RULE = "revise_level_rule"
    VIEW_ENTERPRISE_CHANGES = "view_enterprise_changes"
    USE_INVITATIONS = "use_invitations"
    # Providers and the catalogue (dengta.catalog).
    EDIT_PROVIDER_KINDS = "edit_provider_kinds"
    VIEW_POOLS = "view_pools"
    MANAGE_POOLS = "manage_pools"
    APPLY_TO_POOLS = "apply_to_pools"
    REVIEW_ADMISSIONS = "review_admissions"
    GIVE_ADMISSION_OPINIONS = "give_admission_opinions"
    GOVERN_PROVIDERS = "govern_providers"
    PROVIDER_WORKSPACE = "provider_workspace"
    MANAGE_PRODUCTS = "manage_products"
    REVIEW_LISTINGS = "review_listings"
    REQUEST_QUOTES = "request_quotes"
    ANSWER_QUOTES = "answer_quotes"
    VIEW_QUOTES = "view_quotes"
    RATE_PROVIDERS = "rate_providers"
    VIEW_RECOMMENDATIONS = "view_recommendations"
    VIEW_CONCENTRATION = "view_concentration"
    # Programme administration (dengta.programmes): batches and applications (申报).
    VIEW_APPLICATIONS = "view_applications"
    APPLY_FOR_PILOTS = "apply_for_pilots"
    REVIEW_APPLICATIONS = "review_applications"
    REVIEW_AS_EXPERT = "review_as_expert"
    VIEW_APPLICATION_REVIEWS = "view_application_reviews"
    # Retrofit projects and money (docs/projects.md)
    VIEW_PROJECTS = "view_projects"
    FILE_PROJECTS = "file_projects"
    RUN_ENTERPRISE_PROJECTS = "run_enterprise_projects"
    DECIDE_PROJECTS = "decide_projects"
    EVALUATE_PROJECTS = "evaluate_projects"
    PAY_SUBSIDIES = "pay_subsidies"
    VIEW_LEDGER = "view_ledger"
    # Lighthouse cases (docs/cases.md)
    VIEW_CASES = "view_cases"
    WRITE_CASES = "write_cases"
    REVIEW_CASES = "review_cases"
    CONSENT_TO_CASES = "consent_to_cases"
    # Dashboards and their figures (docs/dashboards.md)
    VIEW_DASHBOARDS = "view_dashboards"
    # Oversight.
    VIEW_EVENTS = "view_events"
    # Reference data and the API documentation: everyone may read them; the staff, who work with the code
    # lists and integrations daily, have them in the main navigation (the others through the help links).
    VIEW_REFERENCE = "view_reference"
    VIEW_API_DOCS = "view_api_docs"
    STAFF_TOOLS_IN_NAVIGATION = "staff_tools_in_navigation"
