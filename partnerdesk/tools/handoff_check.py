"""The team's acceptance check of the handoff, against servers that are already running.

Usage (servers started as ``docs/architecture.md`` and contracts say, from the project
root, with the project's ``credentials.yml`` and ``endpoints.yml``)::

    export RASA_TELEMETRY_ENABLED=false PARTNERDESK_ASSIST_TOKEN=<token>
    .venv/bin/rasa run actions -p 5055 &
    .venv/bin/rasa run --enable-api -i 127.0.0.1 -p 5005 -m models/<model>.tar.gz &
    .venv/bin/python -m partnerdesk.tools.handoff_check --url http://127.0.0.1:5005

A partner on socket.io (long-polling, as the web chat is) and an agent on the agent API,
once per language, with wordings that are in neither the training data nor the held-out
sets: the handoff is in the queue with its transcript, the bot stays silent while paused,
the agent's reply reaches the partner with the agent's name, the bot answers again after
Resolve; and the API answers 401 without a token or with a wrong one. Prints one line per
check and exits 1 if any failed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import sys
import time
from dataclasses import dataclass
from typing import Any, Callable, Dict, List, Optional

import aiohttp
import requests
import socketio

SILENCE_S = 4.0
ANSWER_TIMEOUT_S = 60.0
HANGUL = re.compile(r"[\uac00-\ud7a3]")
SUPPORT_LINK = "partner.microsoft.com/support"


@dataclass(frozen=True)
class Script:
    """What the partner and the agent say in one language."""

    language: str
    question: str  # an FAQ question first, so the transcript has a bot answer
    ask_for_person: str  # an unseen wording of a request for a person
    while_paused: str
    agent_reply: str
    agent: str
    back: str  # how the "PartnerDesk is back" message starts
    next_question: str
    citation: str  # what every FAQ answer carries


SCRIPTS = (
    Script(
        language="en",
        question="When can we renew our Action Pack?",
        ask_for_person="Could a real member of your team pick this up for me?",
        while_paused="We activated the token on the wrong tenant last week.",
        agent_reply="Hi, this is Dana from partner support. I'm looking at your tenant now.",
        agent="Dana",
        back="PartnerDesk is back",
        next_question="Can members of our team share one Visual Studio subscription?",
        citation="Source:",
    ),
    Script(
        language="ko",
        question="액션팩은 언제 갱신할 수 있나요?",
        ask_for_person="실제 직원분이 이 문의를 맡아 주실 수 있을까요?",
        while_paused="지난주에 토큰을 다른 테넌트에서 활성화해 버렸어요.",
        agent_reply="안녕하세요, 파트너 지원팀 민아입니다. 테넌트를 확인하고 있습니다.",
        agent="민아",
        back="PartnerDesk가 다시",
        next_question="VS 구독을 팀원끼리 같이 써도 되나요?",
        citation="출처:",
    ),
)


class Checks:
    """Collects and prints the result of each check."""

    def __init__(self) -> None:
        self.failed: List[str] = []

    def check(self, ok: bool, what: str, detail: Any = "") -> bool:
        """Print ``ok``/``FAIL`` with ``what``; remember failures."""
        print(f"{'ok  ' if ok else 'FAIL'} {what}" + ("" if ok else f": {detail!r}"[:600]))
        if not ok:
            self.failed.append(what)
        return ok


class Partner:
    """A web-chat partner: python-socketio's client on long-polling, as the widget is."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.http: Optional[aiohttp.ClientSession] = None
        self.client: Optional[socketio.AsyncClient] = None
        self.received: asyncio.Queue[Dict[str, Any]] = asyncio.Queue()
        self.session = ""

    async def open(self) -> str:
        """Connect and get a session; its id is the conversation id."""
        confirmed: asyncio.Queue[Any] = asyncio.Queue()
        self.http = aiohttp.ClientSession()  # ours, so that closing it is ours too
        self.client = socketio.AsyncClient(http_session=self.http)
        self.client.on("bot_uttered", self.received.put_nowait)
        self.client.on("session_confirm", confirmed.put_nowait)
        await self.client.connect(self.url, transports=["polling"], socketio_path="socket.io")
        await self.client.emit("session_request", {"session_id": None})
        self.session = str(await asyncio.wait_for(confirmed.get(), 30))
        return self.session

    async def say(self, text: str) -> None:
        """Send one message."""
        assert self.client is not None, "open() first"
        await self.client.emit("user_uttered", {"message": text, "session_id": self.session})

    async def replies(self, quiet_s: float = 2.0) -> List[Dict[str, Any]]:
        """The bot's messages for one turn: the first, then whatever follows within ``quiet_s``."""
        messages = [await asyncio.wait_for(self.received.get(), ANSWER_TIMEOUT_S)]
        while True:
            try:
                messages.append(await asyncio.wait_for(self.received.get(), quiet_s))
            except asyncio.TimeoutError:
                return messages

    async def silent_for(self, seconds: float) -> Optional[Dict[str, Any]]:
        """None if nothing arrives within ``seconds``, else what arrived."""
        try:
            return await asyncio.wait_for(self.received.get(), seconds)
        except asyncio.TimeoutError:
            return None

    async def close(self) -> None:
        """Disconnect."""
        if self.client is not None:
            await self.client.disconnect()
            await self.client.eio.wait()  # engine.io's read and write loops end first
        if self.http is not None:
            await self.http.close()


