"""The ``partnerdesk`` command: one entry point for the project's tools.

Each subcommand lives in its own module, which exposes ``register(subparsers)``
adding an argparse parser whose ``func(args) -> int`` does the work. Modules are
imported only when the command line names them, so ``partnerdesk --help`` stays fast.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from typing import List, Optional

# subcommand -> (module, one-line help)
COMMANDS = {
    "suggest": ("partnerdesk.assist.cli", "ranked draft replies to a partner's message"),
    "gaps": ("partnerdesk.report.cli", "content-gap report from the tracker store"),
    "insights": (
        "partnerdesk.report.insights_cli",
        "outcomes, deflection rate and CSAT of a period",
    ),
    "suggest-training": (
        "partnerdesk.report.training_cli",
        "training examples proposed from the conversations; accept or reject each",
    ),
    "prune": (
        "partnerdesk.tools.retention",
        "delete conversations older than the retention period",
    ),
}


def main(argv: Optional[List[str]] = None) -> int:
    """Run one subcommand and return its exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = argparse.ArgumentParser(prog="partnerdesk", description=__doc__.splitlines()[0])
    subparsers = parser.add_subparsers(dest="command", metavar="command")
    if argv and argv[0] in COMMANDS:
        importlib.import_module(COMMANDS[argv[0]][0]).register(subparsers)
    else:
        for name, (_, summary) in COMMANDS.items():
            subparsers.add_parser(name, help=summary)
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
