"""WCAG 2.1 AA in headless Chromium: axe-core on both pages, the chat from the keyboard,
new messages in a live region, visible focus (README, "Web chat": each fix)."""

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.web.conftest import ARTIFACTS, axe_violations

pytestmark = [pytest.mark.slow, pytest.mark.server]

RULE_QUESTION = "we bought the action pack on 1 Sept 2020, when can we renew?"
VAGUE_QUESTION = "visual studio"  # "did you mean" buttons


def test_the_support_page_closed_open_and_in_use_has_no_serious_violation(web_chat, chat):
    chat.page.goto(web_chat.page_url)
    chat.page.locator(".rw-launcher").wait_for()
    assert axe_violations(chat.page) == [], "closed"
    chat.page.locator(".rw-launcher").click()
    chat.page.locator(chat.BOT).first.wait_for()
    assert axe_violations(chat.page) == [], "open"
    chat.ask(RULE_QUESTION)  # a rule answer with its calendar link
    chat.ask("can we split one token across two subscriptions?")  # 👍 👎 buttons
    chat.ask(VAGUE_QUESTION)  # "did you mean" buttons
    assert axe_violations(chat.page) == [], "in use"
    # the moderate findings are fixed too (landmark, heading order)
    assert axe_violations(chat.page, impacts=("moderate", "minor")) == []
    ARTIFACTS.mkdir(exist_ok=True)
    chat.page.screenshot(path=str(ARTIFACTS / "support-page-accessible.png"))


def test_the_agent_page_with_drafts_has_no_serious_violation(web_chat, browser):
    from tests.web.conftest import ASSIST_TOKEN

    context = browser.new_context(viewport={"width": 1100, "height": 900}, locale="en-US")
    context.set_default_timeout(30_000)
    page = context.new_page()
    try:
        page.goto(web_chat.agent_url)
        assert axe_violations(page) == [], "empty"
        page.locator("#token").fill(ASSIST_TOKEN)
        page.locator("#message").fill(
            "we bought the Action Pack on 1 Sept 2020, when can we renew?"
        )
        page.locator("#suggest").click()
        page.locator("#drafts .draft").first.wait_for()
        assert axe_violations(page) == [], "with drafts"
    finally:
        context.close()


def test_new_messages_are_announced_through_a_live_region(web_chat, chat):
    chat.open_chat(web_chat.page_url)
    log = chat.page.locator("#rw-messages")
    assert log.get_attribute("role") == "log"
    assert log.get_attribute("aria-live") == "polite"
    assert log.get_attribute("aria-label")
    chat.ask("can we split one token across two subscriptions?")
    assert chat.page.locator("#rw-messages[role=log] .rw-response").count() >= 2


def _focused(page, selector):
    return page.evaluate("s => document.activeElement.matches(s)", selector)


def _focus_moves_to(page, selector, timeout_ms=5000):
    """Whether the focus reaches ``selector`` (bounded): the page moves it on the animation
    frame after the chat opens or closes, which a busy machine may run late."""
    try:
        page.wait_for_function(
            "s => document.activeElement && document.activeElement.matches(s)",
            arg=selector,
            timeout=timeout_ms,
        )
    except PlaywrightTimeout:
        return False
    return True


def _tab_to(page, selector, key="Tab", limit=40):
    for _ in range(limit):
        if _focused(page, selector):
            return
        page.keyboard.press(key)
    raise AssertionError(f"{selector} never got the focus")


def _outline(page):
    return page.evaluate(
        "() => { const s = getComputedStyle(document.activeElement);"
        " return [s.outlineStyle, parseFloat(s.outlineWidth)]; }"
    )


def test_the_whole_chat_works_from_the_keyboard(web_chat, chat):
    page = chat.page
    page.goto(web_chat.page_url)
    page.locator(".rw-launcher").wait_for()
    # open: Tab to the launcher (named, with a visible focus), Enter
    _tab_to(page, ".rw-launcher")
    assert page.locator(".rw-launcher").get_attribute("aria-label") == "Open the PartnerDesk chat"
    style, width = _outline(page)
    assert style != "none" and width >= 2
    page.keyboard.press("Enter")
    page.locator(chat.BOT).first.wait_for()
    # type: the focus is in the message box
    assert _focus_moves_to(page, ".rw-new-message")
    shown = page.locator(chat.BOT).count()
    page.keyboard.type(VAGUE_QUESTION)
    page.keyboard.press("Enter")
    page.locator(chat.BOT).nth(shown).wait_for()
    # choose a button: answer buttons are reachable and pressed with Enter
    page.locator("#rw-messages .rw-reply").first.wait_for()
    _tab_to(page, "#rw-messages .rw-reply", key="Shift+Tab")
    assert page.evaluate("document.activeElement.getAttribute('role')") == "button"
    style, width = _outline(page)
    assert style != "none" and width >= 2
    title = page.evaluate("document.activeElement.textContent")
    shown = page.locator(chat.BOT).count()
    page.keyboard.press("Enter")
    page.locator(chat.BOT).nth(shown).wait_for()
    assert page.locator(chat.USER).last.inner_text() == title
    # send with the named send button too
    page.locator(".rw-new-message").focus()
    page.keyboard.type("thanks")
    _tab_to(page, ".rw-send")
    assert page.locator(".rw-send").get_attribute("aria-label") == "Send"
    # close: Escape, and the focus goes back to the launcher
    page.keyboard.press("Escape")
    page.locator(".rw-conversation-container").wait_for(state="detached")
    assert _focus_moves_to(page, ".rw-launcher")
    assert page.locator(".rw-launcher").get_attribute("aria-expanded") == "false"
    assert not chat.errors