class Agent:
    """The agent API with the reply assistant's token."""

    def __init__(self, url: str, token: str) -> None:
        self.base = f"{url}/webhooks/agent/handoffs"
        self.headers = {"Authorization": f"Bearer {token}"}

    def handoffs(self, status: str = "") -> List[Dict[str, Any]]:
        """The queue (open handoffs by default)."""
        params = {"status": status} if status else {}
        answer = requests.get(self.base, headers=self.headers, params=params, timeout=60)
        answer.raise_for_status()
        return list(answer.json()["handoffs"])

    def handoff_of(self, conversation_id: str, status: str = "") -> Optional[Dict[str, Any]]:
        """The latest handoff of one conversation, or None."""
        found = [h for h in self.handoffs(status) if h["conversation_id"] == conversation_id]
        return found[-1] if found else None

    def post(self, handoff_id: str, action: str, body: Optional[Dict[str, str]] = None) -> Any:
        """``POST .../{id}/reply`` or ``.../{id}/resolve``; the JSON answer."""
        answer = requests.post(
            f"{self.base}/{handoff_id}/{action}", headers=self.headers, json=body, timeout=60
        )
        answer.raise_for_status()
        return answer.json()


def wait_for(check: Callable[[], Any], timeout_s: float = 20.0) -> Any:
    """Call ``check`` until it returns something truthy or ``timeout_s`` passes."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = check()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.3)


def _texts(messages: List[Dict[str, Any]]) -> str:
    return "\n".join(str(m.get("text", "")) for m in messages)


async def check_language(url: str, agent: Agent, script: Script, checks: Checks) -> None:
    """One partner, handed to a person and back, in ``script.language``."""
    lang = script.language
    partner = Partner(url)
    session = await partner.open()
    try:
        await partner.say(script.question)
        answer = _texts(await partner.replies())
        checks.check(script.citation in answer, f"[{lang}] the FAQ question is answered", answer)

        await partner.say(script.ask_for_person)
        started = _texts(await partner.replies())
        in_language = bool(HANGUL.search(started)) == (lang == "ko")
        checks.check(
            SUPPORT_LINK in started and in_language,
            f"[{lang}] one message in the partner's language with the Partner Center link",
            started,
        )

        record = wait_for(lambda: agent.handoff_of(session))
        if not checks.check(record is not None, f"[{lang}] the handoff is in the queue"):
            return
        checks.check(
            record["status"] == "waiting"
            and record["language"] == lang
            and record["channel"] == "socketio"
            and record["reason"] == "asked",
            f"[{lang}] waiting, {lang}, socketio, asked",
            {k: record.get(k) for k in ("status", "language", "channel", "reason")},
        )
        said = [(turn["from"], turn["text"]) for turn in record["transcript"]]
        checks.check(
            ("partner", script.question) in said
            and ("partner", script.ask_for_person) in said
            and any(who == "bot" for who, _ in said),
            f"[{lang}] the transcript has the question, the bot's answer and the request",
            said,
        )

        await partner.say(script.while_paused)
        heard = await partner.silent_for(SILENCE_S)
        checks.check(heard is None, f"[{lang}] the bot is silent while paused", heard)
        stored = wait_for(
            lambda: (
                (current := agent.handoff_of(session))
                and current["transcript"][-1]["text"] == script.while_paused
            )
        )
        checks.check(bool(stored), f"[{lang}] the paused message reaches the agent's transcript")

        sent = agent.post(
            record["id"], "reply", {"text": script.agent_reply, "agent": script.agent}
        )
        checks.check(sent == {"delivered": True}, f"[{lang}] the reply is delivered", sent)
        got = await partner.silent_for(ANSWER_TIMEOUT_S)
        checks.check(
            got == {"text": script.agent_reply, "metadata": {"agent": script.agent}},
            f"[{lang}] the partner gets the agent's reply with the agent's name",
            got,
        )

        agent.post(record["id"], "resolve")
        back = _texts(await partner.replies())
        checks.check(back.startswith(script.back), f"[{lang}] 'PartnerDesk is back'", back)
        closed = agent.handoff_of(session, "resolved")
        checks.check(
            closed is not None and closed["agent"] == script.agent,
            f"[{lang}] the handoff is resolved, owned by the agent who replied",
            closed,
        )
        await partner.say(script.next_question)
        next_answer = _texts(await partner.replies())
        checks.check(
            script.citation in next_answer,
            f"[{lang}] the bot answers the next FAQ question after Resolve",
            next_answer,
        )
    finally:
        await partner.close()


def check_tokens(agent: Agent, checks: Checks) -> None:
    """401 without a token and with a wrong one, as JSON."""
    for what, headers in (
        ("no token", {}),
        ("a wrong token", {"Authorization": "Bearer not-the-token"}),
    ):
        answer = requests.get(agent.base, headers=headers, timeout=30)
        checks.check(
            answer.status_code == 401 and "error" in answer.json(),
            f"401 with {what}",
            (answer.status_code, answer.text[:200]),
        )


async def run(url: str, token: str) -> List[str]:
    """Every check against the Rasa server at ``url``; the names of the failed ones."""
    checks = Checks()
    agent = Agent(url, token)
    check_tokens(agent, checks)
    for script in SCRIPTS:
        try:
            await check_language(url, agent, script, checks)
        except Exception as error:  # a check that could not finish is a failed check
            checks.check(False, f"[{script.language}] the conversation ran to its end", error)
    return checks.failed


def main(argv: Optional[List[str]] = None) -> int:
    """Command line: ``--url`` (default http://127.0.0.1:5005), ``--token``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:5005", help="the Rasa server")
    parser.add_argument(
        "--token",
        default=os.environ.get("PARTNERDESK_ASSIST_TOKEN", ""),
        help="the agent API token (default: PARTNERDESK_ASSIST_TOKEN)",
    )
    args = parser.parse_args(argv)
    if not args.token:
        parser.error("give --token or set PARTNERDESK_ASSIST_TOKEN")
    failed = asyncio.run(run(args.url.rstrip("/"), args.token))
    print(f"{'all checks passed' if not failed else f'{len(failed)} check(s) failed'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
