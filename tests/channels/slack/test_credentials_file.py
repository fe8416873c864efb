"""The project's credentials.yml as is: Rasa starts with or without the Slack variables."""

import pytest
import requests

from partnerdesk.core.paths import PROJECT_ROOT
from tests import servers
from tests.channels.slack.conftest import BOT_TOKEN, SIGNING_SECRET
from tests.channels.slack.slack_requests import SlackSender

pytestmark = [pytest.mark.slow, pytest.mark.server]
CHALLENGE = {"type": "url_verification", "challenge": "c-0123456789"}


def start_with_project_credentials(model_path, workdir, env):
    """``rasa run --enable-api`` with credentials.yml itself, as the acceptance checks start it."""
    endpoints = servers.write_endpoints(workdir / "endpoints.yml", None, None)
    server = servers.rasa_server(
        model_path, endpoints, workdir, credentials=PROJECT_ROOT / "credentials.yml", extra_env=env
    )
    return server.start()


def test_without_slack_variables_rasa_starts_and_slack_is_off(model_path, tmp_path, monkeypatch):
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"):
        monkeypatch.delenv(name, raising=False)
    server = start_with_project_credentials(model_path, tmp_path, {})
    try:
        base = server.health_url.rstrip("/")
        rest = requests.post(
            f"{base}/webhooks/rest/webhook", json={"sender": "s", "message": "hello"}, timeout=30
        )
        assert rest.status_code == 200 and rest.json()
        assert requests.get(f"{base}/webhooks/slack/", timeout=5).json() == {"status": "off"}
        # even signed with the placeholder text itself, nothing is processed
        slack = SlackSender(f"{base}/webhooks/slack/webhook", "${SLACK_SIGNING_SECRET}")
        reply = slack.event(CHALLENGE)
        assert reply.status_code == 503 and "SLACK_SIGNING_SECRET" in reply.json()["error"]
        command = slack.post(
            b"text=renew", "application/x-www-form-urlencoded", url=f"{base}/webhooks/slack/command"
        )
        assert command.status_code == 503
    finally:
        server.stop()


def test_with_slack_variables_the_secret_comes_from_the_environment(model_path, tmp_path):
    server = start_with_project_credentials(
        model_path,
        tmp_path,
        {
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "PARTNERDESK_REDIS_URL": "",
            "PARTNERDESK_SLACK_EVENTS_DB": str(tmp_path / "slack_events.db"),
        },
    )
    try:
        webhook = server.health_url.rstrip("/") + "/webhooks/slack/webhook"
        reply = SlackSender(webhook, SIGNING_SECRET).event(CHALLENGE)
        assert reply.status_code == 200 and reply.json() == {"challenge": CHALLENGE["challenge"]}
        forged = SlackSender(webhook, "${SLACK_SIGNING_SECRET}").event(CHALLENGE)
        assert forged.status_code == 401
    finally:
        server.stop()
