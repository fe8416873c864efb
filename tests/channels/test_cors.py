"""The agent-facing channels answer CORS for the pages' origins, with and without --cors."""

import pytest
import requests

from tests import servers

pytestmark = [pytest.mark.slow, pytest.mark.server]

PAGE = "http://localhost:8080"


@pytest.fixture(scope="module", params=["acceptance run", "scripts/run with --cors"])
def server_url(request, model_path, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("cors")
    endpoints = servers.write_endpoints(workdir / "endpoints.yml", None, None)
    extra = ["--cors", PAGE, "http://127.0.0.1:8080"] if "--cors" in request.param else []
    server = servers.rasa_server(
        model_path, endpoints, workdir, extra_env={"PARTNERDESK_DEV": "1"}, extra_args=extra
    ).start()
    yield server.health_url.rstrip("/")
    server.stop()


@pytest.mark.parametrize("path", ["/webhooks/assist/suggest", "/webhooks/agent/"])
def test_preflight_from_the_page_is_answered_once(server_url, path):
    reply = requests.options(
        server_url + path,
        headers={
            "Origin": PAGE,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type",
        },
        timeout=10,
    )
    assert reply.status_code in (200, 204)
    assert reply.raw.headers.getlist("Access-Control-Allow-Origin") == [PAGE]
    assert "authorization" in reply.headers["Access-Control-Allow-Headers"].lower()


def test_requests_from_the_page_carry_one_allow_origin(server_url):
    reply = requests.post(
        server_url + "/webhooks/assist/suggest",
        json={"text": "when can we renew our action pack?"},
        headers={"Origin": PAGE},
        timeout=30,
    )
    assert reply.ok
    assert reply.raw.headers.getlist("Access-Control-Allow-Origin") == [PAGE]


def test_other_origins_get_no_cors_headers(server_url):
    reply = requests.get(
        server_url + "/webhooks/agent/", headers={"Origin": "http://evil.example"}, timeout=10
    )
    assert reply.ok and "Access-Control-Allow-Origin" not in reply.headers
