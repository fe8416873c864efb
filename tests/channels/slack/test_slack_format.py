"""Slack text in and out, Block Kit limits, and an unreachable delivery store (no servers)."""

from http import HTTPStatus

import pytest

from partnerdesk.channels.slack import PartnerSlackInput
from partnerdesk.channels.slack.output import MAX_BUTTON_TITLE_CHARS, _button
from partnerdesk.channels.slack.text import MAX_SECTION_CHARS, from_slack_text, sections, to_mrkdwn
from partnerdesk.stores.slack_deliveries import RedisSeenDeliveries
from tests.servers import free_port


def test_answers_are_escaped_and_markdown_links_become_slack_links():
    text = "A < B & C > D, see [Renew MPN Offer](https://learn.microsoft.com/x?a=1&b=2)."
    assert to_mrkdwn(text) == (
        "A &lt; B &amp; C &gt; D, see <https://learn.microsoft.com/x?a=1&amp;b=2|Renew MPN Offer>."
    )


def test_user_text_is_unescaped_once():
    assert from_slack_text("&lt;img src=x onerror=alert(1)&gt; &amp;lt;") == (
        "<img src=x onerror=alert(1)> &lt;"
    )


def test_long_answers_are_split_into_sections_at_lines():
    lines = ["a" * 2000, "b" * 2000, "c" * 7000]
    texts = [s["text"]["text"] for s in sections("\n".join(lines))]
    assert all(len(t) <= MAX_SECTION_CHARS for t in texts)
    assert "".join(texts).replace("\n", "") == "".join(lines)
    assert texts[0] == "a" * 2000 and texts[1] == "b" * 2000


def test_long_button_titles_are_shortened_and_keep_their_payload():
    button = _button({"title": "x" * 100, "payload": "/faq/token_split"})
    assert len(button["text"]["text"]) == MAX_BUTTON_TITLE_CHARS
    assert button["text"]["text"].endswith("…") and button["value"] == "/faq/token_split"


@pytest.mark.parametrize(("token", "secret"), [("", "s"), ("xoxb-1", ""), ("", "")])
def test_without_token_or_secret_the_channel_is_off_and_refuses_everything(token, secret):
    channel = PartnerSlackInput(
        slack_token=token,
        slack_signing_secret=secret,
        seen=RedisSeenDeliveries("redis://127.0.0.1:1/0"),
    )
    assert not channel.enabled
    assert channel._refusal(None).status == HTTPStatus.SERVICE_UNAVAILABLE


def test_placeholders_rasa_left_unexpanded_are_read_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("PARTNERDESK_SLACK_EVENTS_DB", str(tmp_path / "events.db"))
    monkeypatch.delenv("PARTNERDESK_REDIS_URL", raising=False)
    credentials = {
        "slack_token": "${SLACK_BOT_TOKEN}",
        "slack_signing_secret": "${SLACK_SIGNING_SECRET}",
    }
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "shh")
    off = PartnerSlackInput.from_credentials(credentials)
    assert not off.enabled and off.seen is None
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-1")
    on = PartnerSlackInput.from_credentials(credentials)
    assert on.enabled and (on.slack_token, on.slack_signing_secret) == ("xoxb-1", "shh")
    assert on.seen.path == tmp_path / "events.db"


async def test_an_unreachable_store_asks_slack_to_retry_later():
    store = RedisSeenDeliveries(f"redis://127.0.0.1:{free_port()}/0")
    channel = PartnerSlackInput(slack_token="xoxb-1", slack_signing_secret="s", seen=store)
    answer = await channel._claim(["event:Ev1"])
    assert answer is not None and answer.status == HTTPStatus.SERVICE_UNAVAILABLE
