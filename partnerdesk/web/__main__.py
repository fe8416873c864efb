"""``python -m partnerdesk.web``: serve the support page on 127.0.0.1:$PARTNERDESK_WEB_PORT."""

from __future__ import annotations

import sys

from partnerdesk.core import web_settings as settings
from partnerdesk.web.server import make_server


def main() -> int:
    """Serve until interrupted."""
    try:
        server = make_server(settings.web_port(), settings.socket_url(), settings.assist_url())
    except ValueError as error:
        print(f"partnerdesk.web: {error}", file=sys.stderr)
        return 2
    except OSError as error:
        print(
            f"partnerdesk.web: cannot listen on port {settings.web_port()}: {error}",
            file=sys.stderr,
        )
        return 1
    host, port = server.server_address[:2]
    print(f"Support page on http://{host!s}:{port}/", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
