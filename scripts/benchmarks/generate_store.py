"""Generate a tracker store of realistic PartnerDesk conversations, for the insights' scale.

    .venv/bin/python scripts/benchmarks/generate_store.py --conversations 100000 \
        --sqlite var/bench/store.db [--postgres postgresql://user:pw@127.0.0.1:5432/db]

Every event is what Rasa 3.6 stores for PartnerDesk (``Event.as_dict()`` as JSON, in
Rasa's ``events`` table, the partner's parse result with its full response-selector
answer texts: about 10 KB per partner message), for conversations spread over ``--days``
days up to ``--end`` (weekdays and office hours busier, traffic growing over the year).
The mix: FAQ answers (some with 👍/👎, some after "did you mean"), rule answers through a
form, questions outside the FAQ, forms and "did you mean" choices left unanswered,
handoffs to a person (with agents' replies after a few minutes and resolves), greetings
only; English and Korean; socket.io, Slack and REST; a fifth of the senders come back
for another session. Texts come from the project's own training data (never the held-out
sets). The store is written fresh (an existing SQLite file is refused; the PostgreSQL
``events`` table must be empty or missing). ``--seed`` makes it repeatable.

Also importable: :func:`conversations` yields the rows, which the tests write into small
stores of their own.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Tuple

import yaml

ROOT = Path(__file__).resolve().parents[2]
HANGUL = re.compile(r"[\uac00-\ud7a3]")
META = {"model_id": "5f1c0d2e9b7a4c61a3d0e8f47b2c9d10", "assistant_id": "partnerdesk"}
Row = Tuple[str, str, float, Optional[str], Optional[str], str]
# How a conversation goes, with its weight in the mix.
SCRIPTS = {
    "faq": 38,
    "rule": 8,
    "did_you_mean": 6,
    "oos": 14,
    "abandon": 8,
    "handoff": 6,
    "chat": 20,
}
CHANNELS = {"socketio": 60, "slack": 25, "rest": 15}
FORMS = (
    ("ask_renewal_window", "renewal_form", "utter_ask_purchase_date", "utter_renewal_window_open"),
    (
        "ask_covid_extension",
        "covid_form",
        "utter_ask_covid_form_anniversary_date",
        "utter_covid_extension_extended",
    ),
    (
        "ask_replacement_token",
        "token_form",
        "utter_ask_activation_date",
        "utter_replacement_token_eligible",
    ),
)


def _examples(path: Path) -> Dict[str, List[str]]:
    found: Dict[str, List[str]] = {}
    for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
        lines = [line.strip()[2:] for line in block.get("examples", "").splitlines()]
        if block.get("intent"):
            found.setdefault(block["intent"], []).extend(line for line in lines if line)
    return found


class Texts:
    """Questions per intent and language, and the FAQ answers' stored selector result."""

    def __init__(self) -> None:
        pool: Dict[str, List[str]] = {}
        for name in (
            "faq_membership",
            "faq_licenses",
            "faq_tokens_keys",
            "faq",
            "chitchat",
            "out_of_scope",
            "chitchat_oos",
            "partner_dates",
        ):
            for intent, lines in _examples(ROOT / "data" / "nlu" / f"{name}.yml").items():
                pool.setdefault(intent, []).extend(lines)
        self.by = {
            (intent, lang): [t for t in lines if bool(HANGUL.search(t)) == (lang == "ko")]
            for intent, lines in pool.items()
            for lang in ("en", "ko")
        }
        responses = yaml.safe_load((ROOT / "data/responses/faq.yml").read_text("utf-8"))
        self.faq_ids = sorted(k.split("/", 1)[1] for k in responses["responses"])
        self.answers = {k.split("/", 1)[1]: v for k, v in responses["responses"].items()}

    def pick(self, rng: random.Random, intent: str, lang: str) -> str:
        """A text of ``intent`` in ``lang`` (English if there is none)."""
        return rng.choice(self.by.get((intent, lang)) or self.by[(intent, "en")])

    def selector(self, rng: random.Random, faq_id: str, confidence: float) -> dict:
        """The stored ``response_selector`` with ``faq_id`` first."""
        others = rng.sample([f for f in self.faq_ids if f != faq_id], len(self.faq_ids) - 1)
        rest = (1 - confidence) / len(others)
        ranking = [{"id": 0, "confidence": confidence, "intent_response_key": f"faq/{faq_id}"}]
        ranking += [
            {"id": i + 1, "confidence": rest, "intent_response_key": f"faq/{f}"}
            for i, f in enumerate(others)
        ]
        response = {
            "responses": self.answers[faq_id],
            "confidence": confidence,
            "intent_response_key": f"faq/{faq_id}",
            "utter_action": f"utter_faq/{faq_id}",
        }
        return {"all_retrieval_intents": ["faq"], "faq": {"response": response, "ranking": ranking}}


