"""The app registers what workers need when Django starts, not when a URL module happens to load."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_history_import_job_is_registered_by_django_setup_alone() -> None:
    # A fresh interpreter, as a Celery worker starts: django.setup() only, no URLconf imported.
    code = (
        "import django; django.setup();"
        "from dengta.core.jobs import _HANDLERS; print('assessment.import_history' in _HANDLERS)"
    )
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="config.settings.test")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "True"
