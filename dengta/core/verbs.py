"""Human names for the event log: each verb's label, each object type's name, each actor's name.

The log stores codes (``enterprise.updated``, ``registry.enterprise``) because they are part of each row's
hash and of the API; people see names (ARCHITECTURE.md "Users see names, not internal codes"). Every app
lists the verbs it writes, with a translatable label, in a ``VERBS`` dict in its own ``verbs.py`` beside its
services; this module collects them from the installed apps, so a new app adds its verbs without touching
core. ``dengta/core/tests/test_verbs.py`` fails when any verb written in the code has no label. A verb no
app lists any more (old rows) shows a generic label, never its code.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Iterable, Mapping
from functools import lru_cache

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

VERB_MODULE = "verbs"
GENERIC_VERB = gettext_lazy("其他操作")


@lru_cache(maxsize=1)
def registry() -> Mapping[str, Promise | str]:
    """Every app's ``verbs.VERBS``, merged; a verb that two apps both claim is a configuration error."""
    labels: dict[str, Promise | str] = {}
    owners: dict[str, str] = {}
    for config in apps.get_app_configs():
        name = f"{config.name}.{VERB_MODULE}"
        if importlib.util.find_spec(name) is None:
            continue
        module = importlib.import_module(name)
        for verb, label in getattr(module, "VERBS", {}).items():
            if verb in owners:
                raise ImproperlyConfigured(f"event verb {verb!r} is listed by both {owners[verb]} and {name}")
            owners[verb] = name
            labels[verb] = label
    return labels


def verb_label(verb: str) -> str:
    """The verb's label in the active language; a generic label for a verb no app lists."""
    return str(registry().get(verb, GENERIC_VERB))


def is_known(verb: str) -> bool:
    return verb in registry()


def target_type_label(target_type: str) -> str:
    """An object type (``app_label.model_name``) by its model's verbose name; "对象" when there is no such
    model any more."""
    app_label, _sep, model_name = target_type.partition(".")
    try:
        model = apps.get_model(app_label, model_name)
    except (LookupError, ValueError):
        return _("对象")
    return str(model._meta.verbose_name)


def verb_choices(verbs: Iterable[str]) -> list[tuple[str, str]]:
    """Filter choices: each verb code with its label, sorted by the label people read."""
    return sorted(((v, verb_label(v)) for v in verbs), key=lambda pair: (pair[1], pair[0]))


def target_type_choices(types: Iterable[str]) -> list[tuple[str, str]]:
    return sorted(((t, target_type_label(t)) for t in types), key=lambda pair: (pair[1], pair[0]))