class Session:
    """Events of one session, as rows of Rasa's ``events`` table."""

    def __init__(
        self, sender: str, start: float, channel: str, lang: str, texts: Texts, rng: random.Random
    ) -> None:
        self.sender, self.t, self.channel, self.lang = sender, start, channel, lang
        self.texts, self.rng, self.rows = texts, rng, []  # type: List[Row]
        self.action("action_session_start", policy=None)
        self.add("session_started", {})
        self.action("action_listen", policy=None)

    def add(
        self,
        kind: str,
        body: dict,
        intent: Optional[str] = None,
        name: Optional[str] = None,
        gap: float = 0.002,
    ) -> None:
        """Append one event."""
        self.t += gap
        data = {"event": kind, "timestamp": self.t, "metadata": dict(META), **body}
        self.rows.append((self.sender, kind, self.t, intent, name, json.dumps(data)))

    def action(self, name: str, policy: Optional[str] = "RulePolicy") -> None:
        """An ``action`` event."""
        self.add(
            "action",
            {
                "name": name,
                "policy": policy,
                "confidence": 1.0,
                "action_text": None,
                "hide_rule_turn": policy is not None,
            },
            name=name,
        )

    def user(
        self,
        text: str,
        intent: str,
        faq: Optional[str] = None,
        confidence: float = 0.9,
        entities: Optional[List[dict]] = None,
        wait: Optional[float] = None,
    ) -> None:
        """A partner message: the user event with its parse result, the language slot."""
        message_id = uuid.UUID(int=self.rng.getrandbits(128)).hex
        found = [
            {
                "entity": "language",
                "value": self.lang,
                "start": 0,
                "end": len(text),
                "confidence": 1.0,
                "extractor": "LanguageDetector",
            }
        ] + (entities or [])
        intents = [
            intent,
            "faq",
            "out_of_scope",
            "greet",
            "thank",
            "goodbye",
            "nlu_fallback",
            "human_handoff",
            "bot_challenge",
            "feedback",
        ]
        parse = {
            "intent": {"name": intent, "confidence": confidence},
            "entities": found,
            "text": text,
            "message_id": message_id,
            "metadata": {},
            "intent_ranking": [
                {"name": n, "confidence": confidence if i == 0 else 0.01}
                for i, n in enumerate(dict.fromkeys(intents))
            ],
            "response_selector": self.texts.selector(
                self.rng, faq or self.rng.choice(self.texts.faq_ids), confidence if faq else 0.2
            ),
        }
        gap = wait if wait is not None else self.rng.uniform(4, 90)
        self.add(
            "user",
            {
                "text": text,
                "parse_data": parse,
                "input_channel": self.channel,
                "message_id": message_id,
            },
            intent=intent,
            gap=gap,
        )
        self.add("slot", {"name": "language", "value": self.lang}, name="language")
        self.add("user_featurization", {"use_text_for_featurization": False})

    def bot(
        self, utter: str, text: str = "…", agent: Optional[str] = None, gap: float = 0.02
    ) -> None:
        """A bot message (an agent's with ``agent``), with its action and the listen."""
        meta = {"agent": agent} if agent else {"utter_action": utter}
        if not agent:
            self.action(utter.split("/")[0])
        self.add(
            "bot", {"metadata": {**meta, **META}, "text": text, "data": {"buttons": None}}, gap=gap
        )
        if not agent:
            self.action("action_listen")

    def faq(self, low: bool = False) -> str:
        """An FAQ question and its answer; the FAQ id."""
        faq_id = self.rng.choice(self.texts.faq_ids)
        self.user(
            self.texts.pick(self.rng, f"faq/{faq_id}", self.lang),
            "faq",
            faq_id,
            self.rng.uniform(0.3, 0.5) if low else self.rng.uniform(0.55, 0.99),
        )
        answer = self.texts.answers[faq_id][0 if self.lang == "ko" else -1]["text"]
        self.bot(f"utter_faq/{faq_id}", answer)
        return faq_id

    def feedback(self, faq_id: str) -> None:
        """A 👍 or 👎 click under an answer, and the thanks."""
        vote = "yes" if self.rng.random() < 0.78 else "no"
        payload = "/feedback" + json.dumps({"helpful": vote, "feedback_faq": faq_id})
        entities = [
            {"entity": "helpful", "value": vote},
            {"entity": "feedback_faq", "value": faq_id},
        ]
        self.user(
            payload, "feedback", entities=entities, confidence=1.0, wait=self.rng.uniform(3, 40)
        )
        self.bot("utter_feedback_thanks")

    def chat(self, intent: str) -> None:
        """Chit-chat and its reply."""
        self.user(self.texts.pick(self.rng, intent, self.lang), intent)
        reply = {
            "greet": "utter_greet",
            "thank": "utter_thank",
            "goodbye": "utter_goodbye",
            "bot_challenge": "utter_iamabot",
        }[intent]
        self.bot(reply)


