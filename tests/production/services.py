"""Real Redis and PostgreSQL servers for tests, on free loopback ports.

Both are the Debian packages that ``scripts/setup --test`` installs, started as
plain processes (no systemd) in a temporary folder, every start and stop
bounded. PostgreSQL refuses to run as root, so as root it runs as the
``postgres`` system user (``runuser``), in a folder that user owns, outside
pytest's root-only temporary tree.

    redis = RedisServer.create(log_dir).start()     # redis.port, redis.stop()
    pg = PostgresServer.create().start()            # pg.url(), pg.stop(), pg.remove()
    pg.create_database("partnerdesk", "partnerdesk", "secret")
    endpoints = write_profile_endpoints(path, action_url, pg, DbLogin(...), redis)
    replicas = start_replicas(model, endpoints, log_dir, count=2)
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

from tests.servers import ServerProcess, free_port, rasa_server

REDIS_SERVER = Path("/usr/bin/redis-server")
PG_BIN = Path("/usr/lib/postgresql/15/bin")
PG_SUPERUSER = "postgres"
PG_SUPERUSER_PASSWORD = "partnerdesk-test-only"
START_TIMEOUT_S = 30


def _wait(check, what: str, timeout_s: float = START_TIMEOUT_S) -> None:
    """Call ``check`` until it returns True, or fail after ``timeout_s``."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.05)
    raise RuntimeError(f"{what} not ready after {timeout_s}s")


@dataclass
class RedisServer:
    """``redis-server`` without persistence; restartable on the same port."""

    workdir: Path
    port: int
    process: Optional[subprocess.Popen] = None

    @classmethod
    def create(cls, workdir: Path) -> "RedisServer":
        """A server (not started yet) keeping its log in ``workdir``."""
        workdir.mkdir(parents=True, exist_ok=True)
        return cls(workdir=workdir, port=free_port())

    def start(self) -> "RedisServer":
        """Start and wait until it answers PING."""
        import redis

        args = [
            str(REDIS_SERVER),
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(self.workdir),
        ]
        with (self.workdir / "redis.log").open("ab") as log:
            self.process = subprocess.Popen(args, stdout=log, stderr=subprocess.STDOUT)
        client = redis.StrictRedis(port=self.port, socket_connect_timeout=1)

        def answers() -> bool:
            if self.process.poll() is not None:
                raise RuntimeError(f"redis-server died: {(self.workdir / 'redis.log').read_text()}")
            try:
                return bool(client.ping())
            except redis.ConnectionError:
                return False

        _wait(answers, f"redis on port {self.port}")
        return self

    def stop(self) -> None:
        """Stop the server (its data goes with it)."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def _as_postgres(args: List[str]) -> List[str]:
    """Run ``args`` as the postgres system user when we are root."""
    return ["runuser", "-u", PG_SUPERUSER, "--", *args] if os.geteuid() == 0 else args


@dataclass
class PostgresServer:
    """A PostgreSQL 15 cluster in a temporary folder, on loopback TCP only."""

    root: Path
    port: int
    started: bool = field(default=False)

    @property
    def data_dir(self) -> Path:
        """The cluster's data folder."""
        return self.root / "data"

    @property
    def log(self) -> Path:
        """The server log."""
        return self.root / "postgres.log"

    @classmethod
    def create(cls) -> "PostgresServer":
        """``initdb`` a new cluster (password auth, superuser ``postgres``)."""
        root = Path(tempfile.mkdtemp(prefix="partnerdesk-pg-"))
        (root / "sock").mkdir()
        password_file = root / "pwfile"
        password_file.write_text(PG_SUPERUSER_PASSWORD + "\n")
        if os.geteuid() == 0:
            shutil.chown(root, PG_SUPERUSER)
            for path in (root / "sock", password_file):
                shutil.chown(path, PG_SUPERUSER)
        subprocess.run(
            _as_postgres(
                [
                    str(PG_BIN / "initdb"),
                    "-D",
                    str(root / "data"),
                    "-U",
                    PG_SUPERUSER,
                    "--auth=scram-sha-256",
                    f"--pwfile={password_file}",
                    "--no-sync",
                    "--encoding=UTF8",
                    "--locale=C",
                ]
            ),
            check=True,
            capture_output=True,
            timeout=60,
        )
        return cls(root=root, port=free_port())

    def _pg_ctl(self, *args: str) -> None:
        subprocess.run(
            _as_postgres([str(PG_BIN / "pg_ctl"), "-D", str(self.data_dir), *args]),
            check=True,
            capture_output=True,
            timeout=START_TIMEOUT_S + 10,
        )

    def start(self) -> "PostgresServer":
        """Start the server and wait until it accepts connections."""
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 "
            f"-c unix_socket_directories={self.root / 'sock'} "
            "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        )
        self._pg_ctl("-l", str(self.log), "-o", options, "-w", "-t", str(START_TIMEOUT_S), "start")
        self.started = True
        return self

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (``fast`` closes the clients' connections)."""
        if self.started:
            self._pg_ctl("-m", mode, "-w", "-t", str(START_TIMEOUT_S), "stop")
            self.started = False

    def remove(self) -> None:
        """Stop the server and delete its folder."""
        self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)

    def url(
        self, db: str = "postgres", user: str = PG_SUPERUSER, password: str = PG_SUPERUSER_PASSWORD
    ) -> str:
        """SQLAlchemy URL of a database on this server."""
        return f"postgresql://{user}:{password}@127.0.0.1:{self.port}/{db}"

    def create_database(self, name: str, user: str, password: str) -> None:
        """Create a login role and a database it owns (both must be new)."""
        import psycopg2

        connection = psycopg2.connect(self.url(), connect_timeout=5)
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(f'CREATE ROLE "{user}" LOGIN PASSWORD %s', (password,))
                cursor.execute(f'CREATE DATABASE "{name}" OWNER "{user}"')
        finally:
            connection.close()


