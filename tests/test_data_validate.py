"""``rasa data validate`` must be clean: no errors and no warnings."""

import os
import subprocess

import pytest

from partnerdesk.core.paths import PROJECT_ROOT

pytestmark = pytest.mark.slow


def test_rasa_data_validate_is_clean():
    result = subprocess.run(
        [str(PROJECT_ROOT / ".venv" / "bin" / "rasa"), "data", "validate", "--fail-on-warning"],
        cwd=PROJECT_ROOT,
        env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
