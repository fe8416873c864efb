"""Today's date for the shell; the rules themselves take ``today`` as a parameter."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from datetime import date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

TODAY_ENV = "PARTNERDESK_TODAY"
TZ_ENV = "PARTNERDESK_TZ"
DEFAULT_TZ = "Asia/Seoul"

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def today(environ: Mapping[str, str] | None = None) -> date:
    """Today's date for applying the rules.

    ``PARTNERDESK_TODAY=YYYY-MM-DD`` pins the date (an empty value counts as unset).
    Otherwise it is the current date in the time zone ``PARTNERDESK_TZ`` (default
    ``Asia/Seoul``).

    Args:
        environ: Environment to read; ``os.environ`` when omitted.

    Raises:
        ValueError: ``PARTNERDESK_TODAY`` is not a valid YYYY-MM-DD date, or
            ``PARTNERDESK_TZ`` is not a known time zone.
    """
    env = os.environ if environ is None else environ
    pinned = env.get(TODAY_ENV, "").strip()
    if pinned:
        return _parse_pinned(pinned)
    return datetime.now(local_zone(env)).date()


def local_zone(environ: Mapping[str, str] | None = None) -> ZoneInfo:
    """The zone of ``PARTNERDESK_TZ`` (default ``Asia/Seoul``).

    Raises:
        ValueError: The variable names no known time zone.
    """
    env = os.environ if environ is None else environ
    name = env.get(TZ_ENV, "").strip() or DEFAULT_TZ
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ValueError(f"{TZ_ENV}={name!r} is not a known time zone") from error


def _parse_pinned(value: str) -> date:
    """Parse the ``PARTNERDESK_TODAY`` value strictly as YYYY-MM-DD."""
    try:
        if not _ISO_DATE.fullmatch(value):
            raise ValueError("wrong shape")
        return date.fromisoformat(value)
    except ValueError as error:
        raise ValueError(
            f"{TODAY_ENV}={value!r} is not a valid date; expected YYYY-MM-DD"
        ) from error
