"""Turns to an answer: rule-question scenarios played by a scripted partner (issue 15).

Each scenario opens with the partner's message, in English or Korean, with wording that is
in no training file. Whenever PartnerDesk asks something, the partner answers it the way
a real one would (the date, a button): the offer, the purchase / anniversary / activation
date, what went wrong with the token, whether it was replaced before, or the rule to apply
to a date. A scenario is done when a reply holds the expected date; the figure is the
number of partner messages it took. It also counts the custom-action (action server)
calls of plain FAQ turns.

    .venv/bin/python scripts/benchmarks/conversation_turns.py       # this checkout

Another checkout (e.g. ``git archive main | tar -x -C /tmp/before``, with its model in
``/tmp/before/models``) is measured from its own directory, with this venv and script:
``cd /tmp/before && PYTHONPATH=$PWD <venv>/bin/python <this script>``.

Today is pinned to 2021-08-20 (PARTNERDESK_TODAY) on the action server it starts.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Optional, Tuple

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

TODAY = "2021-08-20"
MAX_TURNS = 6


@dataclass(frozen=True)
class Scenario:
    """One rule question and the facts the partner gives when asked."""

    name: str
    opening: str
    expected: str  # text of the right answer (its dates)
    date: str = ""
    offer: str = "action_pack"
    problem: str = "wrong_tenant"
    rule_button: str = ""  # the rule to pick for a date ("/ask_renewal_window")
    before: Tuple[str, ...] = ()  # messages sent before (an FAQ question)


SCENARIOS = [
    Scenario("renewal, nothing given (en)", "when will our renewal window open?",
             "September 2, 2021", date="09/01/2020", rule_button="/ask_renewal_window"),
    Scenario("renewal, nothing given (ko)", "저희 갱신 기간이 언제 열리는지 알려 주세요",
             "2021년 9월 2일", date="2020년 9월 1일", rule_button="/ask_renewal_window"),
    Scenario("renewal, offer and date given (en)",
             "we purchased our competency on Sept 1 2020 - when do we renew?",
             "September 2, 2021", date="2020-09-01", offer="competency"),
    Scenario("renewal, date after the FAQ answer (ko)", "2020년 9월 1일",
             "2021년 9월 2일", date="2020년 9월 1일", rule_button="/ask_renewal_window",
             before=("액션팩 갱신은 언제쯤 되나요?",)),
    Scenario("renewal, date after the FAQ answer (en)", "9/1/2020",
             "September 2, 2021", date="9/1/2020", rule_button="/ask_renewal_window",
             before=("when are we able to renew a silver competency?",)),
    Scenario("token, problem and date within 30 days (en)",
             "our token went onto the wrong tenant on Aug 1 2021 - is a replacement possible?",
             "August 31, 2021", date="August 1, 2021"),
    Scenario("token, problem and date within 30 days (ko)",
             "2021년 8월 1일에 다른 테넌트로 토큰을 활성화해 버렸는데 교체되나요?",
             "2021년 8월 31일", date="2021년 8월 1일"),
    Scenario("token, past the deadline, no problem named (en)",
             "can a token we activated on 2021-06-01 still be replaced?",
             "July 1, 2021", date="2021-06-01"),
    Scenario("token, past the deadline (ko)",
             "2021년 6월 1일에 테넌트를 잘못 골라 활성화한 토큰, 지금도 교체되나요?",
             "2021년 7월 1일", date="2021년 6월 1일"),
    Scenario("token, nothing given (en)", "can you work out if our token can be replaced",
             "August 31, 2021", date="2021-08-01"),
    Scenario("covid, date given (en)", "competency anniversary 2020-10-15, covid extension ok?",
             "October 15, 2021", date="2020-10-15"),
    Scenario("covid, the Action Pack (ko)", "코로나 연장, 저희 액션팩도 해당하는지 봐 주세요",
             "Action Pack에는 적용되지 않습니다", date="2020년 10월 15일"),
    Scenario("reactivation, date given (en)",
             "anniversary was 2021-07-25, we forgot to renew - can we still pay?",
             "August 24, 2021", date="2021-07-25"),
    Scenario("reactivation, date given (ko)",
             "기념일이 2021년 7월 25일이었는데 갱신을 놓쳤어요 아직 납부 가능한가요?",
             "2021년 8월 24일", date="2021년 7월 25일"),
]  # fmt: skip
FAQ_TURNS = ["can one token be split across two subscriptions?", "VS 구독 같이 써도 되나요?"]


def _reply(asked: List[str], scenario: Scenario) -> Optional[str]:
    """What the partner says to the bot's question (the last response that asked)."""
    for name in reversed(asked):
        if name == "utter_ask_offer":
            return f'/ask_renewal_window{{"offer": "{scenario.offer}"}}'
        if name in ("utter_ask_purchase_date", "utter_ask_activation_date") or name.endswith(
            "anniversary_date"
        ):
            return scenario.date
        if name == "utter_ask_token_problem":
            return f'/ask_replacement_token{{"token_problem": "{scenario.problem}"}}'
        if name == "utter_ask_replaced_before":
            return "/deny"
        if name == "utter_ask_what_date_is_for":
            return scenario.rule_button
    return None


