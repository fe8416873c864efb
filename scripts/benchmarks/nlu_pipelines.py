"""Compare NLU pipelines on the held-out set; prints one row per pipeline.

Usage: .venv/bin/python scripts/benchmarks/nlu_pipelines.py [NAME ...]
Trains an NLU-only model for the project's config.yml and for each candidate in
scripts/benchmarks/pipelines/, then evaluates it with partnerdesk.tools.nlu_eval.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")

from partnerdesk.core.paths import PROJECT_ROOT, VAR_DIR
from partnerdesk.tools.nlu_eval import evaluate

CANDIDATES = {"partnerdesk": PROJECT_ROOT / "config.yml"} | {
    path.stem: path for path in sorted((Path(__file__).parent / "pipelines").glob("*.yml"))
}
SPACY_MODEL = VAR_DIR / "spacy" / "en_lookup_lemmas"


def build_blank_spacy_model() -> None:
    """A blank English spaCy pipeline whose only component is a lookup lemmatizer."""
    if SPACY_MODEL.exists():
        return
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    SPACY_MODEL.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(SPACY_MODEL)


def train(config: Path, out: Path) -> float:
    """Train an NLU-only model and return the seconds it took."""
    started = time.perf_counter()
    subprocess.run(
        [
            str(Path(sys.executable).with_name("rasa")),
            "train",
            "nlu",
            "-c",
            str(config),
            "--nlu",
            "data",
            "--out",
            str(out),
            "--fixed-model-name",
            "candidate",
            "--quiet",
        ],
        cwd=PROJECT_ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started


def main(names: list[str]) -> None:
    """Train, evaluate and print a row for each chosen candidate."""
    import logging

    import structlog
    from rasa.core.agent import Agent

    # Rasa's per-message debug lines would bury the table.
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))

    build_blank_spacy_model()
    print(
        "| pipeline | train s | FAQ top-1 en | FAQ top-1 ko | FAQ top-3 en/ko | OOS caught "
        "| in-scope fallback | chit-chat |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for name in names or list(CANDIDATES):
        with tempfile.TemporaryDirectory() as out:
            seconds = train(CANDIDATES[name], Path(out))
            agent = Agent.load(str(Path(out) / "candidate.tar.gz"))
            r = evaluate(lambda text: asyncio.run(agent.parse_message(text)))
        print(
            f"| {name} | {seconds:.0f} | {r['faq_top1']['en']:.3f} | {r['faq_top1']['ko']:.3f} "
            f"| {r['faq_top3']['en']:.3f}/{r['faq_top3']['ko']:.3f} "
            f"| {r['out_of_scope_caught']:.3f} | {r['in_scope_fallback']:.3f} "
            f"| {r['chitchat_accuracy']:.3f} |",
            flush=True,
        )


if __name__ == "__main__":
    main(sys.argv[1:])
