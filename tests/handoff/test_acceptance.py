"""The team's acceptance check (``partnerdesk.tools.handoff_check``) on a plain ``rasa run``.

The Rasa server is started as contracts.md says: ``rasa run --enable-api -i 127.0.0.1 -p
<port> -m <model>`` from the project root, with the project's own ``credentials.yml``
(unchanged) and ``endpoints.yml`` (only the action server's port and the SQLite file
moved to this test's), no ``--cors``, no ``scripts/run``. A partner on socket.io and an
agent on the API, in English and Korean, with wordings trained on nowhere.
"""

import pytest

from partnerdesk.core.paths import PROJECT_ROOT
from partnerdesk.tools import handoff_check
from tests import servers
from tests.handoff.conftest import AGENT_TOKEN

pytestmark = [pytest.mark.slow, pytest.mark.server]

DEFAULT_ACTIONS = "http://127.0.0.1:5055/webhook"
DEFAULT_DB = "db: var/partnerdesk.db"


@pytest.fixture(scope="module")
def plain_rasa_run(model_path, action_server_url, tmp_path_factory):
    workdir = tmp_path_factory.mktemp("acceptance")
    project_endpoints = (PROJECT_ROOT / "endpoints.yml").read_text(encoding="utf-8")
    assert DEFAULT_ACTIONS in project_endpoints and DEFAULT_DB in project_endpoints
    endpoints = workdir / "endpoints.yml"
    endpoints.write_text(
        project_endpoints.replace(DEFAULT_ACTIONS, action_server_url).replace(
            DEFAULT_DB, f"db: {workdir / 'conversations.db'}"
        ),
        encoding="utf-8",
    )
    process = servers.rasa_server(
        model_path,
        endpoints,
        workdir,
        credentials=PROJECT_ROOT / "credentials.yml",
        extra_env={
            "PARTNERDESK_ASSIST_TOKEN": AGENT_TOKEN,
            "PARTNERDESK_DEV": "",
            "PARTNERDESK_REDIS_URL": "",
            "SLACK_BOT_TOKEN": "",
            "SLACK_SIGNING_SECRET": "",
            "SLACK_AGENT_CHANNEL": "",
        },
    )
    assert "--cors" not in process.args
    process.start()
    try:
        yield process.health_url.rstrip("/")
    finally:
        process.stop()


async def test_the_handoff_acceptance_check_passes_on_a_plain_rasa_run(plain_rasa_run, capsys):
    failed = await handoff_check.run(plain_rasa_run, AGENT_TOKEN)
    printed = capsys.readouterr().out
    assert failed == [], printed
    assert printed.count("ok  ") == 26
