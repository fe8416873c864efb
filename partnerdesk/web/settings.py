"""``python -m partnerdesk.web.settings origins``: the allowed browser origins, one a line.

``scripts/run`` passes them to ``rasa run --cors``; the settings themselves live in
:mod:`partnerdesk.core.web_settings`.
"""

from __future__ import annotations

import sys
from typing import List, Optional

from partnerdesk.core.web_settings import web_origins


def main(argv: Optional[List[str]] = None) -> int:
    """Print the allowed origins, one a line."""
    argv = sys.argv[1:] if argv is None else argv
    if argv != ["origins"]:
        print("usage: python -m partnerdesk.web.settings origins", file=sys.stderr)
        return 2
    try:
        print("\n".join(web_origins()))
    except ValueError as error:
        print(error, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
