"""A bare engine.io v4 long-polling client, to send socket.io servers exactly what a test wants."""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Tuple, Union

import requests

from tests.fuzz.conftest import REQUEST_TIMEOUT_S

SEPARATOR = "\x1e"


class PollingSession:
    """One engine.io session on ``/socket.io/``, connected to the default namespace."""

    def __init__(self, base_url: str) -> None:
        self.endpoint = f"{base_url}/socket.io/"
        self.sid: Optional[str] = None

    def params(self, **extra: str) -> Dict[str, str]:
        """The query of this session's requests."""
        params = {"EIO": "4", "transport": "polling", **extra}
        if self.sid:
            params["sid"] = self.sid
        return params

    def open(self) -> "PollingSession":
        """Open the engine.io session and connect to socket.io's default namespace."""
        reply = requests.get(self.endpoint, params=self.params(), timeout=REQUEST_TIMEOUT_S)
        assert reply.status_code == 200 and reply.text.startswith("0"), reply.text
        self.sid = json.loads(reply.text[1:])["sid"]
        assert self.post("40").status_code == 200
        assert self.poll()[0].startswith("40"), "no socket.io CONNECT answer"
        return self

    def post(
        self, body: Union[str, bytes], content_type: str = "text/plain;charset=UTF-8"
    ) -> requests.Response:
        """POST ``body`` as this session's payload."""
        data = body.encode() if isinstance(body, str) else body
        headers = {"Content-Type": content_type} if content_type else {}
        return requests.post(
            self.endpoint,
            params=self.params(),
            data=data,
            headers=headers,
            timeout=REQUEST_TIMEOUT_S,
        )

    def poll(self) -> List[str]:
        """The packets the server has for this session (waits up to engine.io's ping)."""
        reply = requests.get(self.endpoint, params=self.params(), timeout=REQUEST_TIMEOUT_S)
        assert reply.status_code == 200, (reply.status_code, reply.text)
        return reply.text.split(SEPARATOR)

    def emit(self, event: str, *args: Any) -> requests.Response:
        """Send a socket.io EVENT."""
        return self.post("42" + json.dumps([event, *args]))

    def next_events(self, max_polls: int = 3) -> List[Tuple[str, List[Any]]]:
        """The socket.io events of the next poll that brings any (pings are answered)."""
        for _ in range(max_polls):
            events = []
            for packet in self.poll():
                if packet.startswith("42"):
                    name, *args = json.loads(packet[2:])
                    events.append((name, args))
                elif packet == "2":
                    self.post("3")
            if events:
                return events
        raise AssertionError("no event from the server")

    def close(self) -> None:
        """Close the engine.io session."""
        self.post("1")
