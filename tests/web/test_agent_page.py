"""The agent page (``/agent``) in headless Chromium, against the real reply assistant.

The page is served by the page server and calls ``POST /webhooks/assist/suggest`` on the
Rasa server, another origin: a CORS request with a preflight for ``Authorization``.
"""

import json
import re
from typing import Iterator, List
from urllib.parse import urlsplit

import pytest
import requests
from playwright.sync_api import expect

from tests.web.conftest import ARTIFACTS, ASSIST_TOKEN, RecordingTab, is_off_machine

pytestmark = [pytest.mark.slow, pytest.mark.server]

HANGUL = re.compile(r"[\uac00-\ud7a3]")
CARDS = "#drafts .draft"
EN_CITATION = "https://learn.microsoft.com/en-us/partner-center/mpn-benefits-faq#"
KO_CITATION = "https://learn.microsoft.com/ko-kr/partner-center/mpn-benefits-faq#"
RENEW_EN = "renew your Microsoft Action Pack in Partner Center"
RENEW_KO = "Action Pack을 갱신할 수 있습니다"


class AgentTab(RecordingTab):
    """A tab on the agent page."""

    def __init__(self, page, url: str) -> None:
        super().__init__(page)
        self.url = url

    def open(self, token: str = ASSIST_TOKEN) -> None:
        """Load the page and type the access token."""
        self.page.goto(self.url)
        self.page.locator("#token").fill(token)

    def suggest(self, text: str, **dates: str) -> None:
        """Paste ``text`` (and ISO ``dates``), click Suggest and wait for the answer."""
        self.page.locator("#message").fill(text)
        for field, value in dates.items():
            self.page.locator(f"#{field}").fill(value)
        self.page.locator("#suggest").click()
        self.wait_for_answer()

    def wait_for_answer(self) -> None:
        """Wait until the page has the answer (drafts or an error) of the last request."""
        self.page.locator('main[aria-busy="false"]').wait_for()
        self.page.locator("#result:not([hidden]), #error:not([hidden])").wait_for()

    def drafts(self) -> List[str]:
        """The shown draft texts, in rank order."""
        return self.page.locator(f"{CARDS} .draft-text").all_text_contents()

    def confidences(self) -> List[float]:
        """The shown confidences as fractions ("<1%" counts as 0.005)."""
        shown = self.page.locator(f"{CARDS} .confidence").all_text_contents()
        return [0.005 if text == "<1%" else int(text.rstrip("%")) / 100 for text in shown]

    def off_machine(self) -> List[str]:
        """Requests the page made to any host but loopback."""
        return [url for url in self.requests if is_off_machine(url)]


@pytest.fixture
def agent_tab(web_chat, browser) -> Iterator[AgentTab]:
    """A fresh tab on the agent page, allowed to use the clipboard."""
    context = browser.new_context(viewport={"width": 1100, "height": 900}, locale="en-US")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=web_chat.page_origin)
    context.set_default_timeout(30_000)
    yield AgentTab(context.new_page(), web_chat.agent_url)
    context.close()


def assert_clean(tab: AgentTab) -> None:
    """No request left loopback, no script error, no dialog."""
    assert not tab.off_machine()
    assert not tab.errors
    assert not tab.dialogs


def test_the_agent_page_is_served_with_a_policy_that_allows_only_the_assistant(web_chat):
    reply = requests.get(web_chat.agent_url, timeout=10)
    assert reply.ok and reply.headers["Content-Type"] == "text/html; charset=utf-8"
    assert '<script src="/agent/agent.js">' in reply.text
    policy = reply.headers["Content-Security-Policy"]
    assert f"connect-src 'self' {web_chat.rasa_url}" in policy and "script-src 'self';" in policy
    assert urlsplit(web_chat.rasa_url).netloc != urlsplit(web_chat.page_origin).netloc


