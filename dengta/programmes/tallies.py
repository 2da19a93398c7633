"""What the programmes app reports to the per-region tallies (dengta.core.tallies.changed).

PILOTS: a pilot was created with its allocation (an application approved), which makes its pool's
enterprises pilot enterprises and its money allocated. Pools change only while an application is editable,
before any pilot exists (workflows.APPLICATION_EDITABLE), so pool writes need not report.
"""

from __future__ import annotations

PILOTS = "programmes.pilots"
