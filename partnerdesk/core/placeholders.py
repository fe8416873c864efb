"""``${NAME}`` placeholders in settings files, and reading them from the environment."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Any

_PLACEHOLDER = re.compile(r"\$\{([^}]+)\}")


def placeholders(value: Any) -> list[str]:
    """Names of the ``${NAME}`` placeholders anywhere in a channel's settings."""
    if isinstance(value, dict):
        return [name for item in value.values() for name in placeholders(item)]
    if isinstance(value, list):
        return [name for item in value for name in placeholders(item)]
    return _PLACEHOLDER.findall(value) if isinstance(value, str) else []


def resolve_placeholder(value: Any, env: Mapping[str, str] | None = None) -> str:
    """A setting that is exactly ``${NAME}``, read from the environment; else the setting.

    Rasa expands only unquoted placeholders; ``credentials.yml`` quotes them, so a
    channel reads them itself (unset gives ``""``). Anything but a string gives ``""``.
    """
    if not isinstance(value, str):
        return ""
    placeholder = _PLACEHOLDER.fullmatch(value.strip())
    if not placeholder:
        return value
    return (os.environ if env is None else env).get(placeholder.group(1), "")
