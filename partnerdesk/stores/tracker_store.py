"""Rasa's SQL tracker store, made fit for PostgreSQL and honest about outages.

Stock ``SQLTrackerStore`` on PostgreSQL opens a pool of 50 + 100 connections per
process (PostgreSQL allows 100 in all), hands out pooled connections without
checking them (after a database restart the first turn of each process fails on
a dead connection, loses its context and is not stored), and when the database
is down at start it logs "Could not create tables" and carries on. Rasa's
``FailSafeTrackerStore`` then answers every turn from memory and logs one ERROR
per turn, while the server still reports that it is up.

``ResilientSQLTrackerStore`` keeps the table and every query of Rasa's store and:

- uses a small pool (``PARTNERDESK_DB_POOL_SIZE``, default 5, plus
  ``PARTNERDESK_DB_MAX_OVERFLOW``, default 5) with ``pool_pre_ping``, and a
  connect timeout (``PARTNERDESK_DB_CONNECT_TIMEOUT_S``, default 3) for servers;
- waits up to ``PARTNERDESK_DB_WAIT_S`` (default 30) for a database server at start,
  creating the tables (and the database, with ``login_db``) as soon as it answers;
  still unreachable then, the server starts degraded and finishes that work when
  the database comes;
- when a query fails it logs one ERROR per outage, marks itself degraded (see
  :meth:`health`) and goes on with this replica's durable journal
  (:mod:`partnerdesk.stores.journaled_store`): turns are answered with their context
  and their events are kept on local disk; when the database answers again (probed in
  the background) they are written to it in order, without duplicates, and a WARNING
  says so. Nothing is lost, without a restart, and a replica killed meanwhile leaves its
  journal to the next one started on the machine. (``FailSafeTrackerStore``'s own
  ERROR for a failing call, e.g. Rasa's HTTP API reading a full conversation, is turned
  into a DEBUG line: :class:`partnerdesk.rasa_patches.FailSafeErrorToDebug`.)
- prunes conversations older than the retention period once a day, by itself
  (:class:`partnerdesk.stores.retention.DailyRetention`).

SQLite works the same way (pool settings, pre-ping and the wait at start apply to servers only).
``endpoints.yml``, for PostgreSQL (unquoted ``${VAR}`` only: Rasa leaves quoted
values unexpanded)::

    tracker_store:
      type: partnerdesk.stores.tracker_store.ResilientSQLTrackerStore
      dialect: postgresql
      url: ${DB_HOST}
      port: ${DB_PORT}
      db: ${DB_NAME}
      username: ${DB_USER}
      password: ${DB_PASSWORD}
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import time
from typing import Any, Dict, Iterable, Iterator, Optional, Text

import sqlalchemy as sa
import sqlalchemy.exc
from rasa.core.tracker_store import TrackerStore, create_engine_kwargs, validate_port
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

from partnerdesk.stores import event_rows, journal_replay
from partnerdesk.stores.journaled_store import JournaledSQLTrackerStore
from partnerdesk.stores.retention import DailyRetention
from partnerdesk.stores.sqlite_wal import use_write_ahead_log

logger = logging.getLogger(__name__)

POOL_SIZE_ENV = "PARTNERDESK_DB_POOL_SIZE"
MAX_OVERFLOW_ENV = "PARTNERDESK_DB_MAX_OVERFLOW"
CONNECT_TIMEOUT_ENV = "PARTNERDESK_DB_CONNECT_TIMEOUT_S"
WAIT_ENV = "PARTNERDESK_DB_WAIT_S"
DEFAULTS = {POOL_SIZE_ENV: 5, MAX_OVERFLOW_ENV: 5, CONNECT_TIMEOUT_ENV: 3, WAIT_ENV: 30}
WAIT_RETRY_S = 1.0


def setting(name: str) -> int:
    """An integer setting from the environment, or its default."""
    return int(os.environ.get(name) or DEFAULTS[name])


def engine_kwargs(url: sa.engine.URL) -> Dict[str, Any]:
    """``create_engine`` arguments: Rasa's, with a small pre-pinged pool for servers."""
    kwargs = create_engine_kwargs(url)  # keeps Rasa's POSTGRESQL_SCHEMA support
    if url.get_backend_name() == "sqlite":
        # SQLAlchemy 1.4 opens a new SQLite connection per session (NullPool) for a file:
        # two or more opens, schema reads and PRAGMAs per turn. Keep them open instead;
        # a connection is used by one thread at a time (the pool's checkout).
        kwargs.update(
            poolclass=sa.pool.QueuePool,
            pool_size=setting(POOL_SIZE_ENV),
            max_overflow=setting(MAX_OVERFLOW_ENV),
            connect_args={"check_same_thread": False},
        )
        return kwargs
    kwargs.update(
        pool_size=setting(POOL_SIZE_ENV),
        max_overflow=setting(MAX_OVERFLOW_ENV),
        pool_pre_ping=True,
    )
    if url.get_backend_name() == "postgresql":
        connect_args = kwargs.setdefault("connect_args", {})
        connect_args["connect_timeout"] = setting(CONNECT_TIMEOUT_ENV)
    return kwargs


