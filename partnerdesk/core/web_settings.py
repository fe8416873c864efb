"""Settings of the web chat, read from the environment.

- ``PARTNERDESK_WEB_PORT`` (default ``8080``): the page server's port on 127.0.0.1.
- ``PARTNERDESK_WEB_ORIGINS``: comma-separated origins allowed to talk to the Rasa
  server from a browser (CORS and the socket.io origin check). Default: the page
  server's own, ``http://localhost:<port>,http://127.0.0.1:<port>``.
- ``PARTNERDESK_SOCKET_URL`` (default ``http://localhost:<RASA_PORT or 5005>``) and
  ``PARTNERDESK_ASSIST_URL`` (default: the same): where the pages find the Rasa
  server. Set to an empty value, the pages use their own origin (behind a proxy).
- ``PARTNERDESK_PUBLIC_URL`` (default ``http://localhost:8080``): the page server's
  address as partners reach it; calendar links in rule answers start with it.

``python -m partnerdesk.web.settings origins`` prints the origins, one a line, for
``rasa run --cors`` in ``scripts/run``.
"""

from __future__ import annotations

import os
from typing import List, Mapping
from urllib.parse import urlsplit

DEFAULT_WEB_PORT = 8080
DEFAULT_RASA_PORT = 5005


def web_port(env: Mapping[str, str] = os.environ) -> int:
    """The page server's port."""
    return int(env.get("PARTNERDESK_WEB_PORT") or DEFAULT_WEB_PORT)


def _checked_origin(value: str) -> str:
    """``value`` as a browser sends it in ``Origin``; ``ValueError`` if it is not one."""
    origin = value.strip().rstrip("/")
    parts = urlsplit(origin)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path:
        raise ValueError(
            f"PARTNERDESK_WEB_ORIGINS: {value.strip()!r} is not an origin like http://host:port"
        )
    return origin


def web_origins(env: Mapping[str, str] = os.environ) -> List[str]:
    """The browser origins allowed to use the Rasa server (never a wildcard)."""
    items = env.get("PARTNERDESK_WEB_ORIGINS", "").split(",")
    configured = [item for item in items if item.strip()]
    if not configured:
        port = web_port(env)
        return [f"http://localhost:{port}", f"http://127.0.0.1:{port}"]
    return [_checked_origin(item) for item in configured]


def _checked_url(name: str, value: str) -> str:
    """An http(s) base URL, or empty for "the page's own origin"."""
    url = value.strip().rstrip("/")
    if url and (urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).hostname):
        raise ValueError(f"{name}: {value!r} is not an http(s) URL")
    return url


def socket_url(env: Mapping[str, str] = os.environ) -> str:
    """Base URL of the Rasa server's socket.io channel, or empty for the page's origin."""
    default = f"http://localhost:{env.get('RASA_PORT') or DEFAULT_RASA_PORT}"
    return _checked_url("PARTNERDESK_SOCKET_URL", env.get("PARTNERDESK_SOCKET_URL", default))


def assist_url(env: Mapping[str, str] = os.environ) -> str:
    """Base URL of the reply assistant, or empty for the page's origin."""
    value = env.get("PARTNERDESK_ASSIST_URL", socket_url(env))
    return _checked_url("PARTNERDESK_ASSIST_URL", value)


DEFAULT_PUBLIC_URL = "http://localhost:8080"


def public_url(env: Mapping[str, str] = os.environ) -> str:
    """Where partners reach the page server (``PARTNERDESK_PUBLIC_URL``): calendar links."""
    value = env.get("PARTNERDESK_PUBLIC_URL", "").strip() or DEFAULT_PUBLIC_URL
    url = _checked_url("PARTNERDESK_PUBLIC_URL", value)
    return url or DEFAULT_PUBLIC_URL