def test_english_question_gets_drafts_ranked_by_confidence_with_citation_links(web_chat, agent_tab):
    agent_tab.open()
    agent_tab.suggest("When can we renew our Action Pack?")
    drafts = agent_tab.drafts()
    assert len(drafts) == 3
    assert RENEW_EN in drafts[0]
    assert "\nSource: Partner Center docs" in drafts[0]  # line breaks kept
    confidences = agent_tab.confidences()
    assert confidences == sorted(confidences, reverse=True) and confidences[0] >= 0.5
    page = agent_tab.page
    assert page.locator(f"{CARDS} .rank").all_text_contents() == ["#1", "#2", "#3"]
    links = page.locator(f"{CARDS} a.citation")
    assert links.count() == 3
    for index in range(3):
        link = links.nth(index)
        assert link.get_attribute("href").startswith(EN_CITATION)
        assert link.inner_text().startswith("Source: ")
        assert link.get_attribute("target") == "_blank"
        assert "noopener" in link.get_attribute("rel")
    assert page.locator("#fallback").is_hidden() and page.locator("#rule").is_hidden()
    assert page.locator("#show-en").get_attribute("aria-pressed") == "true"
    assert page.locator("#show-ko").is_disabled()  # an English message has no Korean draft
    # The token lives in this tab's sessionStorage only: not in the URL, not in localStorage.
    assert page.evaluate("sessionStorage.getItem('partnerdesk.assistToken')") == ASSIST_TOKEN
    assert page.evaluate("localStorage.length") == 0
    assert ASSIST_TOKEN not in page.url
    page.reload()
    assert page.locator("#token").input_value() == ASSIST_TOKEN
    assert not [url for url in agent_tab.requests if ASSIST_TOKEN in url]
    assert_clean(agent_tab)


def test_korean_question_shows_the_korean_draft_first_and_the_english_one_on_toggle(
    web_chat, agent_tab
):
    agent_tab.open()
    page = agent_tab.page
    page.locator("#message").fill("액션팩 언제 갱신해요?")
    page.locator("#message").press("Control+Enter")
    agent_tab.wait_for_answer()
    first = page.locator(f"{CARDS} .draft-text").first
    assert RENEW_KO in first.text_content()
    assert first.get_attribute("lang") == "ko"
    assert page.locator(f"{CARDS} a.citation").first.get_attribute("href").startswith(KO_CITATION)
    assert page.locator("#show-ko").get_attribute("aria-pressed") == "true"
    fonts = rendering_fonts(page, f"{CARDS} .draft-text")
    assert any("CJK" in name or "KR" in name for name in fonts), fonts
    ARTIFACTS.mkdir(exist_ok=True)
    shot = page.screenshot(path=str(ARTIFACTS / "agent-page.png"), full_page=True)
    assert len(shot) > 10_000

    page.locator("#show-en").click()
    english = agent_tab.drafts()
    assert RENEW_EN in english[0] and not HANGUL.search(english[0])
    assert page.locator("#show-en").get_attribute("aria-pressed") == "true"
    page.locator("#show-ko").click()
    assert RENEW_KO in agent_tab.drafts()[0]
    assert_clean(agent_tab)


