"""What each role may do: the one table (ARCHITECTURE.md, convention 16).

A capability is held by a membership when one of its grants matches: the organisation's type, the membership
role (admin, staff, viewer) and, when the grant names any, one of the membership's platform roles. The
permission rules (each app's permissions.py), the navigation (dengta.core.navigation) and the access-matrix
test (dengta/core/tests/test_access_matrix.py) read this table; nothing else decides who may do what by role.
The rules then add what a table cannot know: whose object it is, whether it lies in the jurisdiction, and
whether its state allows the step.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from dengta.core.capabilities import Capability
from dengta.orgs.models import OrgType, PlatformRole, Role

# The organisations that supervise the pilot: they see the registers of their jurisdiction.
STAFF_ORG_TYPES: frozenset[OrgType] = frozenset({OrgType.MINISTRY, OrgType.AUTHORITY, OrgType.OVERSIGHT})
ALL_ORG_TYPES: frozenset[OrgType] = frozenset(OrgType)
# Members who write (viewers only read: PRODUCT.md, roles).
WRITING_ROLES: frozenset[Role] = frozenset({Role.ADMIN, Role.STAFF})
ALL_ROLES: frozenset[Role] = frozenset(Role)


@dataclass(frozen=True)
class Grant:
    org_types: frozenset[OrgType]
    roles: frozenset[Role] = ALL_ROLES
    # When not empty, the membership also needs one of these platform roles.
    platform_roles: frozenset[PlatformRole] = frozenset()

    def matches(self, org_type: str, role: str, platform_roles: Iterable[str]) -> bool:
        if org_type not in self.org_types or role not in self.roles:
            return False
        return not self.platform_roles or bool(self.platform_roles & set(platform_roles))


def _grant(
    *org_types: OrgType, roles: Iterable[Role] = ALL_ROLES, platform_roles: Iterable[PlatformRole] = ()
) -> Grant:
    return Grant(frozenset(org_types), frozenset(roles), frozenset(platform_roles))


EVERY_MEMBER = (Grant(ALL_ORG_TYPES),)
STAFF = (Grant(STAFF_ORG_TYPES),)
# Writing for the programme: at the ministry only its programme staff (not, say, its finance people); at an
# authority its admins and staff, within its jurisdiction (DOMAIN.md 2.6).
PROGRAMME_WRITERS = (
    _grant(OrgType.MINISTRY, roles=WRITING_ROLES, platform_roles=[PlatformRole.PROGRAMME_STAFF]),
    _grant(OrgType.AUTHORITY, roles=WRITING_ROLES),
)

ROLE_TABLE: dict[Capability, tuple[Grant, ...]] = {
    Capability.USE_WORKBENCH: EVERY_MEMBER,
    Capability.VIEW_ASSESSMENTS: EVERY_MEMBER,
    Capability.LIST_ENTERPRISES: STAFF,
    Capability.VIEW_OWN_ENTERPRISE: (_grant(OrgType.ENTERPRISE),),
    Capability.EDIT_OWN_PROFILE: (_grant(OrgType.ENTERPRISE, OrgType.PROVIDER, roles=WRITING_ROLES),),
    Capability.REGISTER_ENTERPRISE: PROGRAMME_WRITERS,
    Capability.EDIT_ENTERPRISE: PROGRAMME_WRITERS,
    Capability.IMPORT_ENTERPRISES: PROGRAMME_WRITERS,
    # The queue of changes enterprises propose to their own figures: the staff of the jurisdiction, and the
    # enterprise itself (its own proposals).
    Capability.VIEW_ENTERPRISE_CHANGES: (Grant(STAFF_ORG_TYPES), _grant(OrgType.ENTERPRISE)),
    Capability.LIST_PROVIDERS: STAFF,
    Capability.REGISTER_PROVIDER: PROGRAMME_WRITERS,
    Capability.LIST_ORGANIZATIONS: STAFF,
    Capability.SELF_ASSESS: (_grant(OrgType.ENTERPRISE, roles=WRITING_ROLES),),
    Capability.DIAGNOSE: (_grant(OrgType.PROVIDER, roles=WRITING_ROLES),),
    Capability.ARRANGE_ONSITE: PROGRAMME_WRITERS,
    # Diagnosis invitations are between an enterprise and a provider (the enterprise's consent).
    Capability.USE_INVITATIONS: (_grant(OrgType.ENTERPRISE, OrgType.PROVIDER),),
    Capability.ASSESS_ONSITE: (_grant(OrgType.EXPERT_POOL, roles=WRITING_ROLES),),
    Capability.IMPORT_ASSESSMENT_HISTORY: PROGRAMME_WRITERS,
    Capability.REVISE_LEVEL_RULE: (
        _grant(OrgType.MINISTRY, roles=WRITING_ROLES, platform_roles=[PlatformRole.PROGRAMME_STAFF]),
    ),
    # The catalogue (docs/catalogue.md). Pools and their applications: the staff who run them, and the
    # providers who apply; the programme's writers decide admissions, govern providers and review listings.
    # The kinds of provider are national data: the ministry's programme staff edit them.
    Capability.EDIT_PROVIDER_KINDS: (
        _grant(OrgType.MINISTRY, roles=WRITING_ROLES, platform_roles=[PlatformRole.PROGRAMME_STAFF]),
    ),
    Capability.VIEW_POOLS: (Grant(STAFF_ORG_TYPES), _grant(OrgType.PROVIDER), _grant(OrgType.EXPERT_POOL)),
    Capability.MANAGE_POOLS: PROGRAMME_WRITERS,
    Capability.APPLY_TO_POOLS: (_grant(OrgType.PROVIDER, roles=WRITING_ROLES),),
    Capability.REVIEW_ADMISSIONS: PROGRAMME_WRITERS,
    Capability.GIVE_ADMISSION_OPINIONS: (_grant(OrgType.EXPERT_POOL, roles=WRITING_ROLES),),
    Capability.GOVERN_PROVIDERS: PROGRAMME_WRITERS,
    # A provider's own applications, standing, rating and products: every member reads them.
    Capability.PROVIDER_WORKSPACE: (_grant(OrgType.PROVIDER),),
    Capability.MANAGE_PRODUCTS: (_grant(OrgType.PROVIDER, roles=WRITING_ROLES),),
    Capability.REVIEW_LISTINGS: PROGRAMME_WRITERS,
    # Quotes are between an enterprise and a provider; the staff of the jurisdiction read them for the
    # concentration watch (DOMAIN.md 6.1).
    Capability.REQUEST_QUOTES: (_grant(OrgType.ENTERPRISE, roles=WRITING_ROLES),),
    Capability.ANSWER_QUOTES: (_grant(OrgType.PROVIDER, roles=WRITING_ROLES),),
    Capability.VIEW_QUOTES: (Grant(STAFF_ORG_TYPES), _grant(OrgType.ENTERPRISE), _grant(OrgType.PROVIDER)),
    Capability.RATE_PROVIDERS: (_grant(OrgType.ENTERPRISE, roles=WRITING_ROLES),),
    # An enterprise's own recommendations; the staff open an enterprise's from its page (LIST_ENTERPRISES).
    Capability.VIEW_RECOMMENDATIONS: (_grant(OrgType.ENTERPRISE),),
    Capability.VIEW_CONCENTRATION: STAFF,
    # Programme administration (DOMAIN.md 2.1): the batches and the applications the viewer sees (an
    # authority its own, the staff of a jurisdiction those inside it); an authority's admins and staff apply
    # for their organisation; the ministry's programme staff review, return and reject.
    Capability.VIEW_APPLICATIONS: STAFF,
    Capability.APPLY_FOR_PILOTS: (_grant(OrgType.AUTHORITY, roles=WRITING_ROLES),),
    Capability.REVIEW_APPLICATIONS: (
        _grant(OrgType.MINISTRY, roles=WRITING_ROLES, platform_roles=[PlatformRole.PROGRAMME_STAFF]),
    ),
    # The experts of the competitive review (竞争性评审, DOMAIN.md 2.1): members of an expert pool, or anyone
    # holding the reviewer role; each sees only the applications it was assigned.
    Capability.REVIEW_AS_EXPERT: (
        _grant(OrgType.EXPERT_POOL, roles=WRITING_ROLES),
        _grant(*ALL_ORG_TYPES, platform_roles=[PlatformRole.REVIEWER]),
    ),
    # The reviews themselves: the programme staff read every one, an expert its own (the rows are filtered).
    Capability.VIEW_APPLICATION_REVIEWS: (
        _grant(OrgType.MINISTRY, roles=WRITING_ROLES, platform_roles=[PlatformRole.PROGRAMME_STAFF]),
        _grant(OrgType.EXPERT_POOL, roles=WRITING_ROLES),
        _grant(*ALL_ORG_TYPES, platform_roles=[PlatformRole.REVIEWER]),
    ),
    # Retrofit projects (DOMAIN.md 2.7, 8.10): the provider files and carries them out, the enterprise asks
    # for acceptance, records its payments, claims and rates; the city (or district) authority approves,
    # pre-checks, sends the expert and decides acceptance; the expert records the on-site evaluation; the
    # authority's finance people pay. Each sees the projects that are theirs or in their jurisdiction.
    Capability.VIEW_PROJECTS: (
        Grant(STAFF_ORG_TYPES),
        _grant(OrgType.PROVIDER),
        _grant(OrgType.ENTERPRISE),
        _grant(OrgType.EXPERT_POOL),
    ),
    Capability.FILE_PROJECTS: (_grant(OrgType.PROVIDER, roles=WRITING_ROLES),),
    Capability.RUN_ENTERPRISE_PROJECTS: (_grant(OrgType.ENTERPRISE, roles=WRITING_ROLES),),
    Capability.DECIDE_PROJECTS: (_grant(OrgType.AUTHORITY, roles=WRITING_ROLES),),
    Capability.EVALUATE_PROJECTS: (_grant(OrgType.EXPERT_POOL, roles=WRITING_ROLES),),
    Capability.PAY_SUBSIDIES: (
        _grant(OrgType.AUTHORITY, roles=WRITING_ROLES, platform_roles=[PlatformRole.FINANCE]),
    ),
    # The pilots' ledgers and reconciliation: the staff of the jurisdiction (the ministry's finance people
    # among them).
    Capability.VIEW_LEDGER: STAFF,
    Capability.VIEW_DASHBOARDS: STAFF,
    # Cases: the pilot's authority and the project's provider write them, the programme writers review them,
    # the enterprise says whether it may be named (docs/cases.md).
    Capability.VIEW_CASES: (Grant(STAFF_ORG_TYPES), _grant(OrgType.PROVIDER), _grant(OrgType.ENTERPRISE)),
    Capability.WRITE_CASES: (
        _grant(OrgType.AUTHORITY, roles=WRITING_ROLES),
        _grant(OrgType.PROVIDER, roles=WRITING_ROLES),
    ),
    Capability.REVIEW_CASES: PROGRAMME_WRITERS,
    Capability.CONSENT_TO_CASES: (_grant(OrgType.ENTERPRISE, roles=WRITING_ROLES),),
    # Oversight bodies read the event log; so does anyone holding the auditor platform role.
    Capability.VIEW_EVENTS: (
        _grant(OrgType.OVERSIGHT),
        _grant(*ALL_ORG_TYPES, platform_roles=[PlatformRole.AUDITOR]),
    ),
    # Public standards and the API's description: an enterprise needs the code lists for its own profile.
    Capability.VIEW_REFERENCE: EVERY_MEMBER,
    Capability.VIEW_API_DOCS: EVERY_MEMBER,
    Capability.STAFF_TOOLS_IN_NAVIGATION: STAFF,
}


def capabilities_for(org_type: str, role: str, platform_roles: Iterable[str]) -> frozenset[Capability]:
    """Every capability a membership of this kind holds."""
    held = tuple(platform_roles)
    return frozenset(
        capability
        for capability, grants in ROLE_TABLE.items()
        if any(grant.matches(org_type, role, held) for grant in grants)
    )


def holders(capability: Capability) -> tuple[Grant, ...]:
    return ROLE_TABLE[capability]
