"""Fixtures for the web chat: the support page, Rasa with CORS, and headless Chromium."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, List
from urllib.parse import urlsplit

import pytest

from partnerdesk.core.paths import PROJECT_ROOT
from tests import servers
from tests.conftest import TEST_TODAY

CHROMIUM = Path("/usr/bin/chromium")
# As the machine's notes say: no sandbox as root, and no background calls off the machine.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = PROJECT_ROOT / "test-artifacts"
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}
# The reply assistant's bearer token on the test Rasa server (the agent page's tests).
ASSIST_TOKEN = "agent-page-test-token"


@dataclass
class WebChat:
    """The running stack: the page server and the Rasa server it talks to."""

    page_url: str
    rasa_url: str
    page_origin: str

    @property
    def agent_url(self) -> str:
        """The agent page (the reply assistant) on the same page server."""
        return f"{self.page_origin}/agent"


def is_off_machine(url: str) -> bool:
    """Whether a browser request goes to a host other than this machine's loopback."""
    parts = urlsplit(url)
    return parts.scheme not in ("data", "blob", "about") and parts.hostname not in LOOPBACK_HOSTS


@pytest.fixture(scope="session")
def web_bundle() -> Path:
    """The widget bundle, installed and rewritten by ``scripts/setup-web`` if needed."""
    subprocess.run([str(PROJECT_ROOT / "scripts" / "setup-web")], check=True, timeout=300)
    return PROJECT_ROOT / "web" / "build" / "rasa-webchat.js"


@pytest.fixture(scope="session")
def web_chat(
    model_path, action_server_url, web_bundle, page_port, tmp_path_factory
) -> Iterator[WebChat]:
    """Rasa (``--cors`` for the page only, SQLite), and the page server pointing at it.

    The reply assistant on that Rasa server wants ``ASSIST_TOKEN`` and applies rules as of
    ``TEST_TODAY``.
    """
    workdir = tmp_path_factory.mktemp("web")
    web_port = page_port  # the action server's calendar links point here
    page_origin = f"http://127.0.0.1:{web_port}"
    env = {
        "PARTNERDESK_WEB_ORIGINS": page_origin,
        "PARTNERDESK_TODAY": TEST_TODAY,
        "PARTNERDESK_ASSIST_TOKEN": ASSIST_TOKEN,
    }
    endpoints = servers.write_endpoints(
        workdir / "endpoints.yml", action_server_url, workdir / "conversations.db"
    )
    rasa = servers.rasa_server(
        model_path, endpoints, workdir, extra_env=env, extra_args=["--cors", page_origin]
    )
    rasa_url = rasa.health_url.rstrip("/")
    web = servers.ServerProcess(
        args=[sys.executable, "-m", "partnerdesk.web"],
        health_url=f"{page_origin}/",
        log=workdir / "web.log",
        env={"PARTNERDESK_WEB_PORT": str(web_port), "PARTNERDESK_SOCKET_URL": rasa_url},
    )
    started: List[servers.ServerProcess] = []
    try:
        for server in (web, rasa):
            started.append(server.start())
        yield WebChat(page_url=f"{page_origin}/", rasa_url=rasa_url, page_origin=page_origin)
    finally:
        for server in started:
            server.stop()


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless, driven by Playwright.

    Module-scoped: Playwright's sync API keeps an event loop running in this thread,
    which asyncio tests elsewhere in the session must not find.
    """
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists(), "install Debian's chromium: scripts/setup --test"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


class RecordingTab:
    """A browser tab recording its requests, dialogs (dismissed) and console errors."""

    def __init__(self, page) -> None:
        self.page = page
        self.requests: List[str] = []
        self.dialogs: List[str] = []
        self.errors: List[str] = []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("dialog", self._on_dialog)
        page.on("console", lambda msg: msg.type == "error" and self.errors.append(msg.text))
        page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _on_dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()


class ChatTab(RecordingTab):
    """A browser tab on the support page."""

    BOT = "#rw-messages .rw-response .rw-message-text"
    USER = "#rw-messages .rw-client .rw-message-text"

    def open_chat(self, url: str) -> None:
        """Load the page, open the widget and wait for the greeting (``initPayload``)."""
        self.page.goto(url)
        self.page.locator(".rw-launcher").click()
        self.page.locator(self.BOT).first.wait_for()

    def bot_texts(self) -> List[str]:
        """The text of every bot message shown, oldest first."""
        return self.page.locator(self.BOT).all_inner_texts()

    def ask(self, text: str) -> str:
        """Type ``text``, send it with Enter and return the text of the next bot message."""
        shown = self.page.locator(self.BOT).count()
        box = self.page.locator(".rw-new-message")
        box.fill(text)
        box.press("Enter")
        self.page.locator(self.BOT).nth(shown).wait_for()
        return self.bot_texts()[shown]


@pytest.fixture
def chat(browser) -> Iterator[ChatTab]:
    """A fresh tab, with its own storage, so each test starts a new conversation."""
    context = browser.new_context(viewport={"width": 1100, "height": 820}, locale="en-US")
    context.set_default_timeout(30_000)
    yield ChatTab(context.new_page())
    context.close()


AXE_SCRIPT = PROJECT_ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING_IMPACTS = ("serious", "critical")


def axe_violations(page, impacts=BLOCKING_IMPACTS) -> List[dict]:
    """axe-core's WCAG 2.1 A/AA violations on the page as it is now, of ``impacts``.

    axe is injected from npm (``web/node_modules/axe-core``, pinned in web/package.json)
    through the DevTools protocol, so the pages keep their Content-Security-Policy.
    """
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SCRIPT.read_text(encoding="utf-8") + "\n;0")
    found = page.evaluate(
        """async () => (await axe.run(document, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa',
                                            'best-practice']},
            resultTypes: ['violations'],
        })).violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => n.target.join(' '))}))"""
    )
    return [v for v in found if v["impact"] in impacts]
