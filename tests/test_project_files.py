"""Project files that a hand-started `rasa run` relies on."""

import subprocess

import yaml

from partnerdesk.core.paths import PROJECT_ROOT


def test_default_tracker_store_is_sqlite_in_a_folder_every_clone_has():
    store = yaml.safe_load((PROJECT_ROOT / "endpoints.yml").read_text())["tracker_store"]
    assert store["type"] == "partnerdesk.stores.tracker_store.ResilientSQLTrackerStore"
    assert store["dialect"] == "sqlite"
    folder = (PROJECT_ROOT / store["db"]).parent
    tracked = subprocess.run(
        ["git", "ls-files", str(folder)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert tracked.strip(), f"{folder} is not in git, so a fresh clone lacks it"


def test_credentials_have_no_secret_values():
    channels = yaml.safe_load((PROJECT_ROOT / "credentials.yml").read_text())
    for channel, settings in channels.items():
        for key, value in (settings or {}).items():
            if any(word in key.lower() for word in ("token", "secret", "password")):
                assert str(value).startswith("${") and str(value).endswith("}"), (channel, key)
