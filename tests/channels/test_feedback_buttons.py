"""Feedback buttons under an FAQ answer, over the REST channel of a running server."""

import uuid

import pytest
import requests

pytestmark = [pytest.mark.slow, pytest.mark.server]

THANKS = {
    "en": "Thanks for your feedback! It helps us improve the answers.",
    "ko": "의견 주셔서 감사합니다! 답변을 개선하는 데 활용하겠습니다.",
}


def say(base, sender, text):
    reply = requests.post(
        f"{base}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=60
    )
    assert reply.status_code == 200, reply.text
    return reply.json()


@pytest.mark.parametrize(
    ("question", "faq_id", "language", "helpful_line"),
    [
        (
            "can we split one token across two azure subscriptions?",
            "token_split",
            "en",
            "Was this helpful?",
        ),
        (
            "저희 액션팩 갱신은 언제부터 할 수 있어요?",
            "renew_action_pack",
            "ko",
            "도움이 되었나요?",
        ),
    ],
)
def test_answer_carries_the_buttons_and_a_click_is_thanked_in_its_language(
    rasa_url, question, faq_id, language, helpful_line
):
    sender = f"test-{uuid.uuid4().hex}"
    [answer] = say(rasa_url, sender, question)  # one message: text and buttons together
    assert answer["text"].endswith(f"\n{helpful_line}")
    assert [button["title"] for button in answer["buttons"]] == ["👍", "👎"]
    thumbs_up = answer["buttons"][0]["payload"]
    assert thumbs_up == f'/feedback{{"helpful": "yes", "feedback_faq": "{faq_id}"}}'

    assert say(rasa_url, sender, thumbs_up) == [{"recipient_id": sender, "text": THANKS[language]}]

    tracker = requests.get(f"{rasa_url}/conversations/{sender}/tracker", timeout=30).json()
    click = [e for e in tracker["events"] if e["event"] == "user"][-1]
    assert click["parse_data"]["intent"]["name"] == "feedback"
    assert {e["entity"]: e["value"] for e in click["parse_data"]["entities"]} == {
        "helpful": "yes",
        "feedback_faq": faq_id,
    }
    assert tracker["slots"]["language"] == language
