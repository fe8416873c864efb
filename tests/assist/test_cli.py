"""``partnerdesk suggest`` without a server: the printed layout and the server-down message."""

from partnerdesk.assist.cli import format_drafts
from partnerdesk.cli import main
from tests.servers import free_port


def draft(
    faq_id,
    confidence,
    low=False,
    reply="Renew in Partner Center.",
    reply_en="Renew in Partner Center.",
):
    return {
        "faq_id": faq_id,
        "confidence": confidence,
        "title": f"Title of {faq_id}",
        "reply": reply,
        "reply_en": reply_en,
        "low_confidence": low,
        "citation": {
            "section": "Membership",
            "url": "https://learn.microsoft.com/en-us/x#membership",
        },
    }


def test_server_down_is_a_clear_message_and_exit_1(capsys, monkeypatch):
    monkeypatch.setenv("PARTNERDESK_ASSIST_TOKEN", "anything")
    code = main(["suggest", "when can we renew?", "--url", f"http://127.0.0.1:{free_port()}"])
    err = capsys.readouterr().err
    assert code == 1
    assert "cannot reach the PartnerDesk server" in err and "Is it running?" in err
    assert "Traceback" not in err


def test_english_drafts_are_ranked_with_citations():
    text = format_drafts(
        {
            "language": "en",
            "fallback": False,
            "rule_result": None,
            "suggestions": [
                draft("renew_action_pack", 0.93),
                draft("renew_competency", 0.04, True),
            ],
        }
    )
    lines = text.splitlines()
    assert "1. 0.93  Title of renew_action_pack  (renew_action_pack)" in lines
    assert "2. 0.04  Title of renew_competency  (renew_competency)  [low confidence]" in lines
    assert "   Source: Membership — https://learn.microsoft.com/en-us/x#membership" in lines
    assert (
        "   Renew in Partner Center." in lines
        and "[en]" not in text
        and "low-confidence guesses" not in text
    )


def test_korean_drafts_show_both_languages_and_the_rule():
    rule = {
        "rule": "renewal_window",
        "status": "open",
        "faq_id": "renew_action_pack",
        "explanation": "지금 갱신 기간입니다.",
    }
    text = format_drafts(
        {
            "language": "ko",
            "fallback": True,
            "rule_result": rule,
            "suggestions": [
                draft("renew_action_pack", 0.2, True, reply="파트너 센터에서 갱신하세요.")
            ],
        }
    )
    assert "low-confidence guesses" in text
    assert (
        "Rule renewal_window → open (FAQ renew_action_pack)" in text
        and "   지금 갱신 기간입니다." in text
    )
    assert (
        text.index("[ko]")
        < text.index("파트너 센터에서")
        < text.index("[en]")
        < text.index("Renew in Partner")
    )