def one_line(error: BaseException, limit: int = 300) -> str:
    """The error as one short line (driver messages span several)."""
    text = re.sub(r"\s+", " ", str(error).split("(Background on this error")[0]).strip()
    return f"{type(error).__name__}: {text[:limit]}"


class ResilientSQLTrackerStore(JournaledSQLTrackerStore):
    """``SQLTrackerStore`` with a small pre-pinged pool that journals through outages."""

    def __init__(
        self,
        domain: Optional[Domain] = None,
        dialect: Text = "sqlite",
        host: Optional[Text] = None,
        port: Optional[int] = None,
        db: Text = "rasa.db",
        username: Optional[Text] = None,
        password: Optional[Text] = None,
        event_broker: Optional[Any] = None,
        login_db: Optional[Text] = None,
        query: Optional[Dict] = None,
        **kwargs: Any,
    ) -> None:
        """Connect, waiting up to ``PARTNERDESK_DB_WAIT_S`` for the database.

        Arguments are those of Rasa's ``SQLTrackerStore`` (``host`` is the
        endpoint's ``url``; ``login_db`` is a database to log in to first, in
        which ``db`` is created if missing, PostgreSQL only).
        """
        url = sa.engine.make_url(
            self.get_db_url(
                dialect, host, validate_port(port), db, username, password, login_db, query
            )
        )
        self._database_to_create = db if login_db and dialect.startswith("postgres") else None
        self._use_engine(url)
        self._tables_ready = False
        self.db_error: Optional[str] = None
        self.degraded_since: Optional[float] = None
        self.open_journal()
        # A SQLite file does not "come up": only a database server is waited for.
        self._wait_for_database(0 if url.get_backend_name() == "sqlite" else setting(WAIT_ENV))
        TrackerStore.__init__(self, domain, event_broker, **kwargs)
        self.start_recovery()  # writes what an earlier process journaled, if anything
        self.retention = DailyRetention(lambda: self.engine).start()

    def _use_engine(self, url: sa.engine.URL) -> None:
        self.engine = sa.create_engine(url, **engine_kwargs(url))
        if url.get_backend_name() == "sqlite":
            sa.event.listen(
                self.engine, "connect", lambda connection, _record: use_write_ahead_log(connection)
            )
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    def _prepare(self) -> None:
        """Create the database (``login_db``) and the table, once."""
        if self._database_to_create:
            self._create_database(self.engine, self._database_to_create)
            self.engine.dispose()
            self._use_engine(self.engine.url.set(database=self._database_to_create))
            self._database_to_create = None
        try:
            self.Base.metadata.create_all(self.engine)
            event_rows.create_tables(self.engine)
            journal_replay.create_tables(self.engine)
        except (sqlalchemy.exc.ProgrammingError, sqlalchemy.exc.IntegrityError):
            # Another replica created the tables at the same moment; they exist now.
            self.Base.metadata.create_all(self.engine)
            event_rows.create_tables(self.engine)
            journal_replay.create_tables(self.engine)
        self._tables_ready = True

    def _wait_for_database(self, wait_s: float) -> None:
        """Prepare the database, retrying for ``wait_s``; then start degraded."""
        deadline = time.monotonic() + wait_s
        while True:
            try:
                self._prepare()
                return
            except sqlalchemy.exc.SQLAlchemyError as error:
                if time.monotonic() >= deadline:
                    self._note_failure(f"start, after waiting {wait_s} s", error)
                    return
                logger.warning(f"Waiting for the tracker store database: {one_line(error)}")
                time.sleep(WAIT_RETRY_S)

    @contextlib.contextmanager
    def _watch(self, operation: str) -> Iterator[None]:
        """Run a database operation, tracking whether the database answers."""
        try:
            if not self._tables_ready:
                self._prepare()
            yield
        except sqlalchemy.exc.SQLAlchemyError as error:
            self._note_failure(operation, error)
            raise
        self._note_success()

    def _note_failure(self, operation: str, error: BaseException) -> None:
        if self.db_error is None:
            logger.error(
                f"Tracker store database unreachable ({operation}: {one_line(error)}). "
                f"Turns are answered with their context and kept in the journal "
                f"{self.journal.path} until it answers again."
            )
            self.degraded_since = time.time()
            self.start_recovery()
        else:
            logger.debug(f"Tracker store database still unreachable ({operation}).")
        self.db_error = one_line(error)

    def _note_success(self) -> None:
        if self.db_error is not None:
            down_s = time.time() - (self.degraded_since or time.time())
            logger.warning(
                f"Tracker store database answers again after {down_s:.0f} s"
                + (
                    f"; the {self.journal.pending} journaled events are written to it now."
                    if self.journal.pending
                    else "."
                )
            )
            self.db_error = self.degraded_since = None

    async def _retrieve(
        self, sender_id: Text, fetch_events_from_all_sessions: bool
    ) -> Optional[DialogueStateTracker]:
        if not fetch_events_from_all_sessions:
            with self.journal_lock:
                if self.journal_in_use():
                    return self.journaled_tracker(sender_id)
        recent = self.recent.take(sender_id)  # the context, should the database fail now
        if recent is not None:
            self.recent.put(recent.tracker, recent.last_id)
        try:
            with self._watch("retrieve"):
                return await super()._retrieve(sender_id, fetch_events_from_all_sessions)
        except sqlalchemy.exc.SQLAlchemyError:
            if fetch_events_from_all_sessions:
                raise  # Rasa's HTTP API: FailSafeTrackerStore answers
            return self.journaled_tracker(sender_id, recent)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Store the tracker's new events, or journal them while the database is down."""
        known = self.known_count(tracker)
        with self.journal_lock:
            to_journal = self.journal_in_use() or self.is_journaled(tracker)
        if not to_journal:
            self.__dict__["_streamed"] = None
            try:
                with self._watch("save"):
                    await super().save(tracker)
                return
            except sqlalchemy.exc.SQLAlchemyError:
                pass  # noted by _watch: journal the turn
        self.journal_tracker(tracker, known, publish=not self.streamed(tracker))

    def check_database(self) -> None:
        """Ping the database, noting failures and recoveries."""
        with self._watch("ping"):
            self.ping()

    async def keys(self) -> Iterable[Text]:
        """All conversation ids (Rasa's query), tracking the database."""
        with self._watch("keys"):
            return await super().keys()

    def health(self) -> Dict[str, Any]:
        """Ping the database: ``{"status": "ok" | "degraded", "type": "sql", ...}``."""
        try:
            with self._watch("ping"), self.engine.connect() as connection:
                connection.execute(sa.text("SELECT 1"))
        except sqlalchemy.exc.SQLAlchemyError:
            pass  # recorded by _watch
        pending = self.journal.pending
        report: Dict[str, Any] = {
            "status": "degraded" if self.db_error or pending else "ok",
            "type": "sql",
            "dialect": self.engine.dialect.name,
        }
        if self.db_error:
            report["mode"] = "journal"
            report["error"] = self.db_error
            report["degraded_since"] = self.degraded_since
            report["fallback"] = (
                "journal: answers with context, written to the database when it answers"
            )
        elif pending:
            report["mode"] = "replaying"
        if self.db_error or pending:
            report["journal"] = self.journal_health()
        return report
