"""``scripts/run`` as a newcomer starts it: the page is served, the rest stays closed."""

import os
import signal
import subprocess
import time

import pytest
import requests

from partnerdesk.core.paths import PROJECT_ROOT
from tests import servers

pytestmark = [pytest.mark.slow, pytest.mark.server]

RUN_TIMEOUT_S = 240
TOKEN = "test-api-token-4f1c"


def start_run(log_path, api_token=None):
    names = ("RASA_PORT", "ACTIONS_PORT", "PARTNERDESK_WEB_PORT")
    ports = {name: servers.free_port() for name in names}
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PARTNERDESK_", "SLACK_"))
    }
    env.update({name: str(port) for name, port in ports.items()})
    if api_token:
        env["PARTNERDESK_API_TOKEN"] = api_token
    log = log_path.open("wb")
    process = subprocess.Popen(
        [str(PROJECT_ROOT / "scripts" / "run")],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    return {"process": process, "log": log_path, **ports}


def wait_until_up(run):
    deadline = time.monotonic() + RUN_TIMEOUT_S
    while time.monotonic() < deadline:
        text = run["log"].read_text(errors="replace")
        if "PartnerDesk is up." in text:
            return text
        if run["process"].poll() is not None:
            raise RuntimeError(f"scripts/run exited:\n{text[-3000:]}")
        time.sleep(1)
    raise RuntimeError(f"scripts/run not up after {RUN_TIMEOUT_S}s")


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Two default runs side by side: as is, and with a token for Rasa's HTTP API."""
    folder = tmp_path_factory.mktemp("run")
    started = [start_run(folder / "plain.log"), start_run(folder / "token.log", TOKEN)]
    try:
        for run in started:
            run["output"] = wait_until_up(run)
        yield started
    finally:
        for run in started:
            if run["process"].poll() is None:
                os.killpg(run["process"].pid, signal.SIGTERM)
                try:
                    run["process"].wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(run["process"].pid, signal.SIGKILL)


def listening_addresses(port):
    """Local IPv4/IPv6 addresses with a socket listening on ``port`` (from /proc/net)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as rows:
            for row in list(rows)[1:]:
                local, state = row.split()[1], row.split()[3]
                address, hex_port = local.split(":")
                if state == "0A" and int(hex_port, 16) == port:
                    found.add(address)
    return found


def test_the_run_prints_and_serves_the_support_page(runs):
    plain = runs[0]
    page = f"http://localhost:{plain['PARTNERDESK_WEB_PORT']}/"
    assert f"Web chat:  {page}" in plain["output"]
    reply = requests.get(page, timeout=10)
    assert reply.ok and "rasa-webchat.js" in reply.text
    config = requests.get(f"{page}config.js", timeout=10).text
    assert f'"socketUrl": "http://localhost:{plain["RASA_PORT"]}"' in config


def test_only_the_pages_origins_may_use_socketio(runs):
    plain = runs[0]
    url = f"http://127.0.0.1:{plain['RASA_PORT']}/socket.io/?EIO=4&transport=polling"
    for host in ("localhost", "127.0.0.1"):
        origin = f"http://{host}:{plain['PARTNERDESK_WEB_PORT']}"
        allowed = requests.get(url, headers={"Origin": origin}, timeout=10)
        assert allowed.ok
        assert allowed.raw.headers.getlist("Access-Control-Allow-Origin") == [origin]
    refused = requests.get(url, headers={"Origin": "http://evil.example"}, timeout=10)
    assert refused.status_code == 400


def test_rasa_http_api_is_closed_without_a_token(runs):
    plain, with_token = runs
    base = f"http://127.0.0.1:{plain['RASA_PORT']}"
    for path in ("/status", "/conversations/someone/tracker", "/version"):
        assert requests.get(base + path, timeout=10).status_code == 404, path
    assert requests.post(f"{base}/model/parse", json={"text": "hi"}, timeout=10).status_code == 404
    base = f"http://127.0.0.1:{with_token['RASA_PORT']}"
    assert requests.get(f"{base}/status", timeout=10).status_code == 401
    assert requests.get(f"{base}/status", params={"token": "wrong"}, timeout=10).status_code == 401
    assert requests.get(f"{base}/status", params={"token": TOKEN}, timeout=10).ok


def test_every_server_listens_on_loopback_only(runs):
    plain = runs[0]
    for name in ("RASA_PORT", "ACTIONS_PORT", "PARTNERDESK_WEB_PORT"):
        assert listening_addresses(plain[name]) == {"0100007F"}, name


def test_start_up_prints_what_a_user_needs_and_no_library_noise(runs):
    output = runs[0]["output"]
    assert "Agents:" in output and "assistant token:" in output
    noise = [
        line
        for line in output.splitlines()
        if "Warning" in line or "tensorflow" in line or "declare_namespace" in line
    ]
    assert noise == []