async def _play(agent, scenario: Scenario) -> Tuple[Optional[int], List[str], List[str]]:
    """Turns to the expected answer (None: not reached), what was said, the last replies."""
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
    from rasa.shared.core.events import BotUttered

    sender = uuid.uuid4().hex
    for text in scenario.before:
        await agent.handle_message(UserMessage(text, CollectingOutputChannel(), sender))
    said: List[str] = []
    message, last = scenario.opening, []
    for turn in range(1, MAX_TURNS + 1):
        said.append(message)
        seen = len((await agent.processor.get_tracker(sender)).events)
        await agent.handle_message(UserMessage(message, CollectingOutputChannel(), sender))
        tracker = await agent.processor.get_tracker(sender)
        bots = [e for e in list(tracker.events)[seen:] if isinstance(e, BotUttered)]
        if any(scenario.expected in (b.text or "") for b in bots):
            return turn, said, []
        last = [b.metadata.get("utter_action") or b.text or "" for b in bots]
        next_message = _reply(last, scenario)
        if next_message is None:
            return None, said, last
        message = next_message
    return None, said, last


async def _faq_action_calls(agent) -> List[int]:
    """Custom actions run in plain FAQ turns (each one is an action-server call)."""
    from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
    from rasa.shared.core.events import ActionExecuted

    calls = []
    for text in FAQ_TURNS:
        sender = uuid.uuid4().hex
        await agent.handle_message(UserMessage(text, CollectingOutputChannel(), sender))
        tracker = await agent.processor.get_tracker(sender)
        names = [e.action_name for e in tracker.events if isinstance(e, ActionExecuted)]
        calls.append(
            sum(
                1
                for n in names
                if n
                and n.startswith("action_")
                and n not in ("action_listen", "action_session_start", "action_extract_slots")
            )
        )
    return calls


def _action_server(root: Path) -> Tuple[subprocess.Popen, str]:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {**os.environ, "PARTNERDESK_TODAY": TODAY, "SANIC_HOST": "127.0.0.1",
           "PYTHONPATH": str(root)}  # fmt: skip
    rasa = str(Path(sys.executable).with_name("rasa"))
    process = subprocess.Popen(
        [rasa, "run", "actions", "--actions", "actions", "-p", str(port)],
        cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    import requests

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/health", timeout=2).ok:
                return process, f"http://127.0.0.1:{port}/webhook"
        except requests.RequestException:
            time.sleep(0.5)
    process.kill()
    raise RuntimeError("the action server did not start")


def main() -> None:
    """Play every scenario and print the turns each took, then the totals, as JSON."""
    root = Path.cwd()
    sys.path.insert(0, str(root))
    from rasa.core.agent import Agent
    from rasa.utils.endpoints import EndpointConfig
    from rasa.utils.log_utils import configure_structlog

    from partnerdesk.tools.model_build import ensure_model

    configure_structlog(40)
    process, url = _action_server(root)
    try:
        agent = Agent.load(str(ensure_model()), action_endpoint=EndpointConfig(url))
        loop = asyncio.new_event_loop()
        results: Dict[str, Optional[int]] = {}
        for scenario in SCENARIOS:
            turns, said, last = loop.run_until_complete(_play(agent, scenario))
            results[scenario.name] = turns
            shown = {"scenario": scenario.name, "turns": turns, "said": said}
            if turns is None:  # what it answered instead
                shown["last_replies"] = [reply[:120] for reply in last]
            print(json.dumps(shown, ensure_ascii=False))
        answered = [t for t in results.values() if t is not None]
        calls = loop.run_until_complete(_faq_action_calls(agent))
        print(json.dumps({
            "checkout": str(root), "scenarios": len(results), "answered": len(answered),
            "turns_total": sum(answered), "one_turn": sum(1 for t in answered if t == 1),
            "faq_turn_action_calls": calls,
        }, ensure_ascii=False))  # fmt: skip
    finally:
        process.terminate()
        process.wait(30)


if __name__ == "__main__":
    main()
