"""The dashboard benchmark's figures, URLs and statistics (pure: no Django)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any

from bench.dashboard.common import ENTERPRISES_PER_PILOT, FEN, MAX_PILOTS, MIN_PILOTS
from bench.lists_bench import percentile, with_params

# ------------------------------------------------------------------------- figures (pure: no Django)


@dataclass(frozen=True)
class Headline:
    """The dashboard's figures as the API writes them: counts as integers, money and the share as the
    decimal strings of its JSON, so that the endpoint's answer and the raw computation compare exactly."""

    enterprises: int
    pilot_enterprises: int
    pilot_gs: int
    pilot_gs_at_level2_plus: int
    pilot_gs_share_level2_plus: str | None
    allocated_yuan: str
    committed_yuan: str
    paid_yuan: str

    @classmethod
    def from_json(cls, body: Mapping[str, Any]) -> Headline:
        share = body["pilot_gs_share_level2_plus"]
        return cls(
            enterprises=int(body["enterprises"]),
            pilot_enterprises=int(body["pilot_enterprises"]),
            pilot_gs=int(body["pilot_gs"]),
            pilot_gs_at_level2_plus=int(body["pilot_gs_at_level2_plus"]),
            pilot_gs_share_level2_plus=None if share is None else str(share),
            allocated_yuan=str(body["allocated_yuan"]),
            committed_yuan=str(body["committed_yuan"]),
            paid_yuan=str(body["paid_yuan"]),
        )

    @classmethod
    def of(
        cls, counts: tuple[int, int, int, int], allocated_fen: int, committed_fen: int, paid_fen: int
    ) -> Headline:
        enterprises, pilot, gs, at_target = counts
        return cls(
            enterprises=enterprises,
            pilot_enterprises=pilot,
            pilot_gs=gs,
            pilot_gs_at_level2_plus=at_target,
            pilot_gs_share_level2_plus=share_text(at_target, gs),
            allocated_yuan=yuan_text(allocated_fen),
            committed_yuan=yuan_text(committed_fen),
            paid_yuan=yuan_text(paid_fen),
        )


def yuan_text(fen: int) -> str:
    """Fen as the API writes yuan: a decimal string with two places."""
    return str((Decimal(fen) / 100).quantize(FEN))


def share_text(part: int, whole: int) -> str | None:
    """The share to four places as the API writes it; None when there is no whole."""
    if not whole:
        return None
    return str((Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001")))


def to_fen(amount: Decimal | None) -> int:
    return int((amount or Decimal(0)) * 100)


def differences(endpoint: Headline, raw: Headline) -> list[str]:
    """Each figure on which the two disagree, as "name: endpoint=… raw=…"."""
    out = []
    for item in fields(Headline):
        got, want = getattr(endpoint, item.name), getattr(raw, item.name)
        if got != want:
            out.append(f"{item.name}: endpoint={got} raw={want}")
    return out


def in_parts(path: str, parts: tuple[Sequence[str], Sequence[str]]) -> bool:
    """Whether a region path lies in the subtrees ``parts`` names (added, subtracted; "" the country)."""
    added, subtracted = parts
    inside = any(a == "" or path.startswith(a) for a in added)
    return inside and not any(path.startswith(s) for s in subtracted)


def pilot_count(enterprises: int) -> int:
    """Pilots for a registry of this size: one per 2,000 enterprises, between 6 and 100 (the real
    programme has about 100 pilot cities over its three city batches)."""
    return max(MIN_PILOTS, min(MAX_PILOTS, enterprises // ENTERPRISES_PER_PILOT))


@dataclass(frozen=True)
class Probe:
    """One measured request: its viewer, its URL, and the filters it carries (for the raw computation)."""

    viewer: str
    url: str
    region: str = ""
    batch: int | None = None
    programme: int | None = None


def dashboard_urls(path: str, viewer: str, batches: Sequence[int], programme: int | None) -> list[Probe]:
    """The URLs measured for one viewer: its whole jurisdiction, regions inside it at each level, a batch,
    a region and a batch together, and the programme. ``batches`` are the three city batches' ids."""
    regions = {
        "ministry": ("440000", "330000", "330200", "320500", "320506"),
        "province": ("330100", "330106"),
        "city": ("320506",),
    }[viewer]
    home = {"ministry": "330000", "province": "330100", "city": ""}[viewer]
    variants: list[dict[str, Any]] = [{}]
    variants += [{"region": code} for code in regions]
    if batches:
        variants.append({"batch": batches[len(variants) % len(batches)]})
        if home:
            variants.append({"region": home, "batch": batches[-1]})
    if programme is not None and viewer != "city":
        variants.append({"programme": programme})
    probes = []
    for params in variants:
        query = {key: str(value) for key, value in params.items()}
        probes.append(Probe(viewer, with_params(path, query), **params))
    return probes


@dataclass(frozen=True)
class Measured:
    """One probe's timed requests and raw computations, and whether their figures agreed."""

    probe: Probe
    times_ms: tuple[float, ...]
    raw_ms: tuple[float, ...]
    mismatches: tuple[str, ...] = ()
    queries: int = 0


@dataclass(frozen=True)
class Summary:
    p95_ms: float
    median_ms: float
    max_ms: float
    raw_median_ms: float
    raw_p95_ms: float
    requests: int
    scopes: int
    match: bool

    @property
    def ratio_vs_raw(self) -> float:
        """The raw computation's median time over the endpoint's p95: how many times cheaper than a
        direct count a dashboard request is, taking the endpoint at its slow tail and the count at its
        typical time."""
        return self.raw_median_ms / self.p95_ms if self.p95_ms else 0.0

    def line(self) -> str:
        return (
            f"bench dashboard: p95_ms={self.p95_ms:.1f} ratio_vs_raw={self.ratio_vs_raw:.1f} "
            f"median_ms={self.median_ms:.1f} max_ms={self.max_ms:.1f} raw_median_ms={self.raw_median_ms:.1f} "
            f"raw_p95_ms={self.raw_p95_ms:.1f} requests={self.requests} scopes={self.scopes} "
            f"match={'true' if self.match else 'false'}"
        )


def summarise(measured: Sequence[Measured]) -> Summary:
    """Percentiles over every timed request (and every timed raw computation), not over the URLs'
    medians: each request counts once."""
    times = [t for m in measured for t in m.times_ms]
    raw = [t for m in measured for t in m.raw_ms]
    match = bool(measured) and not any(m.mismatches for m in measured)
    if not times or not raw:
        return Summary(0.0, 0.0, 0.0, 0.0, 0.0, len(times), len(measured), match)
    return Summary(
        p95_ms=percentile(times, 95),
        median_ms=percentile(times, 50),
        max_ms=max(times),
        raw_median_ms=percentile(raw, 50),
        raw_p95_ms=percentile(raw, 95),
        requests=len(times),
        scopes=len(measured),
        match=match,
    )


def table(measured: Sequence[Measured]) -> list[str]:
    width = max([len(m.probe.url) for m in measured] + [3])
    lines = [
        f"{'URL':<{width}}  {'viewer':<8}  {'median':>7}  {'p95':>7}  {'max':>7}  {'raw med':>8}  "
        f"{'queries':>7}  match"
    ]
    for m in measured:
        lines.append(
            f"{m.probe.url:<{width}}  {m.probe.viewer:<8}  {percentile(m.times_ms, 50):>7.1f}  "
            f"{percentile(m.times_ms, 95):>7.1f}  {max(m.times_ms):>7.1f}  "
            f"{percentile(m.raw_ms, 50):>8.1f}  {m.queries:>7}  {'no' if m.mismatches else 'yes'}"
        )
    return lines
