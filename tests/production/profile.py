"""The production profile (``scripts/production``) run by tests on free loopback ports.

Every port and the state folder come from environment overrides, so a test
profile runs beside the default run and beside a real profile on 5080. The state
folder lives outside pytest's root-only temporary tree: PostgreSQL runs as the
``postgres`` user, who must reach its data folder.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional

import requests

from partnerdesk.core.paths import PROJECT_ROOT
from tests.servers import free_port

SCRIPT = PROJECT_ROOT / "scripts" / "production"
COMMAND_TIMEOUT_S = 420  # a cold `up` may install packages and train the model
REPLICAS = ("rasa-1", "rasa-2")


@dataclass
class Profile:
    """One production profile: its settings, its state folder and its processes."""

    state_dir: Path
    env: Dict[str, str]
    timings: Dict[str, List[float]] = field(default_factory=dict)

    @classmethod
    def create(cls, **extra_env: str) -> "Profile":
        """A profile (not started) on free ports, with a fresh state folder."""
        state_dir = Path(tempfile.mkdtemp(prefix="partnerdesk-prod-"))
        state_dir.chmod(0o755)
        env = {
            "PARTNERDESK_PROD_DIR": str(state_dir),
            "PARTNERDESK_BALANCER_PORT": str(free_port()),
            "PARTNERDESK_REPLICA_PORTS": f"{free_port()},{free_port()}",
            "PARTNERDESK_PROD_ACTIONS_PORT": str(free_port()),
            "PARTNERDESK_PROD_WEB_PORT": str(free_port()),
            "PARTNERDESK_PG_PORT": str(free_port()),
            "PARTNERDESK_REDIS_PORT": str(free_port()),
            "RASA_TELEMETRY_ENABLED": "false",
            **extra_env,
        }
        return cls(state_dir=state_dir, env=env)

    def run(self, command: str) -> subprocess.CompletedProcess:
        """``scripts/production COMMAND``; fails the test with its output if it fails."""
        began = time.monotonic()
        result = subprocess.run(
            [str(SCRIPT), command],
            env={**os.environ, **self.env},
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT_S,
        )
        self.timings.setdefault(command, []).append(time.monotonic() - began)
        allowed = (0, 3) if command == "status" else (0,)  # status: 3 when something is stopped
        if result.returncode not in allowed:
            raise AssertionError(
                f"scripts/production {command} exited {result.returncode}:\n"
                f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
            )
        return result

    @property
    def balancer(self) -> str:
        """Base URL of the balancer."""
        return f"http://127.0.0.1:{self.env['PARTNERDESK_BALANCER_PORT']}"

    @property
    def actions_url(self) -> str:
        """The action server's webhook."""
        return f"http://127.0.0.1:{self.env['PARTNERDESK_PROD_ACTIONS_PORT']}/webhook"

    def replica_url(self, name: str) -> str:
        """Base URL of one replica, straight (not through the balancer)."""
        ports = self.env["PARTNERDESK_REPLICA_PORTS"].split(",")
        return f"http://127.0.0.1:{ports[REPLICAS.index(name)]}"

    def pid(self, name: str) -> Optional[int]:
        """The pid recorded for a piece (``rasa-1``, ``redis``, ...), if it has one."""
        pid_file = self.state_dir / "run" / f"{name}.pid"
        if name == "postgres":
            pid_file = self.state_dir / "postgres" / "data" / "postmaster.pid"
        if not pid_file.exists():
            return None
        return int(pid_file.read_text().split()[0])

    def kill_replica(self, name: str) -> None:
        """``kill -9`` a Rasa replica, as a crash would; returns once its port is closed.

        A process with many threads takes a moment to die: until its last thread is
        gone, its listening socket still takes connections (and then resets them).
        """
        pid = self.pid(name)
        assert pid, f"{name} has no pid file"
        os.kill(pid, signal.SIGKILL)
        port = int(self.replica_url(name).rsplit(":", 1)[1])
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
            except OSError:
                return
            time.sleep(0.02)
        raise AssertionError(f"{name} still listens 10 s after kill -9")

    def secrets(self) -> Dict[str, str]:
        """The generated secrets (``secrets.env``)."""
        lines = (self.state_dir / "secrets.env").read_text().splitlines()
        return dict(line.split("=", 1) for line in lines if "=" in line)

    def database_url(self) -> str:
        """SQLAlchemy URL of the profile's conversations database."""
        password = self.secrets()["PARTNERDESK_DB_PASSWORD"]
        return (
            f"postgresql://partnerdesk:{password}@127.0.0.1:"
            f"{self.env['PARTNERDESK_PG_PORT']}/partnerdesk"
        )

    def access_log(self, until: Optional[Callable[[str], bool]] = None, timeout: float = 5) -> str:
        """The balancer's access log, as it is or once ``until`` holds for it (``timeout`` at most).

        nginx writes a request's line after it has sent the response, so a client can read
        the log before the line of the request it has just had answered is there.
        """
        path = self.state_dir / "logs" / "nginx-access.log"
        deadline = time.monotonic() + timeout
        while True:
            log = path.read_text() if path.exists() else ""
            if until is None or until(log) or time.monotonic() >= deadline:
                return log
            time.sleep(0.05)

    def remove(self) -> None:
        """``down`` and delete the state folder."""
        try:
            self.run("down")
        finally:
            shutil.rmtree(self.state_dir, ignore_errors=True)


def _alive(pid: int) -> bool:
    """True while ``pid`` runs (a zombie counts as gone)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"


def say(base: str, sender: str, text: str, timeout: float = 60) -> List[str]:
    """One REST turn through ``base``; the bot's texts (fails on a non-200)."""
    response = requests.post(
        f"{base}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=timeout
    )
    assert response.status_code == 200, (response.status_code, response.text[:300])
    return [message.get("text", "") for message in response.json()]


def user_texts(engine, sender: str) -> List[str]:
    """The user messages stored for ``sender`` in Rasa's SQL tracker store, in order."""
    import sqlalchemy as sa

    with engine.connect() as connection:
        rows = connection.execute(
            sa.text(
                "SELECT data FROM events WHERE sender_id = :sender AND type_name = 'user' "
                "ORDER BY id"
            ),
            {"sender": sender},
        )
        return [json.loads(row.data).get("text") for row in rows]
