"""The support page's server on a real loopback socket, and the bundle it serves."""

import http.client
import json
import re
import socket
import threading

import pytest

from partnerdesk.web.server import make_server

pytestmark = pytest.mark.slow

SOCKET_URL = "http://127.0.0.1:5999"


@pytest.fixture(scope="module")
def page_server():
    server = make_server(0, SOCKET_URL, "")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def fetch(port, path, method="GET"):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path)  # sent as is: no normalising of "..", unlike browsers
        reply = connection.getresponse()
        return reply.status, dict(reply.getheaders()), reply.read()
    finally:
        connection.close()


def test_the_support_page_loads_only_local_scripts_under_a_strict_policy(page_server):
    status, headers, body = fetch(page_server, "/")
    assert status == 200 and headers["Content-Type"] == "text/html; charset=utf-8"
    sources = re.findall(rb'(?:src|href)="([^"]*)"', body)
    assert {b"/config.js", b"/vendor/rasa-webchat.js", b"/support/chat.js"} <= set(sources)
    assert all(source.startswith((b"/", b"data:")) for source in sources)
    policy = headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "default-src 'none'" in policy
    assert f"connect-src 'self' {SOCKET_URL};" in policy
    assert headers["X-Content-Type-Options"] == "nosniff"


def test_config_script_carries_the_rasa_address(page_server):
    status, headers, body = fetch(page_server, "/config.js")
    assert status == 200 and headers["Content-Type"].startswith("text/javascript")
    prefix, settings = body.decode().split("Object.freeze(", 1)
    assert prefix == "window.PARTNERDESK = "
    values = json.loads(settings.rstrip().removesuffix(");"))
    assert values == {"socketUrl": SOCKET_URL, "assistUrl": ""}


@pytest.mark.parametrize(
    "path",
    [
        "/support/../../README.md",
        "/support/%2e%2e/%2e%2e/README.md",
        "/vendor/../../credentials.yml",
        "/web/support/index.html",
        "/agents",
        "/agent/missing.js",
        "/support/",
        "//etc/passwd",
        "/support/.gitignore",
        "/support/" + "a" * 5000,
        "/vendor/%00",
        "/support/chat.js/",
    ],
)
def test_nothing_outside_the_pages_is_served(page_server, path):
    status, _, body = fetch(page_server, path)
    assert status == 404 and body == b"Not found\n"


def test_other_methods_are_refused_and_head_has_no_body(page_server):
    status, headers, _ = fetch(page_server, "/", method="POST")
    assert status == 405 and headers["Allow"] == "GET, HEAD"
    status, headers, body = fetch(page_server, "/support/chat.js", method="HEAD")
    assert status == 200 and int(headers["Content-Length"]) > 0 and body == b""


def send_raw(port, request):
    with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
        connection.sendall(request)
        return connection.makefile("rb").read()


def test_malformed_requests_get_a_plain_4xx(page_server, capfd):
    # no HTTP version, so the answer is HTTP/0.9 style: just the text
    assert send_raw(page_server, b"NONSENSE\r\n\r\n").startswith(b"400 Bad request syntax")
    for path in (b"/support/\x00x", b"/vendor/\xff\xfe"):
        reply = send_raw(page_server, b"GET " + path + b" HTTP/1.1\r\nHost: x\r\n\r\n")
        assert reply.startswith(b"HTTP/1.0 404 "), reply[:80]
    assert "Traceback" not in capfd.readouterr().err


def test_served_widget_bundle_loads_no_outside_font(web_bundle):
    code = web_bundle.read_text(encoding="utf-8")
    assert "fonts.googleapis" not in code and "@import url(http" not in code
    assert "Noto Sans CJK KR" in code
