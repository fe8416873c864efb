"""The REST channel against a running server with the SQLite tracker store."""

import re
import signal
import uuid

import pytest
import requests

pytestmark = [pytest.mark.slow, pytest.mark.server]
HANGUL = re.compile(r"[\uac00-\ud7a3]")


def say(base, sender, text):
    reply = requests.post(
        f"{base}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=60
    )
    assert reply.status_code == 200, reply.text
    return reply.json()


def new_sender():
    return f"test-{uuid.uuid4().hex}"


def test_english_question_gets_english_answer_with_citation(rasa_url):
    [answer] = say(rasa_url, new_sender(), "does the action pack come with VS enterprise?")
    assert "Visual Studio Professional" in answer["text"]
    assert "Source: Partner Center docs, MPN benefits FAQ (10 Dec 2020)" in answer["text"]
    assert "/en-us/" in answer["text"]
    assert not HANGUL.search(answer["text"])


def test_korean_question_gets_korean_answer_with_citation(rasa_url):
    [answer] = say(rasa_url, new_sender(), "액션팩에 비주얼 스튜디오 엔터프라이즈 포함돼요?")
    assert "Visual Studio Professional" in answer["text"]
    assert "출처: 파트너 센터 문서, MPN 혜택 FAQ (2020년 12월 10일)" in answer["text"]
    assert "/ko-kr/" in answer["text"]


def test_language_follows_each_message(rasa_url):
    sender = new_sender()
    assert HANGUL.search(say(rasa_url, sender, "안녕하세요")[0]["text"])
    assert not HANGUL.search(say(rasa_url, sender, "hello there")[0]["text"])
    # a bare abbreviation has no telling letters: the language stays English
    assert not HANGUL.search(say(rasa_url, sender, "👍")[0]["text"])


@pytest.mark.parametrize(
    ("text", "korean"),
    [
        ("", False),
        ("   ", False),
        ("🙂🙂🙂", False),
        ("<script>alert('x')</script>", False),
        ("<img src=x onerror=alert(1)>", False),
        ("how do I renew " * 700, False),  # about 10,000 characters
        ("액션팩 renewal 언제 가능한가요 please", True),
        ("ㅁㄴㅇㄹ", True),
    ],
)
def test_bad_input_gets_a_sensible_reply_in_the_users_language(rasa_url, text, korean):
    messages = say(rasa_url, new_sender(), text)
    assert messages and all(m.get("text") for m in messages)
    assert bool(HANGUL.search(messages[0]["text"])) == korean
    assert all("<script>" not in m["text"] for m in messages)


def test_did_you_mean_button_payload_gives_that_answer_in_the_conversations_language(rasa_url):
    [english] = say(rasa_url, new_sender(), "/faq/token_split")
    assert "25-seat" in english["text"] and "Source:" in english["text"]
    sender = new_sender()
    say(rasa_url, sender, "안녕하세요")
    [korean] = say(rasa_url, sender, "/faq/token_split")
    assert "토큰" in korean["text"] and "출처:" in korean["text"]


def test_conversation_survives_a_crash_and_restart(rasa_server_factory):
    server = rasa_server_factory().start()
    base = server.health_url.rstrip("/")
    sender = new_sender()
    say(base, sender, "액션팩 갱신은 언제 할 수 있나요?")
    server.stop(signal.SIGKILL)
    server.start()
    tracker = requests.get(f"{base}/conversations/{sender}/tracker", timeout=10).json()
    assert [e["text"] for e in tracker["events"] if e["event"] == "user"] == [
        "액션팩 갱신은 언제 할 수 있나요?"
    ]
    assert tracker["slots"]["language"] == "ko"
    assert HANGUL.search(say(base, sender, "고마워요")[0]["text"])


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"[1, 2]",
        b'"text"',
        b'{"sender": 5, "message": "hi"}',
        b'{"sender": "x", "message": 42}',
        b'{"sender": "x", "message": ["a"]}',
        b'{"sender": "", "message": "hi"}',
        ('{"sender": "x", "message": "%s"}' % ("a" * 20001)).encode(),
    ],
)
def test_malformed_requests_get_400_with_a_message_and_store_nothing(rasa_url, body):
    reply = requests.post(
        f"{rasa_url}/webhooks/rest/webhook",
        data=body,
        headers={"Content-Type": "application/json"},
        timeout=30,
    )
    assert reply.status_code == 400, reply.text
    assert reply.text.strip()
    tracker = requests.get(f"{rasa_url}/conversations/x/tracker", timeout=10).json()
    assert not [e for e in tracker["events"] if e["event"] == "user"]


def test_action_server_down_gets_an_apology_in_the_users_language(model_path, tmp_path):
    from tests import servers

    endpoints = servers.write_endpoints(
        tmp_path / "endpoints.yml",
        f"http://127.0.0.1:{servers.free_port()}/webhook",
        tmp_path / "down.db",
    )
    server = servers.rasa_server(
        model_path, endpoints, tmp_path, extra_env={"PARTNERDESK_ACTION_TIMEOUT": "3"}
    ).start()
    try:
        base = server.health_url.rstrip("/")
        english = say(
            base, new_sender(), "we bought the action pack on 1 sept 2020, when can we renew?"
        )
        assert any("Sorry, I can't work out dates right now" in m["text"] for m in english)
        korean = say(base, new_sender(), "2020년 9월 1일에 액션팩을 샀는데 언제 갱신할 수 있나요?")
        assert any("지금은 날짜를 계산할 수 없습니다" in m["text"] for m in korean)
    finally:
        server.stop()
