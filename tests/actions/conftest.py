"""Fixtures for action tests: a pinned clock, real trackers and a real dispatcher."""

from typing import Any, Dict, Optional

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

TODAY = "2021-08-20"


@pytest.fixture(autouse=True)
def pinned_today(monkeypatch):
    monkeypatch.setenv("PARTNERDESK_TODAY", TODAY)


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


@pytest.fixture
def make_tracker():
    def _make(
        text: str = "",
        slots: Optional[Dict[str, Any]] = None,
        intent: str = "inform_date",
        active_loop: Optional[str] = None,
    ) -> Tracker:
        latest = {"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": []}
        return Tracker(
            "partner",
            {"language": "en", **(slots or {})},
            latest,
            [],
            False,
            None,
            {"name": active_loop} if active_loop else {},
            "action_listen",
        )

    return _make
