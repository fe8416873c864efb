"""``GET /webhooks/agent/insights`` on conversations played over REST, with known outcomes."""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest

from partnerdesk.core.outcomes import OUTCOMES
from tests.insights.playbook import (
    EXPECTED,
    EXPECTED_AT_ONCE,
    EXPECTED_BY_FAQ,
    EXPECTED_BY_LANGUAGE,
    FIRST_REPLY_S,
    ZERO,
    counts,
)

pytestmark = [pytest.mark.slow, pytest.mark.server]
SEOUL = ZoneInfo("Asia/Seoul")


def at(timestamp: float) -> str:
    return quote(datetime.fromtimestamp(timestamp, SEOUL).isoformat())


def test_an_empty_store_answers_zeros_and_every_day(played):
    before = played.before
    assert before["conversations"] == ZERO
    assert before["deflection_rate"] is None and before["csat"] is None
    assert before["handoffs"] == {"count": 0, "median_first_reply_s": None}
    assert before["by_language"] == {"en": ZERO, "ko": ZERO} and before["by_faq"] == []
    assert len(before["days"]) == 30 and all(
        {k: v for k, v in day.items() if k != "date"} == ZERO for day in before["days"]
    )


def test_every_outcome_is_counted_as_the_contract_defines_it(insights_stack, played):
    answer = insights_stack.insights().json()
    assert answer["conversations"] == EXPECTED
    assert answer["deflection_rate"] == pytest.approx(4 / 9)
    assert answer["csat"] == pytest.approx(1 / 2)  # one 👍 (English), one 👎 (Korean)
    assert answer["by_language"] == EXPECTED_BY_LANGUAGE
    assert answer["by_channel"] == {"rest": EXPECTED, "socketio": ZERO, "slack": ZERO}
    assert answer["by_faq"] == EXPECTED_BY_FAQ
    assert answer["handoffs"]["count"] == 2
    assert answer["handoffs"]["median_first_reply_s"] == pytest.approx(FIRST_REPLY_S, abs=0.01)
    today = datetime.now(SEOUL).date()
    assert answer["days"][-1]["date"] == today.isoformat() and len(answer["days"]) == 30
    totals = {name: sum(day[name] for day in answer["days"]) for name in OUTCOMES}
    assert totals == EXPECTED
    assert answer["period"]["idle_minutes"] == 30 and answer["period"]["time_zone"] == "Asia/Seoul"


def test_the_idle_minutes_edge(insights_stack, played):
    by_idle = {
        idle: insights_stack.insights(f"?idle_minutes={idle}").json()["conversations"]
        for idle in (0, 29, 30, 31, 10080)
    }
    assert by_idle[0] == EXPECTED_AT_ONCE  # both questions left unanswered are abandoned
    assert by_idle[29] == EXPECTED_AT_ONCE  # the Korean one is 29 min 0 s old and more
    assert by_idle[30] == EXPECTED  # the English one is 30 min 5 s old, the Korean one not
    assert by_idle[31]["abandoned"] == 0 == by_idle[10080]["abandoned"]


def test_a_session_expired_by_rasa_is_two_conversations(insights_stack, played):
    rows = list(csv.DictReader(io.StringIO(
        insights_stack.insights("?format=csv", path="/conversations").text
    )))  # fmt: skip
    split = [row for row in rows if row["conversation_id"] == played.senders["split"]]
    assert [row["outcome"] for row in split] == ["chit_chat", "resolved"]
    first, second = (datetime.fromisoformat(row["started_at"]) for row in split)
    assert second - first >= timedelta(hours=2)


def test_a_period_of_chit_chat_only_has_no_rates(insights_stack, played):
    since, until = played.chit_chat_window
    answer = insights_stack.insights(f"?since={at(since)}&until={at(until)}").json()
    assert answer["conversations"] == counts(chit_chat=2)
    assert answer["deflection_rate"] is None and answer["csat"] is None


def test_a_period_without_data(insights_stack, played):
    answer = insights_stack.insights("?since=2020-01-01&until=2020-02-01").json()
    assert answer["conversations"] == ZERO and answer["deflection_rate"] is None
    assert [day["date"] for day in answer["days"]][::30] == ["2020-01-01", "2020-01-31"]
    assert answer["period"]["since"] == "2020-01-01T00:00:00+09:00"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?since=yesterday", "\"since\": 'yesterday' is not an ISO 8601 date or time"),
        ("?until=2021-02-30", "\"until\": '2021-02-30' is not an ISO 8601 date or time"),
        ("?since=", '"since" must be an ISO 8601 date or time'),
        (
            "?since=2021-09-01&until=2021-08-01",
            '"since" (2021-09-01T00:00:00+09:00) must be before',
        ),
        ("?since=1990-01-01", "at most 3660 days"),
        ("?idle_minutes=-1", '"idle_minutes" must be a whole number from 0 to 10080'),
        ("?idle_minutes=10081", '"idle_minutes" must be a whole number from 0 to 10080'),
        ("?idle_minutes=1.5", '"idle_minutes" must be a whole number from 0 to 10080'),
        ("?since=2021-08-01&since=2021-08-02", 'Give "since" once.'),
        ("?start=2021-08-01", "Unknown parameter 'start'; use since, until, idle_minutes."),
        ("?since=%FF%FE", "is not an ISO 8601 date or time"),
    ],
)
def test_malformed_parameters_get_400_with_the_reason(insights_stack, query, message):
    reply = insights_stack.insights(query)
    assert reply.status_code == 400, reply.text
    assert message in reply.json()["error"]


def test_the_token_is_required(insights_stack):
    for token in ("", "wrong"):
        reply = insights_stack.insights(token=token)
        assert reply.status_code == 401 and reply.json()["error"]


def test_the_export_masks_and_lists_every_conversation(insights_stack, played):
    reply = insights_stack.insights("?format=csv&idle_minutes=0", path="/conversations")
    assert reply.status_code == 200 and reply.headers["Content-Type"].startswith("text/csv")
    assert reply.headers["Content-Disposition"].startswith('attachment; filename="partnerdesk-')
    rows = list(csv.DictReader(io.StringIO(reply.text)))
    assert {o: sum(r["outcome"] == o for r in rows) for o in OUTCOMES} == EXPECTED_AT_ONCE
    by_id = {row["conversation_id"]: row for row in rows}
    assert by_id[played.senders["oos_ko"]]["first_question"] == "오늘 서울 날씨 어때요?"
    assert by_id[played.senders["handoff_en"]]["first_reply_s"] == str(FIRST_REPLY_S + 0.0)[:5]
    as_json = insights_stack.insights("?format=json", path="/conversations").json()
    assert len(as_json["conversations"]) == len(rows)
    assert insights_stack.insights("?format=xml", path="/conversations").status_code == 400


def test_unanswered_groups(insights_stack, played):
    answer = insights_stack.insights(path="/unanswered").json()
    assert answer["questions"] == answer["grouped"] == 2
    texts = sorted(group["question"] for group in answer["groups"])
    assert texts == sorted(["how much does the action pack cost?", "오늘 서울 날씨 어때요?"])


def test_cors_preflight_for_the_pages(insights_stack):
    import requests

    reply = requests.options(
        f"{insights_stack.rasa_url}/webhooks/agent/insights",
        headers={
            "Origin": insights_stack.page_origin,
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "authorization",
        },
        timeout=10,
    )
    assert reply.status_code in (200, 204)
    assert reply.raw.headers.getlist("Access-Control-Allow-Origin") == [insights_stack.page_origin]
    assert "authorization" in reply.headers["Access-Control-Allow-Headers"].lower()
