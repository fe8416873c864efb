"""Web chat settings from the environment, and the npm pins."""

import json

import pytest

from partnerdesk.paths import PROJECT_ROOT
from partnerdesk.web import settings


def test_default_origins_are_the_page_servers_own():
    assert settings.web_origins({}) == ["http://localhost:8080", "http://127.0.0.1:8080"]
    assert settings.web_origins({"PARTNERDESK_WEB_PORT": "9090"}) == [
        "http://localhost:9090", "http://127.0.0.1:9090"]
    assert settings.web_origins({"PARTNERDESK_WEB_ORIGINS": " , "}) == settings.web_origins({})


def test_configured_origins_are_normalised_as_browsers_send_them():
    env = {"PARTNERDESK_WEB_ORIGINS": " https://support.example.com/ ,http://127.0.0.1:5080"}
    assert settings.web_origins(env) == ["https://support.example.com", "http://127.0.0.1:5080"]


@pytest.mark.parametrize("value", ["*", "localhost:8080", "http://x.example/path", "ftp://x.example"])
def test_anything_but_an_origin_is_refused(value):
    with pytest.raises(ValueError, match="PARTNERDESK_WEB_ORIGINS"):
        settings.web_origins({"PARTNERDESK_WEB_ORIGINS": f"http://localhost:8080,{value}"})


def test_socket_url_defaults_to_rasa_and_may_be_the_pages_origin():
    assert settings.socket_url({}) == "http://localhost:5005"
    assert settings.socket_url({"RASA_PORT": "6005"}) == "http://localhost:6005"
    assert settings.socket_url({"PARTNERDESK_SOCKET_URL": ""}) == ""
    assert settings.socket_url({"PARTNERDESK_SOCKET_URL": "http://127.0.0.1:5/"}) == "http://127.0.0.1:5"
    assert settings.assist_url({"RASA_PORT": "6005"}) == "http://localhost:6005"
    assert settings.assist_url({"PARTNERDESK_ASSIST_URL": ""}) == ""
    with pytest.raises(ValueError, match="PARTNERDESK_SOCKET_URL"):
        settings.socket_url({"PARTNERDESK_SOCKET_URL": "javascript:alert(1)"})


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
