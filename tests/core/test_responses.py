"""partnerdesk.core.responses picks the same variation as Rasa, for every response."""

import pytest
from rasa.core.nlg.generator import ResponseVariationFilter

from partnerdesk.core.responses import domain_responses, fill, pick_variation, response_text

RESPONSES = domain_responses()


@pytest.mark.parametrize("channel", [None, "slack", "socketio", "rest", "assist"])
@pytest.mark.parametrize("language", ["en", "ko"])
def test_the_same_variation_as_rasa_for_every_response(language, channel):
    rasa_filter = ResponseVariationFilter(RESPONSES)
    for name, variations in RESPONSES.items():
        rasa = rasa_filter.responses_for_utter_action(name, channel, {"language": language})
        ours = pick_variation(variations, language, channel)
        assert len(rasa) == 1, name  # PartnerDesk's responses leave Rasa no random choice
        assert ours == rasa[0], (name, language, channel)


def test_fill_keeps_doubled_braces_and_unknown_names():
    assert (
        fill('{day} /x{{"a": "{v}"}} {other}', {"day": "1", "v": "2"}) == '1 /x{{"a": "2"}} {other}'
    )


def test_response_text_in_both_languages():
    assert response_text("utter_button_remind_me", "ko") == "알림 받기"
    assert response_text("utter_button_remind_me", "en") == "Remind me"
    assert response_text(
        "utter_reminder_scheduled", "en", {"day": "September 2, 2021", "time_zone": "Asia/Seoul"}
    ).startswith("Done: I'll remind you in this thread on September 2, 2021 at 9:00 (Asia/Seoul)")
    assert response_text("utter_no_such_response", "en") is None