@dataclass(frozen=True)
class DbLogin:
    """A database on the PostgreSQL server, and the role that owns it."""

    name: str
    user: str
    password: str


LOCK_STORES = {
    "atomic": "partnerdesk.stores.lock_store.AtomicRedisLockStore",
    "stock": "redis",  # Rasa's own RedisLockStore, for comparison
}


def write_profile_endpoints(
    path: Path,
    action_url: str,
    postgres: PostgresServer,
    login: DbLogin,
    redis_server: RedisServer,
    lock_store: str = "atomic",
) -> Path:
    """An endpoints file like the production profile's: PostgreSQL and Redis."""
    path.write_text(
        "action_endpoint:\n"
        f"  url: {action_url}\n"
        "tracker_store:\n"
        "  type: partnerdesk.stores.tracker_store.ResilientSQLTrackerStore\n"
        "  dialect: postgresql\n"
        "  url: 127.0.0.1\n"
        f"  port: {postgres.port}\n"
        f"  db: {login.name}\n"
        f"  username: {login.user}\n"
        f"  password: {login.password}\n"
        "lock_store:\n"
        f"  type: {LOCK_STORES[lock_store]}\n"
        "  url: 127.0.0.1\n"
        f"  port: {redis_server.port}\n"
        "  db: 0\n"
        "  key_prefix: partnerdesk\n"
    )
    return path


def start_replicas(
    model: Path,
    endpoints: Path,
    log_dir: Path,
    count: int = 2,
    extra_env: Optional[Dict[str, str]] = None,
) -> List[ServerProcess]:
    """Start ``count`` Rasa servers at once, each logging to ``log_dir/replica-N``."""
    replicas = []
    for number in range(count):
        folder = log_dir / f"replica-{number}"
        folder.mkdir(parents=True, exist_ok=True)
        replicas.append(rasa_server(model, endpoints, folder, extra_env=extra_env))
    try:
        with ThreadPoolExecutor(count) as pool:
            list(pool.map(ServerProcess.start, replicas))
    except Exception:
        for replica in replicas:
            replica.stop()
        raise
    return replicas
