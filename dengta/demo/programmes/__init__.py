"""The demo programmes: the 2022 platform-pilot batch and the 2023–2025 city-pilot batches with applications
in every state, their expert reviews, and the pilots and allocations of those approved.

The batches are the shipped rules files (``manage.py load_batches``). The twelve demo pilot cities are
approved across the three city batches within each batch's quotas and the repeat ban; other authorities'
applications stand drafted, submitted, under review with some experts' reviews in, returned with a reason,
rejected with a reason or withdrawn; in 2022 provinces nominated service platforms with their pools (cast.py
says who, when and why). Each application holds 2–4 sub-industries matching the applicant's industries,
providers admitted to the catalogue's pools, tens of its SMEs and a fund plan within the rules (drafting.py).

Unlike the registry, the assessments and the catalogue, which bulk-write thousands of rows and record one
event, the programmes are a few dozen applications, built step by step through the programme services
(steps.py): every eligibility check, checklist, transition event, review total, pilot and allocation is the
services' own. The batches' windows are history, so the services run with their clock at each step's moment
(clock.py explains why and how). demo-city's 宁波 is approved in 2025, so its pilot is running with its
budgets; no batch is open today, so demo-city has no draft.

The steps: drafting.py draws what each application holds, steps.py turns it into timed service calls, and
seeder.py merges every application's steps in time order and runs them.
"""

from dengta.demo.programmes.seeder import ProgrammeCounts, seed_programmes

__all__ = ["ProgrammeCounts", "seed_programmes"]