def rendering_fonts(page, selector: str) -> List[str]:
    """Names of the platform fonts Chromium uses for the first element matching ``selector``."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
    used = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    return [font["familyName"] for font in used if font["glyphCount"] > 0]


def test_copy_puts_the_shown_draft_on_the_clipboard(web_chat, agent_tab):
    agent_tab.open()
    agent_tab.suggest("액션팩 언제 갱신해요?")
    page = agent_tab.page
    button = page.locator(f"{CARDS} .copy").first
    button.click()
    expect(button).to_have_text("Copied")  # the clipboard answers asynchronously
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == agent_tab.drafts()[0] and RENEW_KO in copied
    page.locator("#show-en").click()
    page.locator(f"{CARDS} .copy").first.click()
    expect(page.locator(f"{CARDS} .copy").first).to_have_text("Copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert RENEW_EN in copied and not HANGUL.search(copied)
    expect(page.locator(f"{CARDS} .copy").first).to_have_text("Copy", timeout=5_000)  # resets
    assert_clean(agent_tab)


def test_a_date_in_the_message_shows_the_rule_explanation(web_chat, agent_tab):
    agent_tab.open()
    agent_tab.suggest("we bought the Action Pack on 1 Sept 2020, when can we renew?")
    page = agent_tab.page
    rule = page.locator("#rule")
    assert rule.is_visible()
    # as of PARTNERDESK_TODAY=2021-08-20 on the Rasa server
    assert "It opens on September 2, 2021 (in 13 days)" in rule.inner_text()
    assert RENEW_EN in agent_tab.drafts()[0]


def test_a_date_field_is_sent_with_the_message(web_chat, agent_tab):
    agent_tab.open()
    agent_tab.suggest("액션팩 언제 갱신해요?", purchase_date="2020-09-01")
    explanation = agent_tab.page.locator("#rule-explanation")
    assert "2021년 9월 2일" in explanation.inner_text()
    assert explanation.get_attribute("lang") == "ko"


def test_an_out_of_scope_question_shows_the_fallback_banner_and_low_confidence_drafts(
    web_chat, agent_tab
):
    agent_tab.open()
    agent_tab.suggest("what is the weather in Paris tomorrow?")
    page = agent_tab.page
    assert page.locator("#fallback").is_visible()
    cards = page.locator(CARDS)
    assert cards.count() >= 1
    for index in range(cards.count()):
        assert "is-low" in cards.nth(index).get_attribute("class")
        assert cards.nth(index).locator(".low").is_visible()
    assert_clean(agent_tab)


@pytest.mark.parametrize(
    "token, reason",
    [
        ("wrong-token", "The token is wrong."),
        ("", "Send the token as 'Authorization: Bearer <token>'."),
    ],
)
def test_a_refused_token_gets_a_readable_message(web_chat, agent_tab, token, reason):
    agent_tab.open(token)
    agent_tab.suggest("When can we renew our Action Pack?")
    error = agent_tab.page.locator("#error")
    assert error.is_visible() and agent_tab.page.locator("#result").is_hidden()
    assert error.inner_text().startswith("The reply assistant refused the access token")
    assert reason in error.inner_text()
    assert agent_tab.page.locator("#suggest").is_enabled()
    assert not agent_tab.off_machine() and not agent_tab.dialogs


def test_a_too_long_message_and_an_unreachable_server_get_readable_messages(web_chat, agent_tab):
    agent_tab.open()
    page = agent_tab.page
    # the field stops typing at 5000 characters; a script can still put more in
    page.evaluate("document.getElementById('message').value = 'y'.repeat(5001)")
    page.locator("#suggest").click()
    agent_tab.wait_for_answer()
    assert '"text": must be 1 to 5000 characters long' in page.locator("#error").inner_text()

    page.route(f"{web_chat.rasa_url}/**", lambda route: route.abort("connectionrefused"))
    page.locator("#message").fill("When can we renew our Action Pack?")
    page.locator("#suggest").click()
    expect(page.locator("#error")).to_contain_text("Could not reach the reply assistant")
    assert not agent_tab.off_machine() and not agent_tab.dialogs


def test_html_in_the_message_or_the_answer_shows_as_text(web_chat, agent_tab):
    attack = '<img src=x onerror="alert(1)">'
    agent_tab.open()
    agent_tab.suggest(f"{attack} when can we renew our action pack?")
    assert RENEW_EN in agent_tab.drafts()[0]
    assert agent_tab.page.locator("#message").input_value().startswith(attack)
    # The server never echoes markup, so an answer with markup in every field is fed in.
    answer = {
        "language": "en",
        "fallback": True,
        "rule_result": {
            "rule": "r",
            "status": "s",
            "dates": {},
            "faq_id": "f",
            "explanation": f"rule {attack}",
        },
        "suggestions": [
            {
                "faq_id": "x",
                "confidence": 0.5,
                "title": f"title {attack}",
                "reply": f"reply <b>bold</b> {attack}",
                "reply_en": f"reply <b>bold</b> {attack}",
                "citation": {"section": f"section {attack}", "url": "javascript:alert(1)"},
                "low_confidence": True,
            }
        ],
    }
    agent_tab.page.route(
        f"{web_chat.rasa_url}/**",
        lambda route: route.fulfill(
            status=200,
            content_type="application/json",
            body=json.dumps(answer),
            headers={"Access-Control-Allow-Origin": web_chat.page_origin},
        ),
    )
    agent_tab.suggest("anything")
    page = agent_tab.page
    assert agent_tab.drafts() == [f"reply <b>bold</b> {attack}"]
    assert page.locator(f"{CARDS} .title").inner_text() == f"title {attack}"
    assert page.locator("#rule-explanation").inner_text() == f"rule {attack}"
    link = page.locator(f"{CARDS} a.citation")
    assert link.inner_text() == f"Source: section {attack}" and link.get_attribute("href") is None
    assert page.locator("main img, main b").count() == 0
    page.locator(f"{CARDS} a.citation").click()
    assert_clean(agent_tab)
