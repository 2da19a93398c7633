"""Reading what the dashboards filter by: a region, a batch or a programme named by the caller, each
resolved to a row or a 404 (an unknown or out-of-jurisdiction id is not an empty chart)."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404

from dengta.analytics import summary
from dengta.core.access import Viewer
from dengta.core.tallies import jurisdiction_parts, region_parts
from dengta.programmes.models import Batch, Programme
from dengta.reference.models import Region


@dataclass(frozen=True)
class Scope:
    """Where and what the figures are of: a region (None: the viewer's whole jurisdiction, the country for
    national staff) and at most one of a batch and a programme."""

    region: Region | None
    # The region subtrees the figures are read from: (added, subtracted) paths (dengta.core.tallies).
    parts: tuple[list[str], list[str]]
    batch: Batch | None = None
    programme: Programme | None = None

    @property
    def suffix(self) -> str:
        return summary.scope_suffix(
            batch=self.batch, programme_id=self.programme.pk if self.programme is not None else None
        )


def home_region(viewer: Viewer) -> Region | None:
    """The region the viewer's figures default to: none for national staff (the country), else the
    region of the viewer's organisation when it is inside the viewer's jurisdiction."""
    if viewer.sees_all or not viewer.region_code:
        return None
    return Region.objects.filter(code=viewer.region_code).first()


def scope_of(
    viewer: Viewer, *, region: str = "", batch: int | None = None, programme: int | None = None
) -> Scope:
    """The scope the caller asked for, or Http404 when a region, batch or programme is unknown or the region
    lies outside the viewer's jurisdiction."""
    chosen: Region | None = None
    if region:
        chosen = Region.objects.filter(code=region).first()
        if chosen is None:
            raise Http404
        parts = region_parts(viewer, chosen.path)
    else:
        # Nothing asked: the viewer's whole jurisdiction (the country for national staff), named by the
        # viewer's own region when that is what it covers.
        parts = jurisdiction_parts(viewer)
        home = home_region(viewer)
        if home is not None and parts == region_parts(viewer, home.path):
            chosen = home
    if parts is None:
        raise Http404
    found_batch = found_programme = None
    if batch is not None:
        found_batch = Batch.objects.select_related("programme").filter(pk=batch).first()
        if found_batch is None:
            raise Http404
    if programme is not None:
        found_programme = Programme.objects.filter(pk=programme).first()
        if found_programme is None:
            raise Http404
    return Scope(chosen, parts, found_batch, found_programme)
