"""Start PartnerDesk's real servers on loopback for channel and end-to-end tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

import requests

from partnerdesk.core.paths import PROJECT_ROOT
from partnerdesk.tools.credentials import write_active_credentials

VENV_BIN = PROJECT_ROOT / ".venv" / "bin"
START_TIMEOUT_S = 90


def free_port() -> int:
    """A TCP port on loopback that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, log: Path) -> None:
    """Poll ``url`` until it answers, failing early if the process died."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url} died on start:\n{log.read_text()[-3000:]}")
        try:
            if requests.get(url, timeout=1).ok:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"{url} not up after {START_TIMEOUT_S}s:\n{log.read_text()[-3000:]}")


@dataclass
class ServerProcess:
    """One server started from the project's virtualenv, logging to a file."""

    args: List[str]
    health_url: str
    log: Path
    env: Dict[str, str] = field(default_factory=dict)
    process: Optional[subprocess.Popen] = None

    def start(self) -> "ServerProcess":
        """Start the server and wait until its health URL answers."""
        env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", **self.env}
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                self.args,
                cwd=PROJECT_ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_until_up(self.health_url, self.process, self.log)
        return self

    def stop(self, sig: int = signal.SIGTERM) -> None:
        """Stop the server (``SIGKILL`` simulates a crash)."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, sig)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def action_server(log_dir: Path, extra_env: Optional[Dict[str, str]] = None) -> ServerProcess:
    """The action server on a free loopback port."""
    port = free_port()
    return ServerProcess(
        args=[str(VENV_BIN / "rasa"), "run", "actions", "--actions", "actions", "-p", str(port)],
        health_url=f"http://127.0.0.1:{port}/health",
        log=log_dir / "actions.log",
        env={"SANIC_HOST": "127.0.0.1", **(extra_env or {})},
    )


def rasa_server(
    model: Path,
    endpoints: Path,
    log_dir: Path,
    credentials: Optional[Path] = None,
    extra_env: Optional[Dict[str, str]] = None,
    extra_args: Optional[List[str]] = None,
) -> ServerProcess:
    """The Rasa server with the HTTP API on a free loopback port (``extra_args``: e.g. --cors)."""
    port = free_port()
    if credentials is None:
        credentials = write_active_credentials(
            log_dir / "credentials.yml", env={**os.environ, **(extra_env or {})}
        )
    return ServerProcess(
        args=[
            str(VENV_BIN / "rasa"),
            "run",
            "--enable-api",
            "-i",
            "127.0.0.1",
            "-p",
            str(port),
            "-m",
            str(model),
            "--endpoints",
            str(endpoints),
            "--credentials",
            str(credentials),
            *(extra_args or []),
        ],
        health_url=f"http://127.0.0.1:{port}/",
        log=log_dir / "rasa.log",
        # Its tracker journal beside its log: a server restarted on log_dir finds it.
        env={"PARTNERDESK_JOURNAL_DIR": str(log_dir / "journal"), **(extra_env or {})},
    )


def write_endpoints(path: Path, action_url: Optional[str], sqlite_db: Optional[Path]) -> Path:
    """An endpoints file like the project's, pointing at test-owned places.

    Without ``sqlite_db`` Rasa keeps conversations in memory.
    """
    lines = []
    if action_url:
        lines += ["action_endpoint:", f'  url: "{action_url}"']
    if sqlite_db:
        lines += [
            "tracker_store:",
            "  type: partnerdesk.stores.tracker_store.ResilientSQLTrackerStore",
            "  dialect: sqlite",
            f"  db: {sqlite_db}",
        ]
    path.write_text("\n".join(lines) + "\n")
    return path


def stored_user_events(
    rasa_url: str, conversation_id: str, expect: Optional[int] = None, timeout_s: float = 10
) -> List[dict]:
    """The user events stored for a conversation (through Rasa's HTTP API).

    With ``expect``, waits (bounded) until that many are stored: channels that push
    answers (socket.io, Slack) send them before Rasa saves the turn.
    """
    deadline = time.monotonic() + timeout_s
    while True:
        reply = requests.get(f"{rasa_url}/conversations/{conversation_id}/tracker", timeout=10)
        reply.raise_for_status()
        events = [event for event in reply.json()["events"] if event["event"] == "user"]
        if expect is None or len(events) >= expect or time.monotonic() > deadline:
            return events
        time.sleep(0.1)
