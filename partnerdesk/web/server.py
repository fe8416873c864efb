"""A small static server for PartnerDesk's web pages, on 127.0.0.1 only.

Routes:
- ``/``: the support page (``web/support/index.html``) with the chat widget;
- ``/support/<file>``: its style sheet and script;
- ``/agent``: the agent page for the reply assistant (``web/agent/``), its assets under
  ``/agent/<file>``;
- ``/agent/insights``: the Insights page for support leads (``web/insights/``), its
  assets under ``/insights/<file>``, Chart.js as ``/vendor/chart.umd.min.js``;
- ``/shared/<file>``: what the agent pages share (``web/shared/storage.js``);
- ``/vendor/rasa-webchat.js``: the widget bundle written by ``scripts/setup-web``;
- ``/config.js``: ``window.PARTNERDESK = {socketUrl, assistUrl}`` from the environment;
- ``/calendar/<rule>.ics?…``: a rule answer's "Add to calendar" file
  (:mod:`partnerdesk.web.calendar`).

More pages are one entry in ``PAGES`` and, for their assets, one in ``ASSET_DIRS``.
Every response carries a strict Content-Security-Policy: scripts only from this server,
connections only to it and to the Rasa server.
"""

from __future__ import annotations

import json
import mimetypes
import re
from functools import partial
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Dict, Optional
from urllib.parse import urlsplit

from partnerdesk.core.paths import PROJECT_ROOT
from partnerdesk.web.calendar import calendar_response

WEB_DIR = PROJECT_ROOT / "web"
# URL path -> HTML file.
PAGES: Dict[str, Path] = {
    "/": WEB_DIR / "support" / "index.html",
    "/agent": WEB_DIR / "agent" / "index.html",
    "/agent/": WEB_DIR / "agent" / "index.html",
    "/agent/insights": WEB_DIR / "insights" / "index.html",
    "/agent/insights/": WEB_DIR / "insights" / "index.html",
}
# URL prefix -> folder whose files are served under it.
ASSET_DIRS: Dict[str, Path] = {
    "/support/": WEB_DIR / "support",
    "/agent/": WEB_DIR / "agent",
    "/insights/": WEB_DIR / "insights",
    "/shared/": WEB_DIR / "shared",
    "/vendor/": WEB_DIR / "build",
}
HOST = "127.0.0.1"
# A served file's name: no folders, no hidden files, nothing a file system could choke on.
_ASSET_NAME = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]{0,99}")


def config_script(socket_url: str, assist_url: str) -> bytes:
    """The ``/config.js`` body; an empty URL means "the page's own origin"."""
    settings = json.dumps({"socketUrl": socket_url, "assistUrl": assist_url})
    return f"window.PARTNERDESK = Object.freeze({settings});\n".encode()


def content_security_policy(*urls: str) -> str:
    """A CSP that lets the pages load only from here and connect only to ``urls``."""
    origins = sorted({_origin(url) for url in urls if url})
    connect = " ".join(["'self'", *origins])
    return (
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        f"img-src 'self' data:; font-src 'self' data:; connect-src {connect}; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _asset(path: str) -> Optional[Path]:
    """The file behind an asset URL path, or None: only plain file names, no sub-folders."""
    for prefix, folder in ASSET_DIRS.items():
        name = path.removeprefix(prefix)
        if name != path and _ASSET_NAME.fullmatch(name) and (folder / name).is_file():
            return folder / name
    return None


class PageHandler(BaseHTTPRequestHandler):
    """Answers GET and HEAD for the pages, their assets and ``/config.js``."""

    server_version = "PartnerDesk"
    sys_version = ""

    def __init__(self, *args, config: bytes, csp: str, **kwargs) -> None:
        self.config = config
        self.csp = csp
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:
        """Serve a page, an asset or the config script."""
        url = urlsplit(self.path)
        path = url.path
        if path == "/config.js":
            self._send(HTTPStatus.OK, self.config, "text/javascript; charset=utf-8")
        elif path.startswith("/calendar/"):
            status, body, headers = calendar_response(path, url.query)
            kind = headers.pop("Content-Type")
            self._send(HTTPStatus(status), body, kind, headers)
        elif path in PAGES:
            self._send_file(PAGES[path])
        elif (asset := _asset(path)) is not None:
            self._send_file(asset)
        else:
            self._send(HTTPStatus.NOT_FOUND, b"Not found\n", "text/plain; charset=utf-8")

    def do_HEAD(self) -> None:
        """Like GET, without the body."""
        self.do_GET()

    def do_POST(self) -> None:
        """The pages are read-only."""
        self._send(
            HTTPStatus.METHOD_NOT_ALLOWED,
            b"Method not allowed\n",
            "text/plain; charset=utf-8",
            {"Allow": "GET, HEAD"},
        )

    do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_POST

    def _send_file(self, file: Path) -> None:
        kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        if kind.startswith("text/") or kind.endswith("javascript"):
            kind += "; charset=utf-8"
        self._send(HTTPStatus.OK, file.read_bytes(), kind)

    def _send(
        self,
        status: HTTPStatus,
        body: bytes,
        content_type: str,
        headers: Optional[Dict[str, str]] = None,
    ) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Content-Security-Policy", self.csp)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def send_error(self, code: int, message: Optional[str] = None, explain: Optional[str] = None):
        """Plain-text errors (bad request lines, unsupported methods), never a trace."""
        self.close_connection = True
        text = f"{int(code)} {message or HTTPStatus(code).phrase}\n".encode()
        try:
            self._send(HTTPStatus(code), text, "text/plain; charset=utf-8")
        except (ValueError, OSError):
            pass

    def log_request(self, code: Any = "-", size: Any = "-") -> None:
        """Log refused and failed requests only: served pages are not news."""
        if str(code).isdigit() and int(code) < 400:
            return
        super().log_request(code, size)

    def log_message(self, format: str, *args: Any) -> None:
        """Log requests without query strings (they may carry what a user typed)."""
        super().log_message(format, *(str(arg).split("?")[0] for arg in args))


def make_server(port: int, socket_url: str, assist_url: str) -> ThreadingHTTPServer:
    """A page server bound to ``127.0.0.1:port`` (0 picks a free port)."""
    handler = partial(
        PageHandler,
        config=config_script(socket_url, assist_url),
        csp=content_security_policy(socket_url, assist_url),
    )
    return ThreadingHTTPServer((HOST, port), handler)
