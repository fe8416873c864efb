"""Button payloads in responses survive Rasa's response filling cleanly."""

import copy
import json
import re

import pytest
import structlog
import yaml
from rasa.core.nlg.interpolator import interpolate

from partnerdesk.core.paths import DOMAIN_PATH, PROJECT_ROOT

PAYLOAD = re.compile(r"^/(\w+)(\{.*\})?$")
TEMPLATE_VARIABLE = re.compile(r"(?<!\{)\{(\w+)\}(?!\})")


class AnyValue(dict):
    """Template variables: every name has a value, as in a real dispatch."""

    def __missing__(self, key):
        return "x"


def _buttoned_variations():
    paths = [DOMAIN_PATH, *sorted((PROJECT_ROOT / "data").rglob("*.yml"))]
    for path in paths:
        responses = yaml.safe_load(path.read_text(encoding="utf-8")).get("responses") or {}
        for name, variations in responses.items():
            for variation in variations:
                if variation.get("buttons"):
                    yield pytest.param(variation, id=f"{path.name}:{name}")


@pytest.mark.parametrize("variation", list(_buttoned_variations()))
def test_payloads_come_out_as_intent_and_json_without_logged_errors(variation):
    with structlog.testing.capture_logs() as logs:
        filled = interpolate(copy.deepcopy(variation), AnyValue(language="en"))
    assert not [log for log in logs if log["log_level"] in ("error", "exception")], logs
    for raw, button in zip(variation["buttons"], filled["buttons"]):
        # Template variables ({name}) are filled; doubled braces come out single.
        expected = TEMPLATE_VARIABLE.sub("x", raw["payload"])
        assert button["payload"] == expected.replace("{{", "{").replace("}}", "}")
        match = PAYLOAD.match(button["payload"])
        assert match, button["payload"]
        if match.group(2):
            assert isinstance(json.loads(match.group(2)), dict)
