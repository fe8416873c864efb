"""Slack text in and out, Block Kit limits, and an unreachable delivery store (no servers)."""

from http import HTTPStatus

import pytest
from rasa.shared.exceptions import InvalidConfigException

from partnerdesk.channels.slack import MAX_BUTTON_TITLE_CHARS, PartnerSlackInput, _button
from partnerdesk.channels.slack_events import RedisSeenDeliveries
from partnerdesk.channels.slack_text import MAX_SECTION_CHARS, from_slack_text, sections, to_mrkdwn
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


def test_a_missing_token_or_secret_stops_the_server_from_starting():
    store = RedisSeenDeliveries("redis://127.0.0.1:1/0")
    with pytest.raises(InvalidConfigException):
        PartnerSlackInput(slack_token="", slack_signing_secret="s", seen=store)
    with pytest.raises(InvalidConfigException):
        PartnerSlackInput(slack_token="xoxb-1", slack_signing_secret="", seen=store)


async def test_an_unreachable_store_asks_slack_to_retry_later():
    store = RedisSeenDeliveries(f"redis://127.0.0.1:{free_port()}/0")
    channel = PartnerSlackInput(slack_token="xoxb-1", slack_signing_secret="s", seen=store)
    answer = await channel._claim(["event:Ev1"])
    assert answer is not None and answer.status == HTTPStatus.SERVICE_UNAVAILABLE
