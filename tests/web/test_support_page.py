"""The support page's web chat in headless Chromium, against real Rasa and action servers."""

import re

import pytest
import requests

from tests.servers import stored_user_events
from tests.web.conftest import ARTIFACTS, is_off_machine

pytestmark = [pytest.mark.slow, pytest.mark.server]

HANGUL = re.compile(r"[\uac00-\ud7a3]")
CITATION_EN = "https://learn.microsoft.com/en-us/partner-center/mpn-benefits-faq#membership"
# Two FAQ answers are about equally close: the bot asks "did you mean" with buttons.
VAGUE_QUESTION = "visual studio"


def test_english_question_gets_the_answer_with_a_working_citation_link(web_chat, chat):
    chat.open_chat(web_chat.page_url)
    answer = chat.ask("When can we renew our Action Pack?")
    assert "renew your Microsoft Action Pack in Partner Center" in answer
    assert "Source: Partner Center docs, MPN benefits FAQ (10 Dec 2020) › Membership" in answer
    # "\\n" line breaks are kept: the citation is on a line of its own.
    assert any(line.startswith("Source:") for line in answer.splitlines())
    link = chat.page.locator(f'#rw-messages a[href="{CITATION_EN}"]').last
    assert link.is_visible()
    assert link.get_attribute("target") == "_blank"
    assert "noopener" in link.get_attribute("rel")
    # The click opens the cited page in a new tab; the browser answers it locally
    # (the test makes no request off the machine).
    chat.page.context.route(
        "https://learn.microsoft.com/**",
        lambda route: route.fulfill(body="cited page", content_type="text/plain"),
    )
    with chat.page.context.expect_page() as opened:
        link.click()
    opened.value.wait_for_load_state()
    assert opened.value.url == CITATION_EN
    assert not [url for url in chat.requests if is_off_machine(url)]
    assert not chat.errors


def test_korean_question_gets_the_korean_answer_in_a_cjk_font(web_chat, chat):
    chat.open_chat(web_chat.page_url)
    answer = chat.ask("액션팩 언제 갱신해요?")
    assert "Action Pack을 갱신할 수 있습니다" in answer
    assert "출처: 파트너 센터 문서, MPN 혜택 FAQ (2020년 12월 10일)" in answer
    assert chat.page.locator('#rw-messages a[href*="/ko-kr/partner-center/"]').count() >= 1
    fonts = rendering_fonts(chat.page, chat.BOT, HANGUL.search(answer).group())
    assert any("CJK" in name or "KR" in name for name in fonts), fonts
    ARTIFACTS.mkdir(exist_ok=True)
    shot = chat.page.screenshot(path=str(ARTIFACTS / "support-page.png"))
    assert len(shot) > 10_000


def rendering_fonts(page, selector, sample):
    """Names of the platform fonts Chromium uses for the last element holding ``sample``."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    nodes = cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": f"{selector} p"})
    fonts = []
    for node in nodes["nodeIds"]:
        text = cdp.send("DOM.getOuterHTML", {"nodeId": node})["outerHTML"]
        if sample in text:
            used = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
            fonts = [f["familyName"] for f in used if f["glyphCount"] > 0]
    return fonts


def test_did_you_mean_buttons_are_clickable_and_give_that_answer(web_chat, chat):
    chat.open_chat(web_chat.page_url)
    assert "Did you mean one of these?" in chat.ask(VAGUE_QUESTION)
    buttons = chat.page.locator("#rw-messages .rw-replies .rw-reply")
    titles = buttons.all_inner_texts()
    assert len(titles) >= 2, titles
    shown = len(chat.bot_texts())
    buttons.first.click()
    chat.page.locator(chat.BOT).nth(shown).wait_for()
    answer = chat.bot_texts()[shown]
    assert "Source: Partner Center docs" in answer
    # the chosen question's title is what the widget shows as the user's message
    assert chat.page.locator(chat.USER).last.inner_text() == titles[0]


def test_reload_keeps_the_conversation_and_its_session(web_chat, chat):
    chat.open_chat(web_chat.page_url)
    chat.ask("does the action pack come with VS enterprise?")
    before = chat.bot_texts()
    session = chat.page.evaluate("JSON.parse(sessionStorage.getItem('chat_session')).session_id")
    assert re.fullmatch(r"[0-9a-f]{32}", session)  # the server's random uuid4, not guessable
    chat.page.reload()
    chat.page.locator(chat.BOT).nth(len(before) - 1).wait_for()
    assert chat.bot_texts() == before
    assert chat.page.locator(chat.USER).all_inner_texts() == [
        "does the action pack come with VS enterprise?"
    ]
    answer = chat.ask("thanks")
    assert answer and len(chat.bot_texts()) > len(before)
    said = [e["text"] for e in stored_user_events(web_chat.rasa_url, session, expect=3)]
    # The first message greets in the browser's language (an en-US browser here).
    assert said == [
        '/greet{"language":"en"}',
        "does the action pack come with VS enterprise?",
        "thanks",
    ]


def test_html_in_a_message_shows_as_text(web_chat, chat):
    chat.open_chat(web_chat.page_url)
    attack = "<img src=x onerror=alert(1)>"
    assert chat.ask(attack)
    assert chat.page.locator(chat.USER).last.inner_text() == attack
    assert chat.page.locator("#rw-messages img").count() == 0
    assert chat.page.locator('img[src="x"]').count() == 0
    assert not chat.dialogs


@pytest.mark.parametrize("origin", ["http://evil.example", "http://127.0.0.1:1"])
def test_socketio_refuses_a_foreign_origin(web_chat, origin):
    url = f"{web_chat.rasa_url}/socket.io/?EIO=4&transport=polling"
    refused = requests.get(url, headers={"Origin": origin}, timeout=10)
    assert refused.status_code == 400
    assert "Access-Control-Allow-Origin" not in refused.headers
    allowed = requests.get(url, headers={"Origin": web_chat.page_origin}, timeout=10)
    assert allowed.ok and allowed.text.startswith("0{")
    # exactly one header (two would make the browser refuse the answer)
    assert allowed.raw.headers.getlist("Access-Control-Allow-Origin") == [web_chat.page_origin]
