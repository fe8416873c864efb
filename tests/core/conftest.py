"""Local fixtures for the rules tests (no Rasa needed)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest

from partnerdesk.core.clock import TODAY_ENV, TZ_ENV


@pytest.fixture
def clean_clock_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    """An environment without PARTNERDESK_TODAY / PARTNERDESK_TZ, to set per test."""
    monkeypatch.delenv(TODAY_ENV, raising=False)
    monkeypatch.delenv(TZ_ENV, raising=False)
    return monkeypatch


@pytest.fixture
def iso() -> Callable[[str], date]:
    """Shorthand for date.fromisoformat."""
    return date.fromisoformat
