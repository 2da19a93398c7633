"""Who holds the market: provider shares and the Herfindahl–Hirschman index (pure Python, no Django).

Why: cities that appointed a few integrated providers saw lock-in, monopoly and high integration fees
(DOMAIN.md 6.1), so the provider pool is watched for concentration (DOMAIN.md 8.13). The thresholds are data
(``data/concentration.json``): the US DOJ/FTC 2023 Merger Guidelines call a market with an HHI above 1,800
highly concentrated; Dengta warns above 2,500 (the 2010 guidelines' threshold) or when one provider holds more
than 50 %.

HHI = Σ (share in %)², 0–10,000, computed exactly from fractions (10,000 × Σ aᵢ² / (Σ aᵢ)²) and rounded half
up to a whole number; shares are shown with one decimal, rounded half up. The warnings compare the exact
values with the thresholds ("above" is strictly above: four equal providers, exactly 2,500, do not warn).
Amounts may be project counts or yuan; providers with nothing are listed with 0 % and do not change the HHI.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from functools import lru_cache
from pathlib import Path
from typing import Any

THRESHOLDS_FILE = Path(__file__).resolve().parent / "data" / "concentration.json"
HHI_ABOVE = "hhi_above"
TOP_SHARE_ABOVE = "top_share_above"


class ConcentrationDataError(ValueError):
    """The thresholds file is not valid (raised when loading)."""


@dataclass(frozen=True)
class Thresholds:
    hhi_warning: int
    top_share_warning_pct: Decimal
    version: str
    source: str


@dataclass(frozen=True)
class Share:
    provider_id: int
    amount: Decimal
    share_pct: Decimal  # one decimal, rounded half up

    def to_json(self) -> dict[str, Any]:
        return {"provider_id": self.provider_id, "amount": str(self.amount), "share_pct": str(self.share_pct)}


@dataclass(frozen=True)
class Concentration:
    total: Decimal
    shares: tuple[Share, ...]  # largest first, then by provider id
    hhi: int | None  # None when there is nothing to share
    top_share_pct: Decimal | None
    warnings: tuple[str, ...]  # "hhi_above", "top_share_above"
    thresholds_version: str

    def to_json(self) -> dict[str, Any]:
        return {
            "total": str(self.total),
            "shares": [s.to_json() for s in self.shares],
            "hhi": self.hhi,
            "top_share_pct": None if self.top_share_pct is None else str(self.top_share_pct),
            "warnings": list(self.warnings),
            "thresholds_version": self.thresholds_version,
        }


def load_thresholds(path: Path | str | None = None) -> Thresholds:
    """The warning thresholds from ``data/concentration.json`` (or ``path``); refuses an invalid file."""
    where = str(path or THRESHOLDS_FILE)
    try:
        data = json.loads(Path(path or THRESHOLDS_FILE).read_text(encoding="utf-8"))
        hhi, top = data["hhi_warning"], Decimal(str(data["top_share_warning_pct"]))
        version, source = data["version"], data["source"]
    except (OSError, json.JSONDecodeError, KeyError, TypeError, InvalidOperation) as exc:
        raise ConcentrationDataError(f"{where}: {exc!r}") from exc
    if isinstance(hhi, bool) or not isinstance(hhi, int) or not 0 < hhi < 10_000:
        raise ConcentrationDataError(
            f"{where}: hhi_warning {hhi!r} must be a whole number between 0 and 10,000"
        )
    if not top.is_finite() or not 0 < top < 100:
        raise ConcentrationDataError(f"{where}: top_share_warning_pct {top} must be between 0 and 100")
    if not isinstance(version, str) or not version or not isinstance(source, str) or not source:
        raise ConcentrationDataError(f"{where}: version and source are required")
    return Thresholds(hhi_warning=hhi, top_share_warning_pct=top, version=version, source=source)


@lru_cache(maxsize=1)
def default_thresholds() -> Thresholds:
    return load_thresholds()


def _half_up(value: Fraction, places: int) -> Decimal:
    """A non-negative fraction rounded half up to ``places`` decimals, exactly (no 28-digit division)."""
    return Decimal(math.floor(value * 10**places + Fraction(1, 2))).scaleb(-places)


def concentration(counts: Mapping[int, int | Decimal], thresholds: Thresholds | None = None) -> Concentration:
    """Shares, HHI and warnings for amounts per provider (project counts or yuan)."""
    limits = thresholds or default_thresholds()
    amounts: dict[int, Decimal] = {}
    for provider, raw in counts.items():
        if isinstance(raw, bool) or not isinstance(raw, int | Decimal):
            raise TypeError(f"provider {provider}: amount {raw!r} must be an int or a Decimal")
        amount = Decimal(raw)
        if not amount.is_finite() or amount < 0:
            raise ValueError(f"provider {provider}: amount {raw} must be a finite number ≥ 0")
        amounts[provider] = amount
    total = sum(amounts.values(), Decimal(0))
    ordered = sorted(amounts.items(), key=lambda kv: (-kv[1], kv[0]))
    if total == 0:
        shares = tuple(Share(p, a, _half_up(Fraction(0), 1)) for p, a in ordered)
        return Concentration(total, shares, None, None, (), limits.version)
    exact_total = Fraction(total)
    fractions = [Fraction(a) / exact_total for _, a in ordered]
    shares = tuple(Share(p, a, _half_up(f * 100, 1)) for (p, a), f in zip(ordered, fractions, strict=True))
    exact_hhi = 10_000 * sum((f * f for f in fractions), Fraction(0))
    top = max(fractions) * 100
    warnings = []
    if exact_hhi > limits.hhi_warning:
        warnings.append(HHI_ABOVE)
    if top > Fraction(limits.top_share_warning_pct):
        warnings.append(TOP_SHARE_ABOVE)
    return Concentration(
        total=total,
        shares=shares,
        hhi=int(_half_up(exact_hhi, 0)),
        top_share_pct=shares[0].share_pct,
        warnings=tuple(warnings),
        thresholds_version=limits.version,
    )
