"""Benchmark of the dashboards' figures at national scale: ``manage.py bench_dashboard --enterprises N``.

The 中小企业数字化转型城市试点 dashboards are read by the ministry for the whole country and by every
province and city for its own; ``GET /api/v1/dashboards/summary/`` answers them from per-region tallies
(dengta.analytics.summary, docs/dashboards.md) instead of scanning the raw tables on every request. This
makes sure the database holds what a national dashboard counts, refreshes the tallies, then:

- times the endpoint, warm, through django.test.Client with DEBUG off, as a ministry official, a
  provincial authority (浙江, whose jurisdiction leaves out 宁波, a 计划单列市) and a city authority (苏州),
  with region, batch and programme filters (``dashboard_urls``), every answer 200;
- computes the same figures straight from the raw tables for the same scopes (``raw_figures``: the
  enterprises under the region paths, the distinct pool enterprises of pilots, the 规上 among them, those
  whose newest final MIIT 2024 result is 二级 or above, the pilots' allocation shared out to the fen, the
  committed and paid subsidies), times that too, and requires the two to be equal, figure by figure.

The rows (``ensure_rows``; each step is skipped when its rows are there, so a second run reuses them):

- enterprises: those of the list benchmark (bench/lists_data.py: the bulk import writer, batches named
  ``bench-lists-…``), added only when the database holds fewer than N, so either benchmark reuses the
  other's;
- pilots: about one per 2,000 enterprises, at most 100 (``--pilots``), city authorities of many provinces
  (杭州, 宁波, 广州, 深圳, 苏州 … always among them) spread over the three city batches loaded by
  ``load_batches``, each an approved application (marked by ``SEED_MARK`` in its plan, which is how the
  bench finds its pilots again) with a pool of a few hundred enterprises of its city under two to four
  sub-industries, the allocation split by the batch's rules (dengta.programmes.allocation.split_award),
  and, for the 2023 and 2024 pilots and half of the 2025 ones, the three envelopes opened and some twenty
  to sixty retrofit projects split by cost_split under the pilot's rules, most of them committed
  (funding rows and commitment entries), a third of those paid and a few withdrawn (released): the
  envelopes' totals are the sums of their funding rows and of their ledger entries, so that
  ``ledger.reconcile`` balances and every check constraint holds (paid ≤ committed ≤ allocated);
- assessments: two per bench enterprise — a scored T0 self-assessment of 2025, and a later result of 2026:
  for pool enterprises mostly a signed-off on-site T1 after the retrofit (some still awaiting sign-off,
  which does not count), for the others a second self-assessment — written through the import writer's
  bulk inserter (COPY on PostgreSQL).

Rows are written in bulk without their events (the services write one per change, far too slow for
millions of rows; no dashboard figure reads events), as the demo and bench_ledger's setup do.

The last line printed is ``bench dashboard: p95_ms=… ratio_vs_raw=… …`` (ARCHITECTURE.md, Tests), where
ratio_vs_raw is the raw computation's median time over the endpoint's p95. Figures: docs/benchmarks.md.
"""
