"""Who applies in which batch and how each application ends (the demo's history of the programmes).

The twelve demo pilot cities are approved across the three city batches, four each, where DOMAIN.md 5.1
places them when it knows (福州 and 厦门 in the first batch, 新乡 in the second, 淄博, 东营 and 涪陵 in the
third) and 宁波, demo-city's authority, in 2025 so that its pilot is running today. The casting respects each
batch's rules (dengta/programmes/data/batches/):

- quotas: 2023 one city per province with each 计划单列市 on its own; 2024 and 2025 two for the twelve large
  provinces (so 新乡 + 许昌, 淄博 + 东营), one elsewhere; in 2025 a 计划单列市 counts in its province
  (宁波 + 杭州 in 浙江, 深圳 + 广州 in 广东). Every live application (draft to approved) holds its place;
- the repeat ban (DOMAIN.md 2.2, 6.5): no approved city applies again. A rejected one may, and some do
  (新乡 rejected in 2023 and approved in 2024, 淄博 rejected in 2024 and approved in 2025). An approval in the
  2022 platform pilot counts as an earlier pilot for the city batches too, so only provinces, which cannot
  apply to the city pilot, are approved there;
- the applicant kinds: provinces in 2022; cities, 计划单列市, 涪陵 (a district of 重庆) and the 兵团 (not in
  2025) in the city batches.

Applications still open (draft, submitted, under review, returned) are in the latest batch, 2025; its window
has closed, as has every batch's, so demo-city gets no new draft (no batch is open).
"""

from __future__ import annotations

from dataclasses import dataclass

from dengta.programmes.models import ApplicationState

S = ApplicationState


@dataclass(frozen=True)
class Part:
    """One application of the cast: its batch, its applicant (a region code) and how it ends."""

    batch: str
    region: str
    outcome: str
    returned_first: bool = False  # returned once for information and submitted again before the decision
    submitted: bool = True  # a withdrawn application: whether it had been submitted


CAST: tuple[Part, ...] = (
    # 2022: provinces nominate service platforms per sub-industry (DOMAIN.md 1).
    Part("platform-2022", "330000", S.APPROVED),
    Part("platform-2022", "370000", S.APPROVED),
    Part("platform-2022", "500000", S.APPROVED),
    Part("platform-2022", "150000", S.APPROVED, returned_first=True),
    Part("platform-2022", "410000", S.REJECTED),
    Part("platform-2022", "510000", S.WITHDRAWN, submitted=False),
    # 2023, the first city batch.
    Part("city-2023", "350100", S.APPROVED),
    Part("city-2023", "350200", S.APPROVED),
    Part("city-2023", "320500", S.APPROVED),
    Part("city-2023", "441900", S.APPROVED, returned_first=True),
    Part("city-2023", "410700", S.REJECTED),
    Part("city-2023", "370200", S.REJECTED),
    Part("city-2023", "660000", S.WITHDRAWN, submitted=False),
    # 2024
    Part("city-2024", "410700", S.APPROVED),
    Part("city-2024", "411000", S.APPROVED),
    Part("city-2024", "350600", S.APPROVED),
    Part("city-2024", "150100", S.APPROVED, returned_first=True),
    Part("city-2024", "370300", S.REJECTED),
    Part("city-2024", "210200", S.WITHDRAWN),
    # 2025: the four last pilots, and the applications still under way.
    Part("city-2025", "370300", S.APPROVED),
    Part("city-2025", "370500", S.APPROVED),
    Part("city-2025", "500102", S.APPROVED),
    Part("city-2025", "330200", S.APPROVED),
    Part("city-2025", "210200", S.UNDER_REVIEW),
    Part("city-2025", "330100", S.SUBMITTED),
    Part("city-2025", "440300", S.RETURNED),
    Part("city-2025", "440100", S.DRAFT),
)

# Applicants the demo's organisations do not include yet: two provincial capitals (prefecture-level cities).
EXTRA_CITIES = ("330100", "440100")

# The expert who declared a conflict with an applicant, and which (the assignment skips the pair).
CONFLICTED_EXPERT = "pool-expert-03"
CONFLICTED_WITH = "320500"
