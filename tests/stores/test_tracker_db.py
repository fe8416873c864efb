"""Finding Rasa's SQL tracker store from an endpoints file, as Rasa finds it."""

import pytest

from partnerdesk.core.paths import PROJECT_ROOT
from partnerdesk.stores.tracker_db import TrackerStoreError, db_url_from_endpoints


def test_the_default_run_uses_the_sqlite_file_under_var():
    url = db_url_from_endpoints(PROJECT_ROOT / "endpoints.yml")
    assert (url.get_backend_name(), url.database) == ("sqlite", "var/partnerdesk.db")


def test_a_postgresql_store_of_a_subclass_with_placeholders(tmp_path, monkeypatch):
    monkeypatch.setenv("PD_TEST_PG_HOST", "127.0.0.1")
    monkeypatch.setenv("PD_TEST_PG_PORT", "6543")
    monkeypatch.setenv("PD_TEST_PG_PASSWORD", "s3cret")
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(
        "tracker_store:\n  type: partnerdesk.stores.tracker_store.ResilientSQLTrackerStore\n"
        "  dialect: postgresql\n  url: ${PD_TEST_PG_HOST}\n  port: ${PD_TEST_PG_PORT}\n"
        "  db: rasa\n  username: partnerdesk\n  password: ${PD_TEST_PG_PASSWORD}\n"
    )
    url = db_url_from_endpoints(endpoints)
    assert url.render_as_string(hide_password=False) == (
        "postgresql://partnerdesk:s3cret@127.0.0.1:6543/rasa"
    )


def test_a_full_database_url_as_the_host(tmp_path):
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text("tracker_store:\n  type: SQL\n  url: postgresql://u@db.internal/rasa\n")
    assert str(db_url_from_endpoints(endpoints)) == "postgresql://u@db.internal/rasa"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("action_endpoint:\n  url: http://127.0.0.1:5055/webhook\n", "no tracker store"),
        ("tracker_store:\n  type: redis\n  url: localhost\n", "is not SQL"),
    ],
)
def test_stores_that_are_not_sql(tmp_path, text, message):
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(text)
    with pytest.raises(TrackerStoreError, match=message):
        db_url_from_endpoints(endpoints)
