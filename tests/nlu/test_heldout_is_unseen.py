"""The held-out lines (also the long messages) and the test stories' messages are never
in the training data."""

import re

import yaml

from partnerdesk.core.paths import PROJECT_ROOT
from partnerdesk.tools.nlu_eval import load_cases
from tests.nlu.test_long_messages import long_message_texts


def _normalise(text: str) -> str:
    return re.sub(r"[\W_]+", " ", text.lower()).strip()


def _training_examples() -> set:
    examples = set()
    for path in (PROJECT_ROOT / "data" / "nlu").glob("*.yml"):
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            for line in block.get("examples", "").splitlines():
                if line.strip().startswith("- "):
                    examples.add(_normalise(line.strip()[2:]))
    return examples


def _story_messages() -> list:
    messages = []
    for path in (PROJECT_ROOT / "tests" / "stories").glob("*.yml"):
        for story in yaml.safe_load(path.read_text(encoding="utf-8"))["stories"]:
            messages += [step["user"] for step in story["steps"] if "user" in step]
    return messages


def test_no_heldout_or_story_line_is_trained_on():
    training = _training_examples()
    tested = [case.text for case in load_cases()] + _story_messages() + long_message_texts()
    assert [text for text in tested if _normalise(text) in training] == []


def test_the_check_would_notice_a_copied_line():
    assert _normalise("Action Pack renewal timing?") == _normalise("action pack renewal timing")
