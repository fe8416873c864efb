"""``partnerdesk suggest-training``: training examples proposed from the traffic, for a person.

    partnerdesk suggest-training                  # list the proposals of the last 30 days
    partnerdesk suggest-training --since 90 --json
    partnerdesk suggest-training accept 3f2a9c1e  # add it to the right data/nlu/ file
    partnerdesk suggest-training reject 77b0d2aa  # never propose it again

Listing writes the proposals to the state file (``var/training-suggestions.json``), so
that ``accept`` and ``reject`` act on exactly what the person read. Decisions are kept
there too. Accepted examples are written into ``data/nlu/``; retrain (``scripts/run``
does, or ``rasa train``) for them to count. Nothing is added without ``accept``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any, Dict, List, Optional

from partnerdesk.core.paths import PROJECT_ROOT
from partnerdesk.report.cli import SECONDS_PER_DAY

DEFAULT_DAYS = 30
NEVER_TRAINED = (
    PROJECT_ROOT / "tests" / "nlu",
    PROJECT_ROOT / "tests" / "stories",
    PROJECT_ROOT / "tests" / "report" / "unanswered_groups.yml",
)
EVIDENCE_NAMES = {"thumbs_up": "👍", "did_you_mean": "did you mean", "rephrase": "rephrased"}


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the ``suggest-training`` command."""
    from partnerdesk.report.cli import positive_days
    from partnerdesk.stores.tracker_db import add_store_arguments

    parser = subparsers.add_parser(
        "suggest-training",
        help="training examples proposed from the conversations; accept or reject each",
        description=__doc__.splitlines()[0],
    )
    parser.add_argument("action", nargs="?", choices=("list", "accept", "reject"), default="list")
    parser.add_argument("ids", nargs="*", metavar="ID", help="proposal ids (accept, reject)")
    add_store_arguments(parser)
    parser.add_argument(
        "--since",
        type=positive_days,
        default=DEFAULT_DAYS,
        metavar="DAYS",
        help="read the conversations of the last DAYS days (default: %(default)s)",
    )
    parser.add_argument("--json", action="store_true", help="list the proposals as JSON")
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=PROJECT_ROOT / "data" / "nlu",
        help="the NLU training data (default: %(default)s)",
    )
    parser.add_argument(
        "--state",
        type=Path,
        default=PROJECT_ROOT / "var" / "training-suggestions.json",
        help="proposals listed last and decisions (default: %(default)s)",
    )
    parser.set_defaults(func=run)


def _load(path: Path) -> Dict[str, Any]:
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {"proposals": [], "decisions": {}}
    except (OSError, ValueError) as error:
        raise ValueError(f"cannot read {path}: {error}") from error
    return {"proposals": state.get("proposals", []), "decisions": state.get("decisions", {})}


def _save(path: Path, state: Dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(state, ensure_ascii=False, indent=1), encoding="utf-8")
    temporary.replace(path)


def _evidence(proposal: Dict[str, Any]) -> str:
    return ", ".join(f"{EVIDENCE_NAMES[k]} {v}" for k, v in proposal["evidence"].items())


def render(proposals: List[Dict[str, Any]], since_days: float) -> str:
    """The proposals for a person, with the commands to act on them."""
    lines = [f"Proposed training examples from the last {since_days:g} days: {len(proposals)}"]
    for p in proposals:
        confidence = "-" if p["confidence"] is None else f"{p['confidence']:.2f}"
        lines += [
            f"  {p['id']}  faq/{p['faq_id']}  ({p['language']}, seen {p['seen']}, answered "
            f"with confidence {confidence}; {_evidence(p)})",
            f"            {p['text']}",
        ]
        lines += [f"            ~ rephrased as: {text}" for text in p["rephrasings"]]
    if proposals:
        lines += [
            "Accept: partnerdesk suggest-training accept ID [ID ...]  (then retrain)",
            "Reject: partnerdesk suggest-training reject ID [ID ...]",
        ]
    return "\n".join(lines) + "\n"


def _list(args: argparse.Namespace, state: Dict[str, Any], now: float) -> int:
    import sqlalchemy as sa

    from partnerdesk.report.gaps import user_turns
    from partnerdesk.report.nlu_files import known_texts
    from partnerdesk.report.reader import read_events
    from partnerdesk.report.training import proposals
    from partnerdesk.stores.tracker_db import TrackerStoreError, connect, store_url

    try:
        engine = connect(store_url(args))
        try:
            turns = user_turns(read_events(engine, now - args.since * SECONDS_PER_DAY))
        finally:
            engine.dispose()
    except (TrackerStoreError, sa.exc.SQLAlchemyError) as error:
        print(f"partnerdesk suggest-training: {error}", file=sys.stderr)
        return 1
    known = known_texts(args.data_dir, NEVER_TRAINED)
    found = [asdict(p) for p in proposals(turns, known, set(state["decisions"]))]
    state["proposals"] = found
    _save(args.state, state)
    sys.stdout.write(
        json.dumps(found, ensure_ascii=False, indent=1) + "\n"
        if args.json
        else render(found, args.since)
    )
    return 0


def _decide(args: argparse.Namespace, state: Dict[str, Any], now: float) -> int:
    from partnerdesk.report.nlu_files import NluFileError, add_example, known_texts
    from partnerdesk.report.training import normalise

    if not args.ids:
        print(f"partnerdesk suggest-training: give the ids to {args.action}", file=sys.stderr)
        return 2
    listed = {p["id"]: p for p in state["proposals"]}
    known = known_texts(args.data_dir, NEVER_TRAINED) if args.action == "accept" else set()
    failed = 0
    for proposal_id in args.ids:
        proposal = listed.get(proposal_id)
        if proposal is None:
            print(
                f"{proposal_id}: not among the proposals listed last; list them again "
                "(partnerdesk suggest-training)",
                file=sys.stderr,
            )
            failed += 1
            continue
        if args.action == "accept":
            if normalise(proposal["text"]) in known:
                print(
                    f"{proposal_id}: already a training example or a held-out line; not added",
                    file=sys.stderr,
                )
                failed += 1
                continue
            try:
                path = add_example(args.data_dir, proposal["faq_id"], proposal["text"])
            except (NluFileError, OSError) as error:
                print(f"{proposal_id}: {error}", file=sys.stderr)
                failed += 1
                continue
            print(
                f"{proposal_id}: added to {path} under faq/{proposal['faq_id']}: {proposal['text']}"
            )
            known.add(normalise(proposal["text"]))
        else:
            print(f"{proposal_id}: rejected; it will not be proposed again")
        state["decisions"][proposal_id] = {
            "decision": args.action,
            "faq_id": proposal["faq_id"],
            "text": proposal["text"],
            "at": now,
        }
        state["proposals"] = [p for p in state["proposals"] if p["id"] != proposal_id]
        _save(args.state, state)
    if args.action == "accept" and failed < len(args.ids):
        print("Retrain for the new examples to count: rasa train (scripts/run does it).")
    return 1 if failed else 0


def run(args: argparse.Namespace, now: Optional[float] = None) -> int:
    """List, accept or reject; 1 when a store, a file or an id could not be used."""
    clock = time.time() if now is None else now
    try:
        state = _load(args.state)
    except ValueError as error:
        print(f"partnerdesk suggest-training: {error}", file=sys.stderr)
        return 1
    if args.action == "list":
        if args.ids:
            print("partnerdesk suggest-training: list takes no ids", file=sys.stderr)
            return 2
        return _list(args, state, clock)
    return _decide(args, state, clock)
