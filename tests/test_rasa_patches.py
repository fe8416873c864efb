"""The one patch module: versions guarded, every private override listed, applied on start."""

import importlib
import inspect
import logging
import pkgutil
import subprocess
import sys

import pytest
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SlotSet, UserUttered
from rasa.shared.utils.common import all_subclasses

import partnerdesk
from partnerdesk import rasa_patches
from partnerdesk.core.paths import PROJECT_ROOT

FOREIGN_PACKAGES = ("rasa", "rasa_sdk", "sanic", "sanic_cors", "socketio", "engineio", "sqlalchemy")


def test_installed_libraries_are_the_versions_the_patches_were_written_for():
    assert rasa_patches.problems() == []


def test_the_check_notices_a_different_version_and_a_missing_attribute(monkeypatch):
    monkeypatch.setitem(rasa_patches.WRITTEN_FOR, "rasa", "3.7.0")
    monkeypatch.setattr(
        rasa_patches, "PRIVATE_API", (*rasa_patches.PRIVATE_API, ("rasa.core.agent.Agent", "_gone"))
    )
    found = rasa_patches.problems()
    assert any("rasa 3.6.21 is installed" in problem for problem in found)
    assert "rasa.core.agent.Agent._gone no longer exists" in found


def _our_classes():
    for package in (partnerdesk, importlib.import_module("actions")):
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
            if info.name.endswith("__main__"):
                continue
            module = importlib.import_module(info.name)
            for _, cls in inspect.getmembers(module, inspect.isclass):
                if cls.__module__ == module.__name__:
                    yield cls


def test_every_private_method_our_subclasses_override_is_listed():
    listed = set(rasa_patches.PRIVATE_API)
    unlisted = []
    for cls in _our_classes():
        for name in vars(cls):
            if not name.startswith("_") or name.startswith("__") or name == "_abc_impl":
                continue
            for base in cls.__mro__[1:]:
                if base.__module__.split(".")[0] in FOREIGN_PACKAGES and name in vars(base):
                    entry = (f"{base.__module__}.{base.__qualname__}", name)
                    if entry not in listed:
                        unlisted.append(entry)
    assert unlisted == []


def test_apply_replaces_rasas_remote_action_once():
    import rasa.core.actions.action as rasa_actions
    import rasa.core.actions.forms as rasa_forms

    from partnerdesk.dialogue.remote_action import ApologeticRemoteAction

    rasa_patches.apply(rasa_patches.RASA_SERVER)
    rasa_patches.apply(rasa_patches.RASA_SERVER)
    assert rasa_actions.RemoteAction is ApologeticRemoteAction
    assert rasa_forms.RemoteAction is ApologeticRemoteAction


def test_nothing_is_patched_on_import():
    code = (
        "import rasa.core.actions.action as a\n"
        "original = a.RemoteAction\n"
        "import partnerdesk.rasa_patches, partnerdesk.channels.rest, actions.forms\n"
        "print(a.RemoteAction is original)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=180,
        env={"RASA_TELEMETRY_ENABLED": "false", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "True"


@pytest.fixture
def memoised_event_lookup():
    original = Event.__dict__["resolve_by_type"]
    rasa_patches._install_event_lookup()
    yield
    Event.resolve_by_type = original


def test_every_event_type_resolves_to_the_same_class_as_rasa(memoised_event_lookup):
    # Rasa takes the first subclass with the name (e.g. UserUttered before test-only
    # subclasses that reuse "user"); the memo must agree, the first time and from memory.
    rasa_lookup = rasa_patches._original_resolve_by_type[0]
    for cls in all_subclasses(Event):
        assert Event.resolve_by_type(cls.type_name) is rasa_lookup(cls.type_name)
        assert Event.resolve_by_type(cls.type_name) is rasa_lookup(cls.type_name)
    assert Event.resolve_by_type("user") is UserUttered


def test_unknown_event_type_names_behave_as_in_rasa(memoised_event_lookup):
    with pytest.raises(ValueError, match="Unknown event name"):
        Event.resolve_by_type("no_such_event")
    assert Event.resolve_by_type("no_such_event", default=UserUttered) is UserUttered
    assert Event.resolve_by_type("topic") is None
    assert "no_such_event" not in rasa_patches._resolved


def test_a_tracker_round_trips_through_deserialisation(memoised_event_lookup):
    events = [
        UserUttered("hi", {"name": "greet"}),
        ActionExecuted("utter_greet"),
        BotUttered("hello"),
        SlotSet("language", "ko"),
    ]
    assert [Event.from_parameters(e.as_dict()) for e in events] == events


def test_installed_masking_reaches_every_logger(caplog):
    rasa_patches.apply(rasa_patches.ACTION_SERVER)
    rasa_patches.apply(rasa_patches.ACTION_SERVER)  # twice is harmless
    with caplog.at_level(logging.INFO):
        logging.getLogger("rasa.core.processor").info("message from kim.lee@contoso.com")
        logging.getLogger("sanic.access").warning("token xoxb-1-2-secretvalue")
    assert [r.getMessage() for r in caplog.records] == ["message from [email]", "token [token]"]
    assert "contoso" not in caplog.text and "secretvalue" not in caplog.text


@pytest.mark.parametrize(
    "start",
    [
        "from partnerdesk.channels.rest import CheckedRestInput\n"
        "CheckedRestInput.from_credentials(None)\n",
        "import actions\n",
    ],
    ids=["rasa server", "action server"],
)
def test_both_servers_mask_their_logs_once_started(start):
    code = (
        "import io, logging\n"
        f"{start}"
        "stream = io.StringIO()\n"
        "logging.basicConfig(stream=stream, level=logging.INFO, format='%(message)s')\n"
        "logging.getLogger('rasa.x').info('reach me at kim@contoso.com')\n"
        "print(stream.getvalue().strip())\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"RASA_TELEMETRY_ENABLED": "false", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "reach me at [email]"


def test_rasa_structlog_debug_lines_with_user_text_are_masked():
    # Rasa logs each parsed message's text this way with --debug (rasa/core/processor.py).
    code = (
        "import logging, structlog\n"
        "from partnerdesk.channels.health import HealthInput\n"
        "HealthInput.from_credentials(None)\n"
        "from rasa.utils.log_utils import configure_structlog\n"
        "configure_structlog(logging.DEBUG)\n"
        "structlog.get_logger().debug('processor.message.parse',\n"
        "    parse_data_text='key ABCDE-12345-FGHIJ-67890-KLMNO, mail kim@contoso.com')\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        env={"RASA_TELEMETRY_ENABLED": "false", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "processor.message.parse" in result.stdout
    assert "[product-key]" in result.stdout and "[email]" in result.stdout
    assert "kim@contoso.com" not in result.stdout + result.stderr


def test_the_empty_domain_check_answers_as_rasas():
    from rasa.shared.core.domain import Domain

    from partnerdesk.core.paths import DOMAIN_PATH
    from partnerdesk.dialogue.domain_check import domain_is_empty

    for domain in (Domain.empty(), Domain.load(str(DOMAIN_PATH)), Domain.from_dict({})):
        # Rasa 3.6.21's Domain.is_empty, as written there
        assert domain_is_empty(domain) is (domain.as_dict() == Domain.empty().as_dict())
    assert domain_is_empty(Domain.empty()) and not domain_is_empty(Domain.load(str(DOMAIN_PATH)))
