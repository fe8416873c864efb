"""The handoff in headless Chromium, two tabs on real servers: a partner and the Inbox.

The partner asks for a person in Korean on the support page; the agent sees the
conversation in the Inbox (``/agent``) with its transcript and Korean drafts, sends an
edited draft, which the partner's chat shows with the agent's name; the partner's next
message reaches the Inbox while the bot stays silent; Resolve gives the chat back to the
bot, which answers the next FAQ question.
"""

import re
from typing import Iterator

import pytest
from playwright.sync_api import expect

from tests.web.conftest import ARTIFACTS, ASSIST_TOKEN, ChatTab, RecordingTab, is_off_machine

pytestmark = [pytest.mark.slow, pytest.mark.server]

HANGUL = re.compile(r"[\uac00-\ud7a3]")
QUESTION = "액션팩 갱신 기간이 궁금합니다"
ASK_FOR_PERSON = "사람 상담원이랑 얘기하고 싶어요"
FOLLOW_UP = "답변 감사합니다. 하나 더 여쭤봐도 될까요?"
AGENT = "민아"
SCREENSHOT = "inbox.png"


class InboxTab(RecordingTab):
    """A tab on the agent page's Inbox."""

    def open(self, url: str) -> None:
        self.page.goto(url)
        self.page.locator("#agent-name").fill(AGENT)
        self.page.locator("#token").fill(ASSIST_TOKEN)
        self.page.locator("#token").press("Enter")

    def item_for(self, text: str):
        """The queue entry whose last partner message is ``text``."""
        return self.page.locator("#queue .queue-item", has_text=text)


@pytest.fixture
def partner(browser) -> Iterator[ChatTab]:
    context = browser.new_context(viewport={"width": 900, "height": 820}, locale="ko-KR")
    context.set_default_timeout(30_000)
    yield ChatTab(context.new_page())
    context.close()


@pytest.fixture
def inbox(browser) -> Iterator[InboxTab]:
    context = browser.new_context(viewport={"width": 1280, "height": 1000}, locale="en-US")
    context.set_default_timeout(30_000)
    yield InboxTab(context.new_page())
    context.close()


def say_without_answer(chat: ChatTab, text: str) -> int:
    """Send ``text``; how many bot messages were shown before it."""
    shown = chat.page.locator(chat.BOT).count()
    box = chat.page.locator(".rw-new-message")
    box.fill(text)
    box.press("Enter")
    expect(chat.page.locator(chat.USER).last).to_have_text(text)
    return shown


def test_a_korean_partner_handed_to_an_agent_and_back(web_chat, partner, inbox):
    partner.open_chat(web_chat.page_url)
    assert "출처:" in partner.ask(QUESTION)
    started = partner.ask(ASK_FOR_PERSON)
    assert "상담원" in started and "지원 티켓을 제출" in started

    inbox.open(web_chat.agent_url)
    entry = inbox.item_for(ASK_FOR_PERSON)
    entry.wait_for()
    entry.click()
    page = inbox.page
    expect(page.locator("#conversation-title")).to_contain_text("Korean")
    expect(page.locator("#transcript .from-partner .said").first).to_have_text(QUESTION)
    expect(page.locator("#transcript")).to_contain_text(ASK_FOR_PERSON)
    drafts = page.locator("#handoff-drafts .draft")
    expect(drafts.first).to_be_visible()
    korean = drafts.first.locator(".partner-version").inner_text()
    english = drafts.first.locator(".english-version").inner_text()
    assert HANGUL.search(korean) and not HANGUL.search(english)  # drafts are for the question
    assert "Action Pack" in korean

    # Use draft 1, edit it, send it.
    drafts.first.locator(".use").click()
    box = page.locator("#reply-text")
    assert box.input_value() == korean
    edited = f"안녕하세요, 상담원 {AGENT}입니다. {korean}"
    box.fill(edited)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / SCREENSHOT), full_page=True)
    page.locator("#send").click()
    expect(page.locator("#reply-status")).to_have_text("Sent: the partner has it.")

    # The partner's chat shows it as a person's reply, with the agent's name.
    agent_message = partner.page.locator("#rw-messages .rw-response.pd-agent")
    expect(agent_message).to_have_count(1)
    expect(agent_message.locator(".rw-markdown p").first).to_have_text(f"{AGENT} · 상담원")
    expect(agent_message).to_contain_text(f"안녕하세요, 상담원 {AGENT}입니다.")

    # The partner's next message reaches the Inbox; the bot does not answer it.
    shown = say_without_answer(partner, FOLLOW_UP)
    expect(page.locator("#transcript .from-partner").last).to_have_text(
        re.compile(re.escape(FOLLOW_UP)), timeout=20_000
    )
    assert partner.page.locator(partner.BOT).count() == shown
    expect(partner.page.locator("#wave .rw-dot")).to_have_count(0)  # no typing indicator

    # Resolve: the bot is back and answers the next FAQ question.
    page.locator("#resolve").click()
    expect(page.locator("#reply-status")).to_contain_text("Resolved")
    expect(partner.page.locator(partner.BOT).nth(shown)).to_contain_text("PartnerDesk가 다시")
    answer = partner.ask("VS 구독 팀원끼리 같이 써도 되나요?")
    assert "출처:" in answer
    expect(inbox.item_for(FOLLOW_UP)).to_have_count(0, timeout=20_000)

    for tab in (partner, inbox):
        assert not [url for url in tab.requests if is_off_machine(url)]
        assert not tab.errors and not tab.dialogs
    assert (ARTIFACTS / SCREENSHOT).stat().st_size > 10_000


def test_inbox_without_the_token_says_so_readably(web_chat, inbox):
    inbox.page.goto(web_chat.agent_url)
    inbox.page.locator("#token").fill("wrong-token")
    inbox.page.locator("#token").press("Enter")
    expect(inbox.page.locator("#inbox-error")).to_contain_text("refused the access token")


def test_html_from_a_partner_shows_as_text_in_the_inbox(web_chat, browser, inbox):
    import requests

    sender = "inbox-html-test"
    attack = '<img src=x onerror="alert(1)"> our token broke'
    for text in (attack, "please get me a human"):
        requests.post(
            f"{web_chat.rasa_url}/webhooks/rest/webhook",
            json={"sender": sender, "message": text},
            timeout=60,
        ).raise_for_status()
    inbox.open(web_chat.agent_url)
    entry = inbox.item_for("please get me a human")
    entry.wait_for()
    entry.click()
    expect(inbox.page.locator("#transcript")).to_contain_text(attack)
    # A keyboard user's place in the queue survives the refresh every four seconds.
    entry.focus()
    inbox.page.wait_for_timeout(5_000)
    focused = inbox.page.evaluate("document.activeElement.dataset.id || ''")
    assert focused and focused == entry.get_attribute("data-id")
    assert inbox.page.locator("#transcript img").count() == 0
    assert not inbox.dialogs
    resolved = requests.get(
        f"{web_chat.rasa_url}/webhooks/agent/handoffs",
        headers={"Authorization": f"Bearer {ASSIST_TOKEN}"},
        timeout=30,
    ).json()["handoffs"]
    for handoff in resolved:
        if handoff["conversation_id"] == sender:
            requests.post(
                f"{web_chat.rasa_url}/webhooks/agent/handoffs/{handoff['id']}/resolve",
                headers={"Authorization": f"Bearer {ASSIST_TOKEN}"},
                timeout=30,
            )
