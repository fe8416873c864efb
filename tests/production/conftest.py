"""Fixtures for the production profile's pieces: real Redis and PostgreSQL."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Iterator

import pytest

from tests.production.services import DbLogin, PostgresServer, RedisServer

DB_LOGIN = DbLogin(name="partnerdesk", user="partnerdesk", password="partnerdesk-test-only")


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory) -> Iterator[RedisServer]:
    """A Redis server shared by the session (tests use their own keys)."""
    server = RedisServer.create(tmp_path_factory.mktemp("redis")).start()
    yield server
    server.stop()


@pytest.fixture
def own_redis(tmp_path) -> Iterator[RedisServer]:
    """A Redis server of this test alone, which it may stop and start."""
    server = RedisServer.create(tmp_path / "redis").start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    """A PostgreSQL server with the ``partnerdesk`` database and role."""
    server = PostgresServer.create().start()
    try:
        server.create_database(DB_LOGIN.name, DB_LOGIN.user, DB_LOGIN.password)
        yield server
    finally:
        server.remove()


@pytest.fixture(scope="session")
def db_login() -> DbLogin:
    """The database the tests' tracker stores use on ``postgres``."""
    return DB_LOGIN


@pytest.fixture
def conversation_id() -> str:
    """A conversation id no other test uses."""
    return f"test-{uuid.uuid4().hex}"


@pytest.fixture
def log_dir(tmp_path) -> Path:
    """A folder for this test's server logs."""
    return tmp_path
