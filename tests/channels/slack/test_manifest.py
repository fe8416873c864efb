"""``deploy/slack/manifest.yml`` names every event, scope and command the code relies on.

Scopes are worked out from the code: every Slack Web API method it calls (read from the
source of ``partnerdesk/channels/slack/``) needs its scopes, an agent's name on a post
(``username=``) needs ``chat:write.customize``, and every kind of message the channel
answers (asked of the code itself) needs its event and that event's scope.
"""

import re
from typing import Dict, Set

import pytest
import yaml

from partnerdesk.channels.slack.requests import is_answered
from partnerdesk.core.paths import PROJECT_ROOT

MANIFEST = yaml.safe_load((PROJECT_ROOT / "deploy" / "slack" / "manifest.yml").read_text())
SLACK_CODE = "\n".join(
    path.read_text(encoding="utf-8")
    for path in sorted((PROJECT_ROOT / "partnerdesk" / "channels" / "slack").glob("*.py"))
)
SCOPES = set(MANIFEST["oauth_config"]["scopes"]["bot"])
EVENTS = set(MANIFEST["settings"]["event_subscriptions"]["bot_events"])
HOST = "https://partnerdesk.example.com"
# The bot scopes each Web API method needs (https://api.slack.com/methods/<method>).
METHOD_SCOPES: Dict[str, Set[str]] = {
    "auth_test": set(),
    "chat_postMessage": {"chat:write"},
    "chat_postEphemeral": {"chat:write"},
    "chat_scheduleMessage": {"chat:write"},
    "chat_update": {"chat:write"},
    "chat_delete": {"chat:write"},
    "users_info": {"users:read"},
    "conversations_info": {"channels:read", "groups:read", "im:read"},
    "conversations_replies": {"channels:history", "groups:history", "im:history"},
    "reactions_add": {"reactions:write"},
}
# The scope each event subscription needs.
EVENT_SCOPES = {
    "app_mention": "app_mentions:read",
    "message.im": "im:history",
    "message.channels": "channels:history",
    "message.groups": "groups:history",
}
ANSWERED = "CPARTNERS"
# Messages the channel may answer, and the event Slack delivers each as.
DELIVERIES = [
    ({"type": "app_mention", "channel": "C1"}, "app_mention"),
    ({"type": "message", "channel_type": "im", "channel": "D1"}, "message.im"),
    ({"type": "message", "channel_type": "channel", "channel": ANSWERED}, "message.channels"),
    ({"type": "message", "channel_type": "group", "channel": ANSWERED}, "message.groups"),
]


def web_api_calls() -> Set[str]:
    return set(
        re.findall(r"\.((?:chat|users|conversations|reactions|auth|views)_\w+)\(", SLACK_CODE)
    )


def test_every_web_api_method_the_code_calls_has_its_scopes():
    calls = web_api_calls()
    assert {"chat_postMessage", "users_info"} <= calls
    unknown = calls - METHOD_SCOPES.keys()
    assert not unknown, f"add the scopes of {unknown} to METHOD_SCOPES (and the manifest)"
    for method in calls:
        needed = METHOD_SCOPES[method]
        assert not needed or needed & SCOPES, f"{method} needs one of {needed}"


def test_posting_under_an_agents_name_has_its_scope():
    assert "username=" in SLACK_CODE
    assert "chat:write.customize" in SCOPES


@pytest.mark.parametrize(("event", "subscription"), DELIVERIES)
def test_every_message_the_code_answers_is_subscribed_with_its_scope(event, subscription):
    message = {"user": "U1", "ts": "1.1", "text": "hi", **event}
    if is_answered(message, ANSWERED):
        assert subscription in EVENTS
        assert EVENT_SCOPES[subscription] in SCOPES


def test_the_agents_channel_may_be_public_or_private():
    assert {"message.channels", "message.groups"} <= EVENTS
    assert {"channels:history", "groups:history"} <= SCOPES


def test_no_scope_or_event_is_asked_for_without_a_use():
    used = {scope for method in web_api_calls() for scope in METHOD_SCOPES[method]}
    used |= {EVENT_SCOPES[event] for event in EVENTS} | {"chat:write.customize", "commands"}
    assert SCOPES - used == set()
    assert EVENTS <= EVENT_SCOPES.keys()


def test_the_command_and_the_request_urls_are_the_channels_routes():
    [command] = MANIFEST["features"]["slash_commands"]
    assert command["command"] == "/faq" and "commands" in SCOPES
    assert command["url"] == f"{HOST}/webhooks/slack/command"
    assert '"/command"' in SLACK_CODE and '"/webhook"' in SLACK_CODE
    events = MANIFEST["settings"]["event_subscriptions"]["request_url"]
    clicks = MANIFEST["settings"]["interactivity"]
    assert events == clicks["request_url"] == f"{HOST}/webhooks/slack/webhook"
    assert clicks["is_enabled"] is True


def test_partners_can_write_in_direct_messages():
    home = MANIFEST["features"]["app_home"]
    assert home["messages_tab_enabled"] and not home["messages_tab_read_only_enabled"]


def test_the_readme_sets_slack_up_with_the_manifest():
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    assert "deploy/slack/manifest.yml" in readme
    assert "Create New App → From scratch" not in readme
