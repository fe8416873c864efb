"""The reply assistant's endpoint against running Rasa servers (SQLite tracker store)."""

import json
import re
import sqlite3

import pytest
import requests

pytestmark = [pytest.mark.slow, pytest.mark.server]
HANGUL = re.compile(r"[\uac00-\ud7a3]")
MAX_BODY = 64 * 1024


def post(server, body, headers, timeout=30):
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return requests.post(
        server.suggest_url,
        data=data,
        timeout=timeout,
        headers={"Content-Type": "application/json", **headers},
    )


def ok(server, headers, **body):
    reply = post(server, body, headers)
    assert reply.status_code == 200, reply.text
    return reply.json()


def test_english_ranking(assist_server, assist_headers):
    answer = ok(
        assist_server, assist_headers, text="can one token unlock several subscriptions", top=5
    )
    assert answer["language"] == "en" and answer["fallback"] is False
    confidences = [s["confidence"] for s in answer["suggestions"]]
    assert len(confidences) == 5 and confidences == sorted(confidences, reverse=True)
    best = answer["suggestions"][0]
    assert best["faq_id"] == "token_split" and not best["low_confidence"]
    assert best["reply"] == best["reply_en"] and "/en-us/" in best["citation"]["url"]
    assert set(best) == {
        "faq_id",
        "confidence",
        "title",
        "reply",
        "reply_en",
        "citation",
        "low_confidence",
    }
    assert answer["rule_result"] is None


def test_default_top_is_three(assist_server, assist_headers):
    assert (
        len(ok(assist_server, assist_headers, text="how many licenses do we have")["suggestions"])
        == 3
    )


def test_korean_drafts_with_english_versions(assist_server, assist_headers):
    answer = ok(assist_server, assist_headers, text="VS 구독 팀원끼리 같이 써도 되나요?", top=1)
    assert answer["language"] == "ko"
    [best] = answer["suggestions"]
    assert HANGUL.search(best["reply"]) and HANGUL.search(best["title"])
    assert not HANGUL.search(best["reply_en"])
    assert "/ko-kr/" in best["citation"]["url"] and "출처:" in best["reply"]


def test_rule_result_from_a_date_in_the_text(assist_server, assist_headers):
    answer = ok(
        assist_server,
        assist_headers,
        text="we bought the Action Pack on 1 Sept 2020, when can we renew?",
    )
    rule = answer["rule_result"]
    assert (rule["rule"], rule["status"], rule["faq_id"]) == (
        "renewal_window",
        "not_open_yet",
        "renew_action_pack",
    )
    assert (
        rule["dates"]["window_opens"] == "2021-09-02"
        and rule["dates"]["window_closes"] == "2021-10-01"
    )
    assert "September 2, 2021 (in 13 days)" in rule["explanation"]


def test_rule_result_from_a_date_field_in_korean(assist_server, assist_headers):
    answer = ok(
        assist_server,
        assist_headers,
        text="갱신을 놓쳤는데 아직 요금 낼 수 있나요?",
        anniversary_date="2021-07-25",
    )
    rule = answer["rule_result"]
    assert (rule["rule"], rule["status"], rule["dates"]["deadline"]) == (
        "reactivation",
        "can_pay_fee",
        "2021-08-24",
    )
    assert "2021년 8월 24일" in rule["explanation"] and "5일 남음" in rule["explanation"]


def test_out_of_scope_falls_back(assist_server, assist_headers):
    answer = ok(assist_server, assist_headers, text="how much does the action pack cost?")
    assert answer["fallback"] is True
    assert answer["suggestions"] and all(s["low_confidence"] for s in answer["suggestions"])


