"""``partnerdesk gaps`` without a server: bad stores and arguments get a clear message."""

import os
import subprocess

import pytest

from partnerdesk.core.paths import PROJECT_ROOT

CLI = str(PROJECT_ROOT / ".venv" / "bin" / "partnerdesk")


def gaps_cli(*args):
    return run_cli("gaps", *args)


def run_cli(*args):
    return subprocess.run(
        [CLI, *args],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--db-url", "sqlite:////nonexistent/partnerdesk.db"], "no SQLite tracker store"),
        (["--endpoints", "/nonexistent/endpoints.yml"], "no endpoints file"),
        (["--db-url", "not a url"], "not a database URL"),
    ],
)
def test_unreadable_stores_get_a_clear_message(args, message):
    result = gaps_cli(*args)
    assert result.returncode == 1
    assert message in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("args", [["--since", "-1"], ["--threshold", "2"], ["--since", "x"]])
def test_bad_arguments_are_refused_by_argparse(args):
    result = gaps_cli(*args)
    assert result.returncode == 2 and "error: argument" in result.stderr


@pytest.mark.parametrize("days", ["-5", "0", "x"])
def test_suggest_training_refuses_a_period_that_is_no_number_of_days(days):
    result = run_cli("suggest-training", "--since", days)
    assert result.returncode == 2 and "error: argument --since" in result.stderr


def test_a_store_without_events_table(tmp_path):
    import sqlite3

    db = tmp_path / "empty.db"
    sqlite3.connect(db).close()
    result = gaps_cli("--db-url", f"sqlite:///{db}")
    assert result.returncode == 1 and "has no 'events' table" in result.stderr
