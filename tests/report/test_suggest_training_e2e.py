"""From a real conversation to a confident answer: propose, accept, retrain.

A partner asks something PartnerDesk answers with low confidence and clicks 👍 under the
answer (over REST, against the running servers). ``partnerdesk suggest-training`` proposes
the question for that FAQ; accepting it writes it into a copy of the project's
``data/nlu/``; NLU trained on that copy answers the question with confidence.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import uuid

import pytest
import requests

from partnerdesk.core.paths import PROJECT_ROOT
from partnerdesk.core.ranking import faq_ranking
from partnerdesk.report.gaps import LOW_CONFIDENCE
from tests import servers

pytestmark = [pytest.mark.slow, pytest.mark.server]
CLI = str(PROJECT_ROOT / ".venv" / "bin" / "partnerdesk")
RASA = str(PROJECT_ROOT / ".venv" / "bin" / "rasa")
QUESTION = "licenses for partners"
FAQ = "product_license_offers"


def say(base, sender, text):
    reply = requests.post(
        f"{base}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=60
    )
    assert reply.status_code == 200, reply.text
    return reply.json()


def cli(*args, cwd=PROJECT_ROOT):
    return subprocess.run(
        [CLI, "suggest-training", *args], cwd=cwd, capture_output=True, text=True, timeout=300,
        env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
    )  # fmt: skip


def top_answer(agent, text):
    parsed = asyncio.run(agent.parse_message(text))
    return parsed["intent"]["name"], faq_ranking(parsed)[0]


def test_an_accepted_proposal_becomes_a_confident_answer_after_retraining(
    model_path, action_server_url, agent, tmp_path
):
    intent, best = top_answer(agent, QUESTION)
    assert intent == "faq" and best.faq_id == FAQ and best.confidence < LOW_CONFIDENCE, best
    database = tmp_path / "conversations.db"
    endpoints = servers.write_endpoints(tmp_path / "endpoints.yml", action_server_url, database)
    server = servers.rasa_server(model_path, endpoints, tmp_path).start()
    try:
        sender = f"learn-{uuid.uuid4().hex}"
        [answer] = say(server.health_url.rstrip("/"), sender, QUESTION)
        assert answer["buttons"][0]["title"] == "👍"
        say(server.health_url.rstrip("/"), sender, answer["buttons"][0]["payload"])
    finally:
        server.stop()

    project = tmp_path / "project"
    project.mkdir()
    for name in ("config.yml", "domain.yml"):
        shutil.copy(PROJECT_ROOT / name, project / name)
    shutil.copytree(PROJECT_ROOT / "data", project / "data")
    state = tmp_path / "state.json"
    common = ["--db-url", f"sqlite:///{database}", "--data-dir", str(project / "data" / "nlu"),
              "--state", str(state)]  # fmt: skip
    listed = cli(*common)
    assert listed.returncode == 0, listed.stderr
    [proposal] = json.loads(state.read_text())["proposals"]
    assert (proposal["text"], proposal["faq_id"]) == (QUESTION, FAQ)
    assert proposal["evidence"] == {"thumbs_up": 1}
    assert proposal["id"] in listed.stdout and "👍 1" in listed.stdout
    unchanged = (project / "data" / "nlu" / "faq_tokens_keys.yml").read_text("utf-8")
    assert f"- {QUESTION}\n" not in unchanged  # nothing added before a person accepts

    accepted = cli("accept", proposal["id"], *common)
    assert accepted.returncode == 0, accepted.stderr
    assert f"- {QUESTION}\n" in (project / "data" / "nlu" / "faq_tokens_keys.yml").read_text(
        "utf-8"
    )
    assert cli(*common).stdout.startswith("Proposed training examples from the last 30 days: 0")

    trained = subprocess.run(
        [RASA, "train", "nlu", "--config", "config.yml", "--nlu", "data", "--domain",
         "domain.yml", "--out", "models", "--fixed-model-name", "retrained"],
        cwd=project, capture_output=True, text=True, timeout=900,
        env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
    )  # fmt: skip
    assert trained.returncode == 0, trained.stdout[-3000:] + trained.stderr[-3000:]
    from rasa.core.agent import Agent

    retrained = Agent.load(str(project / "models" / "retrained.tar.gz"))
    intent, best = top_answer(retrained, QUESTION)
    assert intent == "faq" and best.faq_id == FAQ and best.confidence >= LOW_CONFIDENCE, best
