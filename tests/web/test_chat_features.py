"""The web chat's issue-15 features in headless Chromium: the calendar file from a rule
answer, the greeting in the browser's language, and the typing indicator."""

import re
from datetime import date, timedelta

import pytest
import requests
from icalendar import Calendar

from tests.web.conftest import ChatTab

pytestmark = [pytest.mark.slow, pytest.mark.server]

HANGUL = re.compile(r"[\uac00-\ud7a3]")
TYPING = ".pd-typing"


def test_the_calendar_file_opens_from_a_renewal_answer(web_chat, chat):
    chat.open_chat(web_chat.page_url)
    answer = chat.ask("we bought the action pack on 1 Sept 2020, when can we renew?")
    assert "It opens on September 2, 2021" in answer
    link = chat.page.locator('#rw-messages a:has-text("Add to calendar")').last
    assert link.get_attribute("href").startswith(f"{web_chat.page_origin}/calendar/")
    with chat.page.expect_download() as downloaded:
        link.click()
    download = downloaded.value
    assert download.suggested_filename == "partnerdesk-renewal-window-2021-09-02.ics"
    [event] = Calendar.from_ical(open(download.path(), "rb").read()).walk("VEVENT")
    assert event.decoded("DTSTART") == date(2021, 9, 2)
    assert event.decoded("DTEND") == date(2021, 10, 1) + timedelta(days=1)
    assert str(event["SUMMARY"]) == "MPN renewal window: renew in Partner Center"
    assert not chat.errors


def test_a_korean_browser_is_greeted_in_korean(web_chat, browser):
    context = browser.new_context(viewport={"width": 1100, "height": 820}, locale="ko-KR")
    context.set_default_timeout(30_000)
    try:
        tab = ChatTab(context.new_page())
        tab.open_chat(web_chat.page_url)
        greeting = tab.bot_texts()[0]
        assert greeting.startswith("안녕하세요! Microsoft 파트너 네트워크(MPN) 혜택 도우미")
        assert tab.page.locator(".rw-launcher").get_attribute("aria-label") == "채팅 닫기"
        # the partner's own words decide afterwards
        assert not HANGUL.search(tab.ask("can we split one token across two subscriptions?"))
        korean = tab.ask("/feedback" + '{"helpful": "yes", "feedback_faq": "token_split"}')
        assert not HANGUL.search(korean)  # a button keeps the conversation's language
    finally:
        context.close()


class HeldMessages:
    """Holds what the page sends over socket.io (POSTs) until released: a slow answer."""

    def __init__(self, context) -> None:
        self.holding = False
        self.held = []
        context.route("**/socket.io/**", self._route)

    def _route(self, route) -> None:
        if self.holding and route.request.method == "POST":
            self.held.append(route)
        else:
            route.continue_()

    def release(self) -> None:
        self.holding = False
        while self.held:
            self.held.pop(0).continue_()


def test_typing_shows_while_an_answer_is_on_its_way(web_chat, chat):
    polls = HeldMessages(chat.page.context)
    chat.open_chat(web_chat.page_url)
    shown = chat.page.locator(chat.BOT).count()
    polls.holding = True  # the answer is slow to arrive
    box = chat.page.locator(".rw-new-message")
    box.fill("can we split one token across two subscriptions?")
    box.press("Enter")
    indicator = chat.page.locator(TYPING)
    indicator.wait_for(state="visible", timeout=5_000)
    assert indicator.get_attribute("role") == "status"
    assert indicator.inner_text().strip() == "PartnerDesk is typing…"
    polls.release()
    chat.page.locator(chat.BOT).nth(shown).wait_for()
    indicator.wait_for(state="detached", timeout=5_000)


def test_no_typing_while_the_conversation_is_paused(web_chat, chat):
    """A person has taken over (issue 12 pauses the conversation): no "typing…"."""
    chat.open_chat(web_chat.page_url)
    session = chat.page.evaluate("JSON.parse(sessionStorage.getItem('chat_session')).session_id")
    paused = requests.post(
        f"{web_chat.rasa_url}/conversations/{session}/tracker/events",
        json={"event": "pause"},
        timeout=10,
    )
    assert paused.ok
    shown = chat.page.locator(chat.BOT).count()
    seen = []
    chat.page.expose_function("typingSeen", lambda: seen.append(True))
    chat.page.evaluate(
        "new MutationObserver(() => document.querySelector('.pd-typing') && window.typingSeen())"
        ".observe(document.body, {childList: true, subtree: true})"
    )
    for text in ("hello? is anyone there", "still waiting"):
        box = chat.page.locator(".rw-new-message")
        box.fill(text)
        box.press("Enter")
        chat.page.wait_for_function("() => window.PartnerDeskTyping.isPaused()", timeout=10_000)
        chat.page.wait_for_timeout(800)  # longer than the indicator's beat
    assert seen == []
    assert chat.page.locator(chat.BOT).count() == shown  # and the bot said nothing
