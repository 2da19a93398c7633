"""What the project pages share (views.py and gain_views.py): the project as its page finds it, the answer
that returns to a section of it, and how a refused step or an invalid form is said."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from dengta.core.access import Viewer, get_visible_or_404
from dengta.projects.models import Project


def project_for(viewer: Viewer, pk: int) -> Project:
    """The project if the viewer may see it, else 404 (the same answer whether hidden or absent)."""
    return get_visible_or_404(
        Project.objects.select_related(
            "pilot__batch",
            "pilot__authority",
            "enterprise__region",
            "enterprise__organization",
            "provider__organization",
        ),
        viewer,
        pk=pk,
    )


def back(project: Project, anchor: str = "") -> HttpResponse:
    url = reverse("projects:project_detail", args=[project.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


def say_errors(request: HttpRequest, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def act(
    request: HttpRequest, project: Project, action: Callable[[], Any], done: str, anchor: str = ""
) -> HttpResponse:
    """Run a service; say its refusal or ``done``; return to the project's section."""
    try:
        action()
    except ValidationError as error:
        say_errors(request, error)
    else:
        messages.success(request, done)
    return back(project, anchor)


def errors_to_form(form: Any, error: ValidationError, names: dict[str, str] | None = None) -> None:
    """A service's refusal on the form that sent it: each field's problems under the form's field (``names``
    maps the service's field names to the form's), the rest above the form."""
    if hasattr(error, "error_dict"):
        for field, problems in error.message_dict.items():
            name = (names or {}).get(field, field)
            form.add_error(name if name in form.fields else None, problems)
    else:
        form.add_error(None, error.messages)


def form_problems(form: Any) -> list[str]:
    """Each of the form's errors as a sentence naming its field."""
    out = []
    for name, problems in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        for problem in problems:
            out.append(
                str(_("%(label)s：%(problem)s") % {"label": label, "problem": problem}) if label else problem
            )
    return out


def valid(request: HttpRequest, form: Any) -> bool:
    """Whether the form is valid; when not, each problem is said as a message naming its field (the page
    it returns to shows them above the section)."""
    if form.is_valid():
        return True
    for text in form_problems(form):
        messages.error(request, text)
    return False
