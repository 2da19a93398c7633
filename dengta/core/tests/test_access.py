"""request_viewer: the one way views read the Viewer the middleware attached."""

from __future__ import annotations


def test_request_viewer_is_the_middlewares_viewer_or_anonymous() -> None:
    from types import SimpleNamespace

    from dengta.core.access import ANONYMOUS, Viewer, request_viewer

    someone = Viewer(user=object(), organization_id=7)
    assert request_viewer(SimpleNamespace(viewer=someone)) is someone
    assert request_viewer(SimpleNamespace()) is ANONYMOUS
    assert request_viewer(SimpleNamespace(viewer="not a viewer")) is ANONYMOUS
