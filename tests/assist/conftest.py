"""Fixtures for the reply assistant's core: suggestions from the in-process agent."""

from __future__ import annotations

import asyncio
import datetime
from typing import Any, Dict

import pytest

from partnerdesk.assist.models import SuggestRequest
from tests.conftest import TEST_TODAY


@pytest.fixture(scope="session")
def today() -> datetime.date:
    """The date the suite's rule answers are computed as of."""
    return datetime.date.fromisoformat(TEST_TODAY)


@pytest.fixture(scope="session")
def suggest_for(agent, today):
    """``suggest`` on the in-process agent, returning the response as plain data."""
    from partnerdesk.assist.suggest import suggest

    def _suggest(text: str, as_of: datetime.date = today, **fields: Any) -> Dict[str, Any]:
        return asyncio.run(suggest(agent, SuggestRequest(text=text, **fields), as_of)).dict()

    return _suggest
