"""The origins command of ``scripts/run``, and the npm pins."""

import json

from partnerdesk.core.paths import PROJECT_ROOT
from partnerdesk.web import settings


def test_origins_command_prints_one_a_line(monkeypatch, capsys):
    monkeypatch.setenv("PARTNERDESK_WEB_ORIGINS", "http://a.example,http://b.example:81")
    assert settings.main(["origins"]) == 0
    assert capsys.readouterr().out.splitlines() == ["http://a.example", "http://b.example:81"]
    monkeypatch.setenv("PARTNERDESK_WEB_ORIGINS", "*")
    assert settings.main(["origins"]) == 2
    assert "PARTNERDESK_WEB_ORIGINS" in capsys.readouterr().err


def test_npm_pins_are_exact_and_the_lock_file_names_no_download_address():
    package = json.loads((PROJECT_ROOT / "web" / "package.json").read_text())
    assert all(version[0].isdigit() for version in package["dependencies"].values())
    lock = json.loads((PROJECT_ROOT / "web" / "package-lock.json").read_text())
    entries = lock["packages"].values()
    assert not [entry["resolved"] for entry in entries if "resolved" in entry]
    assert all(entry.get("integrity") for name, entry in lock["packages"].items() if name)
