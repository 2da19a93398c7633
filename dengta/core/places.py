"""Where a row sits in the region tree, as codes a database index can serve (no Django imports).

A jurisdiction is a subtree of the region tree (GB/T 2260 with 兵团 as a province-level unit), held as
region paths such as ``"330000/330200/"``. Matching ``path LIKE '330000/%'`` through a join cannot use an
index, so rows that lists filter by jurisdiction at national scale (enterprises) also store the codes of
their province and prefecture. The codes come from the path, not from the digits of the region code:
the cities of 兵团 (6590xx) sit under 660000, so ``code[:2]`` would put them in 新疆.

A path of depth 1 is a province, 2 a prefecture, 3 a county (the tree has three levels).
"""

from __future__ import annotations

from typing import NamedTuple


class Place(NamedTuple):
    province_code: str
    prefecture_code: str  # "" for a row placed at province level


def place_of(path: str) -> Place:
    """The province and prefecture codes of a region path ("330000/330200/330203/")."""
    parts = [p for p in path.split("/") if p]
    if not parts:
        raise ValueError(f"not a region path: {path!r}")
    return Place(parts[0], parts[1] if len(parts) > 1 else "")


def path_depth(path: str) -> int:
    """1 for a province's path, 2 for a prefecture's, 3 for a county's."""
    return len([p for p in path.split("/") if p])


def path_code(path: str) -> str:
    """The code of the region a path ends at."""
    parts = [p for p in path.split("/") if p]
    if not parts:
        raise ValueError(f"not a region path: {path!r}")
    return parts[-1]
