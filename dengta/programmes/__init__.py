"""Programme administration: programmes and batches with rules as data, applications (申报), eligibility,
expert review, ranking under quotas, approval and allocation (DOMAIN.md 1, 2, 5, 8).

The calculations are pure modules with no Django imports (ARCHITECTURE.md convention 4): ``rules`` (a
batch's rules as versioned data), ``eligibility``, ``pool_summary`` (is the target realistic), ``review``
(rubric, conflicts, aggregation), ``ranking`` (quotas and regional balance) and ``allocation`` (the award's
envelopes).
"""
