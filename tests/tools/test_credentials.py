from pathlib import Path

import yaml

from partnerdesk.core.placeholders import placeholders
from partnerdesk.tools.credentials import active_channels, write_active_credentials

CHANNELS = {
    "rest": None,
    "slack": {
        "slack_token": "${SLACK_BOT_TOKEN}",
        "slack_signing_secret": "${SLACK_SIGNING_SECRET}",
    },
    "assist": {"origins": ["x-${A}-y"]},
}


def test_placeholders_are_found_at_any_depth():
    assert placeholders(CHANNELS["slack"]) == ["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"]
    assert placeholders(CHANNELS["assist"]) == ["A"]
    assert placeholders(None) == []


def test_a_channel_with_an_unset_variable_is_left_out():
    active, skipped = active_channels(CHANNELS, {"SLACK_BOT_TOKEN": "xoxb-1", "A": "1"})
    assert list(active) == ["rest", "assist"]
    assert skipped == {"slack": ["SLACK_SIGNING_SECRET"]}


def test_an_empty_variable_counts_as_unset():
    env = {"SLACK_BOT_TOKEN": "", "SLACK_SIGNING_SECRET": "s", "A": "1"}
    _, skipped = active_channels(CHANNELS, env)
    assert skipped == {"slack": ["SLACK_BOT_TOKEN"]}


def test_the_written_file_keeps_placeholders_not_secrets(tmp_path: Path):
    source = tmp_path / "credentials.yml"
    source.write_text(yaml.safe_dump(CHANNELS))
    env = {"SLACK_BOT_TOKEN": "xoxb-secret", "SLACK_SIGNING_SECRET": "shh", "A": "1"}
    written = write_active_credentials(tmp_path / "out" / "active.yml", source, env)
    text = written.read_text()
    assert "${SLACK_BOT_TOKEN}" in text and "xoxb-secret" not in text and "shh" not in text
    assert set(yaml.safe_load(text)) == {"rest", "slack", "assist"}


def test_the_project_credentials_start_without_slack_variables(tmp_path: Path):
    written = write_active_credentials(tmp_path / "active.yml", env={})
    channels = yaml.safe_load(written.read_text())
    assert not placeholders(channels)
    assert any(name.endswith("CheckedRestInput") for name in channels)