def play(session: Session, script: str) -> None:
    """One conversation of the given kind."""
    rng = session.rng
    if rng.random() < 0.15:
        session.chat("greet")
    if script in ("faq", "did_you_mean"):
        for _ in range(1 if rng.random() < 0.85 else 2):
            if script == "did_you_mean":
                session.user(session.texts.pick(rng, "out_of_scope", session.lang), "nlu_fallback")
                session.bot("utter_did_you_mean")
                faq_id = rng.choice(session.texts.faq_ids)
                session.user(f"/faq/{faq_id}", "faq", faq_id, 1.0, wait=rng.uniform(3, 30))
                session.bot(f"utter_faq/{faq_id}")
            else:
                faq_id = session.faq(low=rng.random() < 0.1)
            if rng.random() < 0.25:
                session.feedback(faq_id)
    elif script in ("rule", "abandon"):
        intent, form, ask, answer = rng.choice(FORMS)
        if script == "abandon" and rng.random() < 0.5:
            session.user(session.texts.pick(rng, "out_of_scope", session.lang), "nlu_fallback")
            session.bot("utter_did_you_mean")
            return
        session.user(session.texts.pick(rng, intent, session.lang), intent)
        session.action(form)
        session.add("active_loop", {"name": form}, name=form)
        session.bot(ask)
        if script == "abandon":
            return
        session.user(session.texts.pick(rng, "inform_date", session.lang), "inform_date")
        session.add("active_loop", {"name": None}, name=None)
        session.bot(answer)
    elif script == "oos":
        if rng.random() < 0.3:
            session.faq()
        session.user(session.texts.pick(rng, "out_of_scope", session.lang), "out_of_scope")
        session.bot(rng.choice(["utter_out_of_scope", "utter_cannot_answer"]))
    elif script == "handoff":
        if rng.random() < 0.5:
            session.feedback(session.faq())
        session.user(session.texts.pick(rng, "human_handoff", session.lang), "human_handoff")
        session.bot("utter_handoff_started")
        session.add("slot", {"name": "handoff_reason", "value": "asked"}, name="handoff_reason")
        session.add("pause", {})
        if rng.random() < 0.8:
            session.bot(
                "",
                "Hi, this is Mina from partner support.",
                agent="Mina",
                gap=rng.lognormvariate(5.5, 0.8),
            )
            if rng.random() < 0.8:
                session.add("resume", {}, gap=rng.uniform(60, 900))
                session.bot("utter_handoff_resolved")
    if script != "handoff" and rng.random() < 0.1:
        session.chat(rng.choice(["thank", "goodbye"]))
    if script == "chat":
        session.chat(rng.choice(["thank", "bot_challenge", "goodbye"]))


