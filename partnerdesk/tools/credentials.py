"""The channels Rasa can start with now: ``credentials.yml`` minus unconfigured ones.

``credentials.yml`` lists every channel, with secrets as ``${NAME}`` placeholders.
Rasa refuses to start when a placeholder's variable is unset, so the default run
starts with a copy that leaves out each channel whose variables are not all set
(Slack, until ``SLACK_BOT_TOKEN`` and ``SLACK_SIGNING_SECRET`` are exported). The
copy keeps the placeholders: secrets are expanded by Rasa and never written out.

    python -m partnerdesk.tools.credentials [--output var/credentials.active.yml]
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any, Dict, List, Mapping, Optional, Tuple

import yaml

from partnerdesk.core.paths import PROJECT_ROOT, VAR_DIR
from partnerdesk.core.placeholders import placeholders

CREDENTIALS = PROJECT_ROOT / "credentials.yml"
ACTIVE_CREDENTIALS = VAR_DIR / "credentials.active.yml"


def active_channels(
    channels: Mapping[str, Any], env: Mapping[str, str]
) -> Tuple[Dict[str, Any], Dict[str, List[str]]]:
    """Split channels into those whose variables are all set and those left out."""
    active: Dict[str, Any] = {}
    skipped: Dict[str, List[str]] = {}
    for name, settings in channels.items():
        missing = [var for var in placeholders(settings) if not env.get(var)]
        if missing:
            skipped[name] = missing
        else:
            active[name] = settings
    return active, skipped


def write_active_credentials(
    output: Path = ACTIVE_CREDENTIALS,
    source: Path = CREDENTIALS,
    env: Optional[Mapping[str, str]] = None,
) -> Path:
    """Write the channels that can start now to ``output`` and return its path."""
    channels = yaml.safe_load(source.read_text(encoding="utf-8")) or {}
    active, skipped = active_channels(channels, os.environ if env is None else env)
    for name, missing in skipped.items():
        print(f"channel {name} is off: set {', '.join(missing)} to turn it on", file=sys.stderr)
    output.parent.mkdir(parents=True, exist_ok=True)
    header = f"# Generated from {source.name} by partnerdesk.tools.credentials; do not edit.\n"
    output.write_text(header + yaml.safe_dump(active, sort_keys=False), encoding="utf-8")
    return output


def main(argv: Optional[List[str]] = None) -> int:
    """Write the active credentials file and print its path."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=ACTIVE_CREDENTIALS)
    parser.add_argument("--source", type=Path, default=CREDENTIALS)
    args = parser.parse_args(argv)
    print(write_active_credentials(args.output, args.source))
    return 0


if __name__ == "__main__":
    sys.exit(main())
