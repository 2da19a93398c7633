"""Benchmark of product recommendations on the demo catalogue: ``manage.py bench_recommendations``.

An enterprise opens its recommendations page and waits for ``catalog.recommendations.recommendations_for``:
its latest scored MIIT 2024 assessment, the listed products of providers in good standing (1,200 in the
demo), the search for bundles towards the target level (``catalog.matching``) and the engine's scoring of
every bundle shown. This times that call, warm, for the first ``N`` assessed enterprises of the database as
the ministry sees them, and reports how often the search finished within its evaluation budget and how many
enterprises got a bundle that reaches the target.

Needs the demo data (``make demo``, or ``manage.py seed_demo`` after ``load_reference`` and
``load_frameworks``). The last line printed is ``bench recommendations: p95_s=… median_s=… max_s=…
target_p95_s=1.0 …`` (ARCHITECTURE.md, Tests): the target is a page that answers within a second on the
2-core machine. Figures: docs/benchmarks.md.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from bench.lists_bench import percentile

Say = Callable[[str], None]
TARGET_P95_S = 1.0


@dataclass(frozen=True)
class Timed:
    enterprise_id: int
    seconds: float
    level: int
    target: int
    already_there: bool
    exhaustive: bool
    reaching: int  # bundles the engine says reach the target
    candidates: int


def run(*, enterprises: int, username: str, say: Say) -> list[Timed]:
    from django.contrib.auth import get_user_model

    from dengta.assessment.models import Assessment
    from dengta.assessment.selectors import DEFAULT_FRAMEWORK
    from dengta.catalog.recommendations import recommendations_for
    from dengta.catalog.selectors import catalogue_products
    from dengta.orgs.viewer import viewer_for
    from dengta.registry.models import Enterprise

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise LookupError(f"no user {username!r}: run make demo (or manage.py seed_demo) first")
    viewer, _memberships = viewer_for(user)
    listed = catalogue_products().count()
    if not listed:
        raise LookupError("the catalogue lists no product: run make demo (or manage.py seed_demo) first")
    ids = list(
        Assessment.objects.final()
        .filter(framework__code=DEFAULT_FRAMEWORK)
        .values_list("enterprise_id", flat=True)
        .distinct()
        .order_by("enterprise_id")[:enterprises]
    )
    if not ids:
        raise LookupError("no enterprise has a scored assessment: run make demo first")
    say(f"{len(ids)} assessed enterprises, {listed:,} listed products, as {username}")
    recommendations_for(Enterprise.objects.get(pk=ids[0]), viewer)  # warm: framework and texts cached
    out = []
    for pk in ids:
        enterprise = Enterprise.objects.get(pk=pk)
        start = time.perf_counter()
        view = recommendations_for(enterprise, viewer)
        seconds = time.perf_counter() - start
        result = view.result
        assert result is not None
        out.append(
            Timed(
                enterprise_id=pk,
                seconds=seconds,
                level=result.level_before,
                target=result.target_level,
                already_there=result.already_there,
                exhaustive=result.exhaustive,
                reaching=sum(1 for b in result.bundles if b.reaches_target),
                candidates=len(result.candidates),
            )
        )
    report(out, listed=listed, say=say)
    return out


def report(timed: list[Timed], *, listed: int, say: Say) -> None:
    seconds = [t.seconds for t in timed]
    searched = [t for t in timed if not t.already_there]
    by_move = Counter((t.level, t.target) for t in searched)
    for (level, target), n in sorted(by_move.items()):
        group = [t for t in searched if (t.level, t.target) == (level, target)]
        say(
            f"  level {level} → {target}: {n} enterprises, {sum(1 for t in group if t.reaching)} with a "
            f"reaching bundle, {sum(1 for t in group if not t.exhaustive)} stopped by the evaluation budget, "
            f"median {percentile([t.seconds for t in group], 50):.2f} s"
        )
    say(
        f"bench recommendations: p95_s={percentile(seconds, 95):.2f} median_s={percentile(seconds, 50):.2f} "
        f"max_s={max(seconds):.2f} target_p95_s={TARGET_P95_S} enterprises={len(timed)} "
        f"reaching={sum(1 for t in searched if t.reaching)}/{len(searched)} "
        f"exhaustive={sum(1 for t in searched if t.exhaustive)}/{len(searched)} products={listed}"
    )
