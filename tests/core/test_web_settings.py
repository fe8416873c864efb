"""Web chat settings from the environment."""

import pytest

from partnerdesk.core import web_settings as settings


def test_default_origins_are_the_page_servers_own():
    assert settings.web_origins({}) == ["http://localhost:8080", "http://127.0.0.1:8080"]
    assert settings.web_origins({"PARTNERDESK_WEB_PORT": "9090"}) == [
        "http://localhost:9090",
        "http://127.0.0.1:9090",
    ]
    assert settings.web_origins({"PARTNERDESK_WEB_ORIGINS": " , "}) == settings.web_origins({})


def test_configured_origins_are_normalised_as_browsers_send_them():
    env = {"PARTNERDESK_WEB_ORIGINS": " https://support.example.com/ ,http://127.0.0.1:5080"}
    assert settings.web_origins(env) == ["https://support.example.com", "http://127.0.0.1:5080"]


@pytest.mark.parametrize(
    "value", ["*", "localhost:8080", "http://x.example/path", "ftp://x.example"]
)
def test_anything_but_an_origin_is_refused(value):
    with pytest.raises(ValueError, match="PARTNERDESK_WEB_ORIGINS"):
        settings.web_origins({"PARTNERDESK_WEB_ORIGINS": f"http://localhost:8080,{value}"})


def test_socket_url_defaults_to_rasa_and_may_be_the_pages_origin():
    assert settings.socket_url({}) == "http://localhost:5005"
    assert settings.socket_url({"RASA_PORT": "6005"}) == "http://localhost:6005"
    assert settings.socket_url({"PARTNERDESK_SOCKET_URL": ""}) == ""
    assert (
        settings.socket_url({"PARTNERDESK_SOCKET_URL": "http://127.0.0.1:5/"})
        == "http://127.0.0.1:5"
    )
    assert settings.assist_url({"RASA_PORT": "6005"}) == "http://localhost:6005"
    assert settings.assist_url({"PARTNERDESK_ASSIST_URL": ""}) == ""
    with pytest.raises(ValueError, match="PARTNERDESK_SOCKET_URL"):
        settings.socket_url({"PARTNERDESK_SOCKET_URL": "javascript:alert(1)"})
