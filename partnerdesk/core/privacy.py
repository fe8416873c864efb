"""Mask what partners paste by mistake: e-mail addresses, product keys, ids and tokens.

:func:`mask` replaces each such string with a placeholder (``[email]``, ``[product-key]``,
``[id]``, ``[token]``) and leaves everything else alone: ordinary words, dates, links to
learn.microsoft.com and Korean text. The content-gap report masks every message it shows,
and :class:`MaskingFilter` masks every log record of the Rasa server and the action server
(installed by :mod:`partnerdesk.rasa_patches`).

What counts as token-like: a Slack token (``xoxb-…``, ``xoxp-…``, ``xoxa-…``), a JWT
(``eyJ….….…``), what follows ``Bearer`` (12 or more characters with a digit), and any
run of 20 or more ASCII letters, digits and underscores that holds both letters and
digits (API keys, secrets, hex digests).
Hyphens end such a run, so names like ``Windows-Server-2019-Datacenter`` stay readable.
"""

from __future__ import annotations

import logging
import re
from typing import List, Pattern, Tuple

_ASCII_WORD = "A-Za-z0-9_"
_NOT_BEFORE = rf"(?<![{_ASCII_WORD}])"
_NOT_AFTER = rf"(?![{_ASCII_WORD}])"

# (pattern, placeholder), applied in this order: e-mail addresses first, so that a long
# local part is not taken for a token; the generic token rule last.
_RULES: List[Tuple[Pattern[str], str]] = [
    (re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"), "[email]"),
    (re.compile(rf"{_NOT_BEFORE}eyJ[\w-]+\.[\w-]+\.[\w-]*", re.ASCII), "[token]"),
    (re.compile(rf"{_NOT_BEFORE}xox[abposr]-[A-Za-z0-9-]+"), "[token]"),
    (re.compile(r"(?i)(\bbearer\s+)(?=\S*\d)[A-Za-z0-9._~+/=-]{12,}"), r"\1[token]"),
    (
        re.compile(rf"(?i){_NOT_BEFORE}[A-Z0-9]{{5}}(?:-[A-Z0-9]{{5}}){{4}}{_NOT_AFTER}"),
        "[product-key]",
    ),
    (
        re.compile(
            rf"(?i){_NOT_BEFORE}[0-9a-f]{{8}}-[0-9a-f]{{4}}-[0-9a-f]{{4}}-[0-9a-f]{{4}}"
            rf"-[0-9a-f]{{12}}{_NOT_AFTER}"
        ),
        "[id]",
    ),
    (
        re.compile(
            rf"{_NOT_BEFORE}(?=[{_ASCII_WORD}]*[A-Za-z])(?=[{_ASCII_WORD}]*[0-9])"
            rf"[{_ASCII_WORD}]{{20,}}{_NOT_AFTER}"
        ),
        "[token]",
    ),
]


def mask(text: str) -> str:
    """``text`` with e-mail addresses, product keys, GUIDs and token-like strings masked."""
    for pattern, placeholder in _RULES:
        text = pattern.sub(placeholder, text)
    return text


class MaskingFilter(logging.Filter):
    """Masks a log record's message (and its traceback text) in place; never drops a record."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Replace the record's message by its masked rendering."""
        message = record.getMessage()
        masked = mask(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask(record.exc_text)
        if record.stack_info:
            record.stack_info = mask(record.stack_info)
        return True
