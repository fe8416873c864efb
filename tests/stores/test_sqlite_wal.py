import sqlite3
import threading

import pytest

from partnerdesk.stores.sqlite_wal import use_write_ahead_log


def test_a_new_file_is_put_in_wal_mode(tmp_path):
    connection = sqlite3.connect(tmp_path / "a.db")
    use_write_ahead_log(connection)
    assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    assert connection.execute("PRAGMA synchronous").fetchone() == (1,)  # NORMAL


def test_the_switch_waits_for_another_connection_holding_the_file(tmp_path):
    path = tmp_path / "shared.db"
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN EXCLUSIVE")
    threading.Timer(0.3, lambda: holder.execute("COMMIT")).start()
    other = sqlite3.connect(path, timeout=0)
    use_write_ahead_log(other, retry_s=5)
    assert other.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_it_gives_up_after_its_retry_time(tmp_path):
    path = tmp_path / "held.db"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN EXCLUSIVE")
    with pytest.raises(sqlite3.OperationalError):
        use_write_ahead_log(sqlite3.connect(path, timeout=0), retry_s=0.2)
    holder.execute("COMMIT")
