"""Plain SQLAlchemy access to Rasa's SQL tracker store (the ``events`` table).

The content-gap report and the retention command read the database that Rasa's
``SQLTrackerStore`` writes, named by ``tracker_store`` in ``endpoints.yml`` (SQLite by
default, PostgreSQL in the production profile), or given directly as a SQLAlchemy URL.
The table is Rasa's: one row per event with ``sender_id``, ``type_name``, ``timestamp``
(Unix seconds), ``intent_name``, ``action_name`` and the event as JSON in ``data``.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path
from typing import Any, Dict

import sqlalchemy as sa
from sqlalchemy.engine import URL, Engine

DEFAULT_ENDPOINTS = "endpoints.yml"

metadata = sa.MetaData()
events = sa.Table(
    "events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False),
    sa.Column("type_name", sa.String(255), nullable=False),
    sa.Column("timestamp", sa.Float),
    sa.Column("intent_name", sa.String(255)),
    sa.Column("action_name", sa.String(255)),
    sa.Column("data", sa.Text),
)


class TrackerStoreError(Exception):
    """The tracker store cannot be found or read; the message says why, for a person."""


def unwrapped(store: Any) -> Any:
    """The store inside Rasa's ``FailSafeTrackerStore`` / ``AwaitableTrackerStore``."""
    while hasattr(store, "_tracker_store"):
        store = store._tracker_store
    return store


def add_store_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``--endpoints`` and ``--db-url`` (they exclude each other)."""
    group = parser.add_mutually_exclusive_group()
    group.add_argument(
        "--endpoints",
        default=DEFAULT_ENDPOINTS,
        help="endpoints file whose tracker_store to use (default: %(default)s)",
    )
    group.add_argument(
        "--db-url",
        help="SQLAlchemy URL of the tracker store instead, e.g. sqlite:///var/partnerdesk.db "
        "or postgresql://user:password@127.0.0.1:5432/rasa",
    )


def db_url_from_endpoints(path: Path) -> URL:
    """The tracker store's database URL, built as Rasa's ``SQLTrackerStore`` builds it.

    ``${VAR}`` placeholders are expanded as Rasa expands them. The store's ``type`` may be
    ``SQL`` or a subclass's class path with a ``dialect``; ``url`` is the host, as for Rasa.
    A relative SQLite path is relative to the working directory, as for the Rasa server.

    Raises:
        TrackerStoreError: The file is missing or names no SQL tracker store.
    """
    from rasa.shared.utils.io import read_config_file

    if not path.is_file():
        raise TrackerStoreError(f"no endpoints file at {path}")
    try:
        config: Dict[str, Any] = (read_config_file(str(path)) or {}).get("tracker_store") or {}
    except Exception as error:  # Rasa raises several kinds for unreadable YAML or unset vars
        raise TrackerStoreError(f"cannot read {path}: {error}") from error
    if not config:
        raise TrackerStoreError(f"{path} configures no tracker store: conversations are in memory")
    if str(config.get("type", "")).lower() != "sql" and "dialect" not in config:
        raise TrackerStoreError(
            f"{path}: tracker store type {config.get('type')!r} is not SQL; pass --db-url"
        )
    host = config.get("url") or config.get("host")  # Rasa passes `url` as the host
    if host and "://" in str(host):
        return sa.engine.make_url(str(host))
    return URL.create(
        config.get("dialect") or "sqlite",
        username=config.get("username"),
        password=config.get("password"),
        host=host,
        port=int(config["port"]) if config.get("port") else None,
        database=config.get("db") or "rasa.db",
        query=config.get("query") or {},
    )


def store_url(args: argparse.Namespace) -> URL:
    """The database URL that ``--db-url`` or ``--endpoints`` names."""
    if args.db_url:
        try:
            return sa.engine.make_url(args.db_url)
        except sa.exc.ArgumentError as error:
            raise TrackerStoreError(f"not a database URL: {args.db_url}") from error
    return db_url_from_endpoints(Path(args.endpoints))


def connect(url: URL) -> Engine:
    """An engine for the tracker store that has Rasa's ``events`` table.

    Raises:
        TrackerStoreError: The SQLite file does not exist (it is not created here), the
            database cannot be reached, or it has no ``events`` table.
    """
    if url.get_backend_name() == "sqlite":
        database = url.database or ""
        if database in ("", ":memory:") or not os.path.isfile(database):
            raise TrackerStoreError(f"no SQLite tracker store at {database or '(none)'}")
    try:
        engine = sa.create_engine(url, pool_pre_ping=True, future=True)
        with engine.connect() as connection:
            has_events = sa.inspect(connection).has_table(events.name)
    except (sa.exc.SQLAlchemyError, ImportError) as error:
        raise TrackerStoreError(f"cannot open the tracker store: {error}") from error
    if not has_events:
        raise TrackerStoreError(f"{describe(url)} has no '{events.name}' table")
    return engine


def describe(url: URL) -> str:
    """The URL for messages, password hidden."""
    return url.render_as_string(hide_password=True)