def _start_times(rng: random.Random, count: int, end: float, days: int) -> List[float]:
    """Session starts: growing over the period, busier on weekdays and office hours (KST)."""
    starts = []
    while len(starts) < count:
        age = rng.random() ** 0.8 * days  # more recent days hold more conversations
        moment = end - age * 86_400
        local = datetime.fromtimestamp(moment, timezone(timedelta(hours=9)))
        weight = (0.35 if local.weekday() >= 5 else 1.0) * (1.0 if 8 <= local.hour < 19 else 0.3)
        if rng.random() < weight:
            starts.append(moment)
    return sorted(starts)


def conversations(count: int, end: float, days: int = 365, seed: int = 7) -> Iterator[Row]:
    """Rows of ``count`` conversations, in the order of their start."""
    rng, texts = random.Random(seed), Texts()
    senders: List[Tuple[str, str, str]] = []
    for start in _start_times(rng, count, end, days):
        if senders and rng.random() < 0.2:
            sender, channel, lang = rng.choice(senders[-2000:])  # comes back another time
        else:
            channel = rng.choices(list(CHANNELS), list(CHANNELS.values()))[0]
            lang = "ko" if rng.random() < 0.45 else "en"
            sender = uuid.UUID(int=rng.getrandbits(128)).hex
            senders.append((sender, channel, lang))
        session = Session(sender, start, channel, lang, texts, rng)
        play(session, rng.choices(list(SCRIPTS), list(SCRIPTS.values()))[0])
        yield from session.rows


def _write(connection, rows: Iterator[Row], batch: int = 5000) -> int:
    from partnerdesk.stores.tracker_db import events

    written, chunk = 0, []
    for row in rows:
        chunk.append(
            dict(
                zip(
                    ("sender_id", "type_name", "timestamp", "intent_name", "action_name", "data"),
                    row,
                )
            )
        )
        if len(chunk) >= batch:
            connection.execute(events.insert(), chunk)
            written, chunk = written + len(chunk), []
    if chunk:
        connection.execute(events.insert(), chunk)
    return written + len(chunk)


def write_store(url: str, rows: Iterator[Row]) -> int:
    """Write ``rows`` into a fresh store at the SQLAlchemy ``url``; the number of events."""
    import sqlalchemy as sa

    from partnerdesk.stores.tracker_db import events, metadata

    engine = sa.create_engine(url, future=True)
    try:
        metadata.create_all(engine, tables=[events])
        with engine.begin() as connection:
            if connection.execute(sa.select(sa.func.count()).select_from(events)).scalar():
                raise SystemExit(f"{url}: the events table is not empty")
            connection.exec_driver_sql(
                "CREATE INDEX IF NOT EXISTS ix_events_sender_id ON events (sender_id)"
            )
            return _write(connection, rows)
    finally:
        engine.dispose()


def main(argv: Optional[List[str]] = None) -> int:
    """Generate the store(s) the command line names."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--conversations", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--end", help="last day, YYYY-MM-DD (default: today)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--sqlite", type=Path, help="SQLite file to create")
    parser.add_argument("--postgres", help="PostgreSQL URL (events table empty or missing)")
    args = parser.parse_args(argv)
    if not args.sqlite and not args.postgres:
        parser.error("give --sqlite and/or --postgres")
    end = (
        datetime.fromisoformat(args.end).replace(tzinfo=timezone.utc).timestamp() + 86_399
        if args.end
        else time.time()
    )
    targets = []
    if args.sqlite:
        if args.sqlite.exists():
            parser.error(f"{args.sqlite} exists; remove it first")
        args.sqlite.parent.mkdir(parents=True, exist_ok=True)
        targets.append(f"sqlite:///{args.sqlite}")
    if args.postgres:
        targets.append(args.postgres)
    for url in targets:
        began = time.time()
        count = write_store(url, conversations(args.conversations, end, args.days, args.seed))
        print(
            f"{url.split('@')[-1]}: {args.conversations} conversations, {count} events, "
            f"{time.time() - began:.0f} s"
        )
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    sys.exit(main())
