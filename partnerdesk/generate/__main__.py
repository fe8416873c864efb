"""Regenerate the generated data files: ``python -m partnerdesk.generate``.

The FAQ knowledge file and responses (from the source page, the catalogue and the
reviewed corrections) and the form rules (from ``partnerdesk.core.rule_routing``).

``--check`` writes nothing and exits 1 when a generated file is stale.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import List, Optional

import yaml

from partnerdesk.core.paths import PROJECT_ROOT
from partnerdesk.generate.generate import ImportPaths, render_outputs, stale_files, write_outputs


def main(argv: Optional[List[str]] = None) -> int:
    """Run the importer; return the exit status (0 done or clean, 1 stale, 2 bad input)."""
    parser = argparse.ArgumentParser(prog="python -m partnerdesk.generate", description=__doc__)
    parser.add_argument("--check", action="store_true", help="only report stale generated files")
    parser.add_argument("--source", type=Path, help="the localised FAQ page (Markdown)")
    parser.add_argument("--catalog", type=Path, help="the FAQ catalogue (TSV)")
    args = parser.parse_args(argv)
    paths = ImportPaths.for_project(PROJECT_ROOT, source=args.source, catalog=args.catalog)
    try:
        outputs = render_outputs(paths)
    except (OSError, ValueError, yaml.YAMLError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.check:
        stale = stale_files(outputs)
        for path in stale:
            print(f"stale: {_shown(path)}")
        if not stale:
            print("generated files are up to date")
        return 1 if stale else 0
    written = write_outputs(outputs)
    for path in written:
        print(f"wrote {_shown(path)}")
    if not written:
        print("generated files were already up to date")
    return 0


def _shown(path: Path) -> str:
    """``path`` relative to the project when it is inside it."""
    try:
        return str(path.resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


if __name__ == "__main__":
    sys.exit(main())
