"""Product bundles that close an enterprise's gap to a target level, verified by the scoring engine.

Pure Python and numpy, no Django (ARCHITECTURE.md convention 4). A catalogue product says what it
lifts (``Lift``): a scenario to a level, or an item to option keys (DOMAIN.md 8.14: products carry the
scenarios they cover and the level uplift). ``recommend`` proposes bundles of offers that take an
enterprise to the target level (二级 by default, the pilot acceptance level, DOMAIN.md 8.11), with the
estimated subsidy and the enterprise's own share (DOMAIN.md 2.7, 8.5).

Which bundles reach the target is decided by the engine only: every bundle returned is scored again by
``engine.score(fw, apply_lifts(fw, answers, lifts))`` (``make_bundle``), and that score says whether it
reaches.
The search uses an integer model of the engine and bounds to choose which bundles to look at, never to declare
one reaching.

Modules: ``core`` (offers, lifts, the subsidy estimate, bundles, their explanation and ranking),
``model`` (the engine as integer vectors), ``prune`` (dominance between offers), ``search`` (the steps
below).

Algorithm
1. Score the answers; if the level is already the target, stop (``already_there``). The engine's cheapest
   plan (``path.plan_to_level``) is returned alongside, for the page that shows the steps.
2. Candidates: offers whose every lift is valid for this framework (others are reported as ``skipped``:
   product data written against another version) and which, alone, reduce the target level's shortfall —
   fewer scenarios missing at the condition's scenario level, fewer constrained ones missing, or fewer points
   missing. An offer that does not help alone helps no bundle either: lifts only raise (a scenario to at
   least a level, a single-choice item to at least an option, a multiple-choice item by more options), so a
   bundle's effect is the element-wise maximum of its offers' effects (``model``) and an offer never gains
   more inside a bundle than alone.
3. Pruning (``prune``): offers with the same effect never go into one bundle, and an offer is dropped when at
   least ``limit`` kept offers dominate it — an effect at least as large everywhere and a price low enough
   that the enterprise share surely drops by a fen, or the same effect at no higher price and no worse on
   the ranking's tie-breakers. A bundle with the dropped offer is then beaten by at least ``limit`` bundles
   with a dominator instead, so the best ``limit`` bundles survive. Effects that differ only above the
   target are compared as equal only when no bundle can reach a higher level.
4. A greedy start: bundles built by shortfall closed per yuan, trimmed to minimal, give the search its first
   ``limit`` bundles and with them a price cut (the highest price at which a bundle could still rank among
   them, from the level it could reach and the subsidy rule).
5. Branch and bound over bundles of at most ``max_bundle_size`` candidates sorted by price, each bundle
   generated once from its prefix; all extensions of a bundle by one offer are evaluated at once on the model.
   A bundle that reaches the goal is a leaf (kept if minimal: no offer can go); one that does not is extended
   only when the largest gains left could close its shortfall in the slots left and the cheapest such
   completion stays under the cut. When reaching the target means meeting its condition, higher levels the
   candidates could reach are searched the same way, since a higher level per yuan ranks first. A budget of
   evaluations (``max_evaluations``, four fifths of it here) bounds the time; ``exhaustive`` says whether
   it ran out.
6. When fewer than ``limit`` bundles reach the target, near misses fill the list: a beam search (width
   ``2 × limit``, at least 10, extending with the 60 most helpful single offers) keeps the bundles with the
   smallest remaining shortfall; a near miss that contains another with no larger shortfall is dropped.

``test_matching`` checks the reaching bundles against an exhaustive search on random catalogues;
``test_matching_search`` checks the model against the engine and the pruning on catalogues of near copies.

Ranking (``rank_key``): bundles that reach the target first; near misses after them by remaining shortfall
(fewest unmet conditions, then scenarios, constrained scenarios, points missing); then level reached per yuan
of enterprise share, higher first, a zero share before any positive share; then the mean rating of the
offers, higher first, offers without a rating left out of the mean and a bundle without any rating last;
then the longest delivery time, shorter first; then the number of offers fitting the sub-industry, more
first; then the offer ids, so that the order is deterministic.

Money is Decimal with two places (integer fen inside the search). Subsidy = min(pilot × rate, cap),
rounded down to the fen, and only when the level with the bundle meets the estimate's ``min_level`` (the
杭州 rule pays for a post-retrofit level ≥ 二级); enterprise share = pilot − subsidy.
"""

from dengta.catalog.matching.core import (
    DATA_DIR,
    FEN,
    ITEM,
    MAX_SCENARIO_LEVEL,
    SCENARIO,
    SUBSIDY_FILE,
    Bundle,
    CatalogDataError,
    Change,
    Condition,
    Explanation,
    Lift,
    Offer,
    SubsidyEstimate,
    apply_lifts,
    default_subsidy_estimate,
    estimate_subsidy,
    load_subsidy_estimate,
    make_bundle,
    rank_key,
    validate_lift,
)
from dengta.catalog.matching.search import (
    BEAM_EXTEND,
    BEAM_WIDTH,
    DEFAULT_MAX_EVALUATIONS,
    Recommendation,
    recommend,
)

__all__ = [
    "BEAM_EXTEND",
    "BEAM_WIDTH",
    "DATA_DIR",
    "DEFAULT_MAX_EVALUATIONS",
    "FEN",
    "ITEM",
    "MAX_SCENARIO_LEVEL",
    "SCENARIO",
    "SUBSIDY_FILE",
    "Bundle",
    "CatalogDataError",
    "Change",
    "Condition",
    "Explanation",
    "Lift",
    "Offer",
    "Recommendation",
    "SubsidyEstimate",
    "apply_lifts",
    "default_subsidy_estimate",
    "estimate_subsidy",
    "load_subsidy_estimate",
    "make_bundle",
    "rank_key",
    "recommend",
    "validate_lift",
]
