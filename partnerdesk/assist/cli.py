"""``partnerdesk suggest``: ranked draft replies from the running server, for an agent.

    partnerdesk suggest "액션팩 언제 갱신해요?" [--top 3] [--url http://127.0.0.1:5005]
                        [--purchase-date 2020-09-01] [--json]

Calls ``POST /webhooks/assist/suggest`` with the token from ``PARTNERDESK_ASSIST_TOKEN``
and prints each draft with its rank, confidence, title and citation, in the partner's
language and, when that is not English, in English too. Exit code 1 when the server is
down or refuses the request.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import textwrap
from typing import Any, Dict, List

DEFAULT_URL = "http://127.0.0.1:5005"
ENDPOINT = "/webhooks/assist/suggest"
TOKEN_ENV = "PARTNERDESK_ASSIST_TOKEN"
TIMEOUT_S = 10
_DATE_OPTIONS = ("purchase_date", "anniversary_date", "activation_date")


def register(subparsers: Any) -> None:
    """Add the ``suggest`` subcommand."""
    parser = subparsers.add_parser(
        "suggest",
        help="ranked draft replies to a partner's message",
        description="Ranked draft replies to a partner's message.",
    )
    parser.add_argument("text", help="the partner's message, in English or Korean")
    parser.add_argument("--top", type=int, default=3, help="how many drafts (1-10, default 3)")
    parser.add_argument(
        "--url", default=DEFAULT_URL, help=f"the Rasa server (default {DEFAULT_URL})"
    )
    parser.add_argument("--json", action="store_true", help="print the server's JSON as is")
    for field in _DATE_OPTIONS:
        parser.add_argument(
            "--" + field.replace("_", "-"),
            dest=field,
            metavar="YYYY-MM-DD",
            help=f"the partner's {field.split('_')[0]} date",
        )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Ask the server and print the drafts; 1 when it is down or refuses."""
    import requests

    body: Dict[str, Any] = {"text": args.text, "top": args.top}
    body.update({f: getattr(args, f) for f in _DATE_OPTIONS if getattr(args, f)})
    headers = {"Authorization": f"Bearer {os.environ.get(TOKEN_ENV, '')}"}
    url = args.url.rstrip("/") + ENDPOINT
    try:
        reply = requests.post(url, json=body, headers=headers, timeout=TIMEOUT_S)
    except requests.RequestException as error:
        print(
            f"error: cannot reach the PartnerDesk server at {args.url} ({type(error).__name__})."
            " Is it running? Start it with scripts/run, or pass --url.",
            file=sys.stderr,
        )
        return 1
    if not reply.ok:
        print(
            f"error: the server refused the request ({reply.status_code}): {_error_text(reply)}",
            file=sys.stderr,
        )
        if reply.status_code == 401:
            print(f"hint: export {TOKEN_ENV} with the server's token.", file=sys.stderr)
        return 1
    data = reply.json()
    print(json.dumps(data, ensure_ascii=False, indent=2) if args.json else format_drafts(data))
    return 0


def _error_text(reply: Any) -> str:
    try:
        return str(reply.json()["error"])
    except (ValueError, KeyError, TypeError):
        return reply.text[:200] or reply.reason


def format_drafts(data: Dict[str, Any]) -> str:
    """The suggestions and rule result, readable in a terminal."""
    language = data["language"]
    lines = [f"Partner's language: {language}"]
    if data["fallback"]:
        lines.append(
            "No draft clears the answer threshold: these are low-confidence guesses."
            " Check before sending, or answer by hand."
        )
    rule = data.get("rule_result")
    if rule:
        lines += [
            "",
            f"Rule {rule['rule']} → {rule['status']} (FAQ {rule['faq_id']})",
            *_indent(rule["explanation"]),
        ]
    for rank, item in enumerate(data["suggestions"], 1):
        flag = "  [low confidence]" if item["low_confidence"] else ""
        heading = f"{rank}. {item['confidence']:.2f}  {item['title']}  ({item['faq_id']}){flag}"
        citation = item["citation"]
        lines += ["", heading, f"   Source: {citation['section']} — {citation['url']}"]
        if language == "en":
            lines += _indent(item["reply"])
        else:
            lines += [
                f"   [{language}]",
                *_indent(item["reply"]),
                "   [en]",
                *_indent(item["reply_en"]),
            ]
    return "\n".join(lines)


def _indent(text: str) -> List[str]:
    return [textwrap.indent(line, "   ") for line in text.splitlines()]
