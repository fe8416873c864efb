"""``GET /webhooks/agent/insights``: outcomes, rates and splits for a period (contracts.md).

Routes, all with the assistant's token and the query parameters ``since``, ``until`` (ISO
8601; dates and zone-less times in ``PARTNERDESK_TZ``) and ``idle_minutes`` (0-10080):

- ``/insights``: the contract's answer (counts per outcome, deflection rate, CSAT, by
  language, by channel, by FAQ, handoffs, days) plus the ``period`` it covers;
- ``/insights/conversations?format=csv|json``: one row per conversation, texts masked,
  as a file to save;
- ``/insights/unanswered``: the unanswered questions of the period, grouped.

The work runs in an executor thread, never on Rasa's event loop, against the tracker
store's own database (SQLite or PostgreSQL). A malformed parameter gets 400; a store that
cannot be read, or a summary still being built by another request, 503 with a message.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timezone
from typing import Any, Callable, Dict, Iterable, Tuple

import sqlalchemy as sa
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from partnerdesk.channels.http import error_response, json_response, page_route
from partnerdesk.core.clock import local_zone
from partnerdesk.core.insight_period import (
    Period,
    PeriodError,
    parse_idle_minutes,
    parse_period,
)
from partnerdesk.report import insights as report
from partnerdesk.stores.insights_summary import InsightsBusy, engine_for
from partnerdesk.stores.tracker_db import TrackerStoreError, unwrapped

logger = logging.getLogger(__name__)

PERIOD_PARAMETERS = ("since", "until", "idle_minutes")
RETRY_AFTER_S = "30"
_CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


class Refused(Exception):
    """A request that gets an error answer: its status and message."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def store_engine(request: Request) -> sa.engine.Engine:
    """An engine on the Rasa server's tracker-store database.

    Raises:
        Refused: No model loaded yet, or the conversations are not kept in SQL.
    """
    agent = getattr(request.app.ctx, "agent", None)
    engine = getattr(unwrapped(getattr(agent, "tracker_store", None)), "engine", None)
    if agent is None:
        raise Refused(503, "The server is still starting. Try again in a moment.")
    if not isinstance(engine, sa.engine.Engine):
        raise Refused(
            503,
            "Insights read the conversations from a SQL tracker store (SQLite or PostgreSQL); "
            "this server keeps them elsewhere. Configure tracker_store in endpoints.yml.",
        )
    try:
        return engine_for(engine.url)
    except TrackerStoreError as error:
        raise Refused(503, f"The conversation store cannot be read: {error}") from error


def _parameters(request: Request, allowed: Iterable[str]) -> Dict[str, str]:
    """The query parameters, each at most once and only those ``allowed``."""
    given: Dict[str, str] = {}
    names = tuple(allowed)
    for name, values in request.get_args(keep_blank_values=True).items():
        if name not in names:
            raise Refused(400, f"Unknown parameter {name[:40]!r}; use {', '.join(names)}.")
        if len(values) != 1:
            raise Refused(400, f'Give "{name}" once.')
        given[name] = values[0]
    return given


def read_period(given: Dict[str, str]) -> Tuple[Period, int]:
    """The period and idle minutes a request asks for."""
    try:
        zone = local_zone()
    except ValueError as error:
        raise Refused(503, f"The server's time zone is misconfigured: {error}.") from error
    try:
        now = datetime.now(timezone.utc)
        period = parse_period(given.get("since"), given.get("until"), now, zone)
        return period, parse_idle_minutes(given.get("idle_minutes"))
    except PeriodError as error:
        raise Refused(400, str(error)) from error


async def _off_the_loop(work: Callable[[], Any]) -> Any:
    """Run ``work`` in an executor thread; store problems become :class:`Refused`."""
    try:
        return await asyncio.get_running_loop().run_in_executor(None, work)
    except InsightsBusy as error:
        raise Refused(
            503, "The insights are being brought up to date by another request; try again."
        ) from error
    except sa.exc.SQLAlchemyError as error:
        logger.error("insights: the tracker store cannot be read: %s", type(error).__name__)
        raise Refused(503, "The conversation store cannot be read right now.") from error


def _answer(refused: Refused) -> HTTPResponse:
    answer = error_response(refused.status, refused.message)
    if refused.status == 503:
        answer.headers["Retry-After"] = RETRY_AFTER_S
    return answer


def register(blueprint: Blueprint, context: Any) -> None:
    """Add the insights routes to the agent channel's blueprint."""

    async def handle(
        request: Request, allowed: Iterable[str], work: Callable[..., Any]
    ) -> HTTPResponse:
        refused = context.refusal(request)
        if refused is not None:
            return refused
        try:
            given = _parameters(request, allowed)
            period, idle_minutes = read_period(given)
            engine = store_engine(request)
            return await work(engine, period, idle_minutes, given)
        except Refused as refusal:
            return _answer(refusal)

    @page_route(blueprint, "/insights", "GET")
    async def insights(request: Request) -> HTTPResponse:
        async def work(engine: Any, period: Period, idle: int, _: Dict[str, str]) -> Any:
            answer = await _off_the_loop(lambda: report.insights(engine, period, idle))
            return json_response(answer)

        return await handle(request, PERIOD_PARAMETERS, work)

    @page_route(blueprint, "/insights/unanswered", "GET")
    async def unanswered(request: Request) -> HTTPResponse:
        async def work(engine: Any, period: Period, _: int, __: Dict[str, str]) -> Any:
            answer = await _off_the_loop(lambda: report.unanswered_groups(engine, period))
            return json_response(answer)

        return await handle(request, PERIOD_PARAMETERS, work)

    @page_route(blueprint, "/insights/conversations", "GET")
    async def conversations(request: Request) -> HTTPResponse:
        async def work(engine: Any, period: Period, idle: int, given: Dict[str, str]) -> Any:
            kind = given.get("format", "json")
            if kind not in report.EXPORT_FORMATS:
                raise Refused(400, f'"format" must be csv or json, not {kind[:20]!r}.')
            rows = await _off_the_loop(lambda: report.conversations(engine, period, idle))
            name = export_name(period, kind)
            return response.text(
                report.export(rows, kind),
                content_type=_CONTENT_TYPES[kind],
                headers={
                    "Content-Disposition": f'attachment; filename="{name}"',
                    "Access-Control-Expose-Headers": "Content-Disposition",  # for the page
                },
            )

        return await handle(request, (*PERIOD_PARAMETERS, "format"), work)


def export_name(period: Period, kind: str) -> str:
    """``partnerdesk-conversations-<first day>-<last day>.<kind>``."""
    days = period.days()
    return f"partnerdesk-conversations-{days[0]}-{days[-1]}.{kind}"