BAD_REQUESTS = [
    ("bad JSON", b'{"text": "hi"', 400, "JSON"),
    ("empty body", b"", 400, "JSON"),
    ("not UTF-8", b'{"text": "\xff\xfe"}', 400, "JSON"),
    ("array", [{"text": "hi"}], 400, "JSON object"),
    ("string", "hi", 400, "JSON object"),
    ("missing text", {"top": 3}, 422, '"text": is required'),
    ("empty text", {"text": ""}, 422, '"text": must be 1 to 5000'),
    ("blank text", {"text": "   "}, 422, '"text": must not be blank'),
    ("5001 characters", {"text": "a" * 5001}, 422, '"text": must be 1 to 5000'),
    ("number text", {"text": 12}, 422, '"text": must be a string'),
    ("null text", {"text": None}, 422, '"text": must not be null'),
    ("top 0", {"text": "hi", "top": 0}, 422, '"top": must be between 1 and 10'),
    ("top 11", {"text": "hi", "top": 11}, 422, '"top": must be between 1 and 10'),
    ("top string", {"text": "hi", "top": "3"}, 422, '"top": must be an integer'),
    ("top float", {"text": "hi", "top": 2.5}, 422, '"top": must be an integer'),
    ("impossible date", {"text": "hi", "purchase_date": "2021-02-30"}, 422, "not a real date"),
    ("non-ISO date", {"text": "hi", "anniversary_date": "1 Sept 2020"}, 422, "ISO date"),
    ("date number", {"text": "hi", "activation_date": 20210801}, 422, "ISO date"),
    (
        "future purchase",
        {"text": "when can we renew the action pack?", "purchase_date": "2030-01-01"},
        422,
        "after today",
    ),
    ("unknown field", {"text": "hi", "message": "hi"}, 422, "not a known field"),
]


@pytest.mark.parametrize(
    ("body", "status", "error"),
    [case[1:] for case in BAD_REQUESTS],
    ids=[case[0] for case in BAD_REQUESTS],
)
def test_bad_requests_get_a_clear_4xx(assist_server, assist_headers, body, status, error):
    reply = post(assist_server, body, assist_headers)
    assert reply.status_code == status, reply.text
    assert reply.headers["Content-Type"].startswith("application/json")
    assert error in reply.json()["error"]


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong-token"},
        {"Authorization": "assist-test-token-7f3c"},
        {"Authorization": "Basic YWxhZGRpbjpvcGVuc2VzYW1l"},
        {"Authorization": "Bearer "},
    ],
    ids=["no token", "wrong token", "no Bearer", "Basic", "empty bearer"],
)
def test_without_the_right_token_401(assist_server, headers):
    reply = post(assist_server, {"text": "hi"}, headers)
    assert reply.status_code == 401 and reply.json()["error"]


def test_oversized_body_413_before_parsing(assist_server, assist_headers):
    body = {"text": "a" * MAX_BODY}
    assert post(assist_server, body, assist_headers).status_code == 413
    assert post(assist_server, b"x" * (MAX_BODY + 1), assist_headers).status_code == 413
    assert "error" in post(assist_server, body, assist_headers).json()


def test_dev_mode_needs_no_token(assist_dev_server):
    answer = ok(assist_dev_server, {}, text="액션팩 언제 갱신해요?")
    assert answer["suggestions"][0]["faq_id"] == "renew_action_pack"
    assert post(assist_dev_server, {"text": ""}, {}).status_code == 422


def test_nothing_is_stored_and_nothing_crashed(assist_server, assist_dev_server, assist_headers):
    """Runs last in this file: every request above left the tracker stores empty."""
    for server in (assist_server, assist_dev_server):
        with sqlite3.connect(server.database) as connection:
            assert connection.execute("SELECT COUNT(*) FROM events").fetchone() == (0,)
        log = server.log.read_text(errors="replace")
        assert "Traceback" not in log and "Exception" not in log
    reply = requests.get(f"{assist_server.url}/conversations/default/tracker", timeout=10)
    assert reply.status_code == 200 and not [
        e for e in reply.json()["events"] if e["event"] == "user"
    ]
