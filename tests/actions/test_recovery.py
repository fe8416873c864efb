"""The 👎 recovery: next best answers as buttons, then a person; never just "thanks"."""

import pytest

from actions.recovery import ActionRecover

CONTEXT = {
    "faq": "share_vs_subscriptions",
    "alternatives": ["vs_enterprise_in_action_pack", "token_split"],
}
HANDOFF = '/human_handoff{"handoff_reason": "thumbs_down"}'


def _thumbs_down(make_tracker, faq_id, language="en"):
    tracker = make_tracker(
        f'/feedback{{"helpful": "no", "feedback_faq": "{faq_id}"}}',
        intent="feedback",
        slots={"answer_context": CONTEXT, "language": language, "helpful": "no"},
    )
    tracker.latest_message["entities"] = [
        {"entity": "helpful", "value": "no"},
        {"entity": "feedback_faq", "value": faq_id},
    ]
    return tracker


@pytest.mark.parametrize(
    ("language", "titles"),
    [
        (
            "en",
            [
                "Does the Action Pack include VS Enterprise?",
                "Splitting one token across subscriptions",
            ],
        ),
        ("ko", None),
    ],
)
async def test_a_thumbs_down_gets_the_next_answers_then_a_person(
    dispatcher, make_tracker, language, titles
):
    events = await ActionRecover().run(
        dispatcher, _thumbs_down(make_tracker, "share_vs_subscriptions", language), {}
    )
    assert events == []
    alternatives, person = dispatcher.messages
    assert alternatives["response"] == "utter_recovery_alternatives"
    assert [b["payload"] for b in alternatives["buttons"]] == [
        "/faq/vs_enterprise_in_action_pack",
        "/faq/token_split",
    ]
    if titles:
        assert [b["title"] for b in alternatives["buttons"]][1] == titles[1]
    else:
        assert all(
            any("\uac00" <= c <= "\ud7a3" for c in b["title"]) for b in alternatives["buttons"]
        )
    assert person["response"] == "utter_recovery_person"


async def test_a_typed_complaint_gets_the_same_recovery(dispatcher, make_tracker):
    tracker = make_tracker(
        "that didn't help", intent="not_helpful", slots={"answer_context": CONTEXT}
    )
    await ActionRecover().run(dispatcher, tracker, {})
    assert [m["response"] for m in dispatcher.messages] == [
        "utter_recovery_alternatives",
        "utter_recovery_person",
    ]


@pytest.mark.parametrize(
    "context",
    [
        None,  # nothing answered yet
        {"faq": "renew_action_pack", "alternatives": [], "rule": "renewal_window"},  # a rule answer
    ],
)
async def test_without_alternatives_a_person_is_offered(dispatcher, make_tracker, context):
    tracker = make_tracker("not helpful", intent="not_helpful", slots={"answer_context": context})
    await ActionRecover().run(dispatcher, tracker, {})
    assert [m["response"] for m in dispatcher.messages] == ["utter_recovery_person_only"]


async def test_a_thumbs_down_on_an_older_answer_gets_no_stale_alternatives(
    dispatcher, make_tracker
):
    await ActionRecover().run(dispatcher, _thumbs_down(make_tracker, "license_count"), {})
    assert [m["response"] for m in dispatcher.messages] == ["utter_recovery_person_only"]


def test_the_offer_of_a_person_is_the_handoff_button_in_both_languages(domain_dict):
    for name in ("utter_recovery_person", "utter_recovery_person_only"):
        variations = domain_dict["responses"][name]
        titles = [v["buttons"][0]["title"] for v in variations]
        payloads = {
            v["buttons"][0]["payload"].replace("{{", "{").replace("}}", "}") for v in variations
        }
        assert titles == ["상담원 연결", "Talk to a person"]
        assert payloads == {HANDOFF}
