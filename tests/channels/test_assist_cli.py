"""``partnerdesk suggest`` against a running server with the assist channel."""

import json
import os
import subprocess

import pytest

from partnerdesk.cli import main
from partnerdesk.core.paths import PROJECT_ROOT
from tests.channels.conftest import ASSIST_TOKEN

pytestmark = [pytest.mark.slow, pytest.mark.server]


@pytest.fixture
def token(monkeypatch):
    monkeypatch.setenv("PARTNERDESK_ASSIST_TOKEN", ASSIST_TOKEN)


def test_korean_message_prints_ranked_drafts_in_both_languages(assist_server, token, capsys):
    assert main(["suggest", "액션팩 언제 갱신해요?", "--url", assist_server.url, "--top", "2"]) == 0
    out = capsys.readouterr().out
    assert "Partner's language: ko" in out
    assert (
        "1. 0.9" in out and "(renew_action_pack)" in out and "\n2. " in out and "\n3. " not in out
    )
    assert "/ko-kr/partner-center/mpn-benefits-faq" in out
    assert "[ko]" in out and "[en]" in out and "Microsoft Action Pack" in out


def test_purchase_date_gives_the_rule(assist_server, token, capsys):
    code = main(
        [
            "suggest",
            "when can we renew our action pack?",
            "--url",
            assist_server.url,
            "--purchase-date",
            "2020-09-01",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "Rule renewal_window → not_open_yet" in out and "September 2, 2021 (in 13 days)" in out


def test_json_output(assist_server, token, capsys):
    assert (
        main(
            ["suggest", "how much does the action pack cost?", "--url", assist_server.url, "--json"]
        )
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert data["fallback"] is True and len(data["suggestions"]) == 3


def test_refusals_exit_1_with_the_servers_reason(assist_server, monkeypatch, capsys):
    monkeypatch.setenv("PARTNERDESK_ASSIST_TOKEN", "wrong")
    assert main(["suggest", "hi", "--url", assist_server.url]) == 1
    err = capsys.readouterr().err
    assert "refused the request (401)" in err and "PARTNERDESK_ASSIST_TOKEN" in err
    monkeypatch.setenv("PARTNERDESK_ASSIST_TOKEN", ASSIST_TOKEN)
    assert main(["suggest", "hi", "--url", assist_server.url, "--top", "11"]) == 1
    assert '"top": must be between 1 and 10' in capsys.readouterr().err


def test_the_installed_command(assist_server):
    env = {**os.environ, "PARTNERDESK_ASSIST_TOKEN": ASSIST_TOKEN}
    done = subprocess.run(
        [
            str(PROJECT_ROOT / ".venv" / "bin" / "partnerdesk"),
            "suggest",
            "does the action pack come with VS enterprise?",
            "--url",
            assist_server.url,
            "--top",
            "1",
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "(vs_enterprise_in_action_pack)" in done.stdout and "[en]" not in done.stdout
