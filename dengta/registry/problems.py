"""Problems in user input: ``Problem`` lives in dengta.core.problems (shared by every app's parsers and the
spreadsheet import in dengta.core.importing); the registry's rules and the apps below it import it from here
as they always have."""

from dengta.core.problems import Problem, gettext_noop

__all__ = ["Problem", "gettext_noop"]
