"""Problems found in user input, as data: a code, a translatable template and its parameters.

Pure Python (no Django) so that the credit-code and number rules can be used and tested without a database.
Templates are the Chinese message (the English is in the catalogue; UI.md: one language per message); they
are marked with ``gettext_noop`` so ``makemessages`` collects them, and the Django layer translates them when
it shows them (``Problem.render(gettext)``). Every app's parsers and the spreadsheet import
(dengta.core.importing) share it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


def gettext_noop(message: str) -> str:
    """Marks a string for translation without translating it (xgettext knows this keyword)."""
    return message


def _identity(message: str) -> str:
    return message


@dataclass(frozen=True)
class Problem:
    code: str
    template: str
    params: dict[str, object] = field(default_factory=dict)

    def render(self, translate: Callable[[str], str] = _identity) -> str:
        text = translate(self.template)
        return text % self.params if self.params else text

    def __str__(self) -> str:
        return self.render()
