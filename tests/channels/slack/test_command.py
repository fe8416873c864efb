"""The reply assistant's slash command: signed, ephemeral, answered in the HTTP response."""

import re
import time

import pytest

from tests.channels.slack.slack_requests import new_channel, slash_command

pytestmark = [pytest.mark.slow, pytest.mark.server]
HANGUL = re.compile(r"[\uac00-\ud7a3]")
FORM = "application/x-www-form-urlencoded"
# Slack gives up after 3 s; the answer must come well before.
MAX_ANSWER_S = 2.0


@pytest.fixture(scope="module")
def command_url(slack_rasa_url):
    return f"{slack_rasa_url}/webhooks/slack/command"


def run_command(slack, command_url, text, channel=None, **options):
    return slack.post(
        slash_command(text, channel or new_channel("C")), FORM, url=command_url, **options
    )


def texts(answer):
    return [block["text"]["text"] for block in answer["blocks"] if block["type"] == "section"]


def test_an_english_message_gets_ranked_english_drafts_only_the_agent_sees(
    slack, command_url, fake_slack
):
    channel = new_channel("C")
    started = time.monotonic()
    reply = run_command(slack, command_url, "When can we renew our Action Pack?", channel)
    elapsed = time.monotonic() - started
    assert reply.status_code == 200, reply.text
    answer = reply.json()
    assert answer["response_type"] == "ephemeral"
    sections = texts(answer)
    assert "partner's language: `en`" in sections[0]
    first = next(i for i, text in enumerate(sections) if text.startswith("*1. "))
    assert "`renew_action_pack`" in sections[first]
    assert "<https://learn.microsoft.com/en-us/partner-center/mpn-benefits-faq#" in sections[first]
    assert sections[first + 1].startswith("```Your company can renew your Microsoft Action Pack")
    assert sum(text.startswith(("*2. ", "*3. ")) for text in sections) == 2
    assert not any(text.startswith("*English*") for text in sections)
    assert elapsed < MAX_ANSWER_S
    assert fake_slack.posts_in(channel) == []  # the HTTP response is the only answer


def test_a_korean_message_gets_korean_drafts_with_the_english_version(slack, command_url):
    answer = run_command(slack, command_url, "액션팩 언제 갱신해요?").json()
    sections = texts(answer)
    assert "partner's language: `ko`" in sections[0]
    first = next(i for i, text in enumerate(sections) if text.startswith("*1. "))
    assert "`renew_action_pack`" in sections[first] and "/ko-kr/" in sections[first]
    assert HANGUL.search(sections[first + 1]) and "출처:" in sections[first + 1]
    assert sections[first + 2].startswith("*English*\n```Your company can renew")


def test_a_message_with_the_date_a_rule_needs_gets_the_rule_answer_first(slack, command_url):
    answer = run_command(
        slack, command_url, "we bought the Action Pack on 1 Sept 2020, when can we renew?"
    ).json()
    sections = texts(answer)
    assert sections[1].startswith("*Rule renewal_window → ")
    assert "September 2, 2021" in sections[2]


def test_a_question_outside_the_faq_is_flagged_low_confidence(slack, command_url):
    answer = run_command(slack, command_url, "what's the weather like in Busan tomorrow?").json()
    sections = texts(answer)
    assert sections[1].startswith(":warning: No draft clears the answer threshold")
    drafts = [text for text in sections if text.startswith(("*1. ", "*2. ", "*3. "))]
    assert len(drafts) == 3
    assert all("_low confidence_" in text for text in drafts)


@pytest.mark.parametrize("text", ["", "   "])
def test_an_empty_command_gets_a_usage_message(slack, command_url, text):
    reply = run_command(slack, command_url, text)
    assert reply.status_code == 200
    answer = reply.json()
    assert answer["response_type"] == "ephemeral" and "blocks" not in answer
    assert "`/faq When can we renew our Action Pack?`" in answer["text"]
    assert "`/faq 액션팩 언제 갱신해요?`" in answer["text"]


def test_an_oversized_message_is_explained(slack, command_url):
    answer = run_command(slack, command_url, "renew " * 1000).json()
    assert answer["response_type"] == "ephemeral"
    assert answer["text"] == 'No drafts: "text": must be 1 to 5000 characters long.'


@pytest.mark.parametrize(
    "options",
    [{"secret": "not-the-signing-secret"}, {"signed": False}, {"age_s": 10 * 60}],
    ids=["wrong-secret", "unsigned", "old-timestamp"],
)
def test_a_command_without_a_valid_signature_is_refused(slack, command_url, options):
    if "age_s" in options:
        options = {"timestamp": str(int(time.time()) - options["age_s"])}
    reply = run_command(slack, command_url, "When can we renew our Action Pack?", **options)
    assert reply.status_code == 401
    assert reply.json() == {"error": "The request is not signed with a valid X-Slack-Signature."}


def test_a_command_that_is_not_a_form_is_refused(slack, command_url):
    reply = slack.post(b'{"text": "renew"}', "application/json", url=command_url)
    assert reply.status_code == 415 and reply.json()["error"]
