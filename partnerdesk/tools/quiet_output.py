"""Pass a server's output through, without the libraries' known start-up warnings.

``scripts/run`` pipes the Rasa server's and the action server's output through this:
``python -m partnerdesk.tools.quiet_output``. Rasa, sanic and their libraries print
deprecation notices when they are imported (sanic even turns Python's filters back on for
them), which tell a user of PartnerDesk nothing. A warning raised in an installed
package (a path under ``site-packages``) of one of :data:`QUIET_CATEGORIES` is dropped,
with its indented continuation lines. Everything else passes through unchanged: log
lines, errors and tracebacks, and warnings from PartnerDesk's own code.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator

QUIET_CATEGORIES = (
    "DeprecationWarning",
    "PendingDeprecationWarning",
    "FutureWarning",
    "PyparsingDeprecationWarning",
    "MovedIn20Warning",
    "SADeprecationWarning",
)
_WARNING = re.compile(r"^(?:\x1b\[\d+m)?\S*/site-packages/\S+:\d+: (?P<category>\w+): ")
_LOG_OR_TRACEBACK = re.compile(r"^(?:\d{4}-\d{2}-\d{2}[ T]|Traceback |\S*/site-packages/)")


def quiet_lines(lines: Iterable[str]) -> Iterator[str]:
    """``lines`` without third-party warnings of the quiet categories.

    A warning is its header line, the rest of its message (if it spans lines) and the
    indented source line that ends it. A log line or a traceback ends it too, and passes.
    """
    dropping = False
    for line in lines:
        match = _WARNING.match(line)
        if match:
            dropping = match.group("category") in QUIET_CATEGORIES
            if dropping:
                continue
        elif dropping and not _LOG_OR_TRACEBACK.match(line):
            if line.startswith((" ", "\t")):
                dropping = False  # the source line ends the warning
            continue
        else:
            dropping = False
        yield line


def main() -> int:
    """Copy standard input to standard output, line by line, without the noise."""
    for line in quiet_lines(sys.stdin):
        sys.stdout.write(line)
        sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
