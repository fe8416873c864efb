"""Checks of what socket.io clients send, before python-engineio and Rasa act on it.

python-engineio 4.7 and Rasa's socket.io handlers trust their input. Fuzzed, they
answer a POST without ``sid`` with a 500, leave a POST with an oversized or
undecodable payload hanging (the session is closed and the POST waits for a poll
to take the close packet), log tracebacks for packets they cannot decode, and
crash in the event handlers on data of the wrong shape (the client hears nothing).
These functions say what is wrong, or return None when the input is fine.
"""

from __future__ import annotations

import json
from typing import Any, Dict, Optional, Tuple

import engineio.packet
import engineio.payload
import socketio.packet

from partnerdesk.channels.rest import MAX_MESSAGE_CHARS, MAX_SENDER_CHARS

# engine.io packets a polling client may send (others make python-engineio close the session).
_CLIENT_EIO_PACKETS = {
    engineio.packet.CLOSE,
    engineio.packet.PONG,
    engineio.packet.MESSAGE,
    engineio.packet.UPGRADE,
}
# socket.io packets PartnerDesk takes: text only, no binary events.
_CLIENT_SIO_PACKETS = {
    socketio.packet.CONNECT,
    socketio.packet.DISCONNECT,
    socketio.packet.EVENT,
    socketio.packet.ACK,
}
# What a parser may raise on input it cannot read (RecursionError: deeply nested JSON).
_UNREADABLE = (ValueError, LookupError, TypeError, RecursionError)


def _socketio_packet_error(data: Any) -> Optional[str]:
    if not isinstance(data, str):
        return "Binary messages are not accepted."
    try:
        packet = socketio.packet.Packet(encoded_packet=data)
    except _UNREADABLE:
        return "A socket.io packet cannot be decoded."
    if packet.packet_type not in _CLIENT_SIO_PACKETS:
        return "Only CONNECT, DISCONNECT, EVENT and ACK socket.io packets are accepted."
    if packet.packet_type == socketio.packet.EVENT and not (
        isinstance(packet.data, list) and packet.data and isinstance(packet.data[0], str)
    ):
        return "An event must be a JSON array starting with the event name."
    return None


def polling_post_error(body: bytes, max_bytes: int) -> Optional[Tuple[int, str]]:
    """``(status, message)`` if a long-polling POST body must be refused, else None."""
    if len(body) > max_bytes:
        return 413, f"The body is larger than {max_bytes} bytes."
    try:
        payload = engineio.payload.Payload(encoded_payload=body.decode("utf-8"))
    except UnicodeDecodeError:
        return 400, "The body must be UTF-8."
    except _UNREADABLE:
        return 400, "The body is not an engine.io payload."
    for packet in payload.packets:
        if packet.packet_type not in _CLIENT_EIO_PACKETS:
            return 400, "Only MESSAGE, PONG, UPGRADE and CLOSE engine.io packets are accepted."
        if packet.packet_type == engineio.packet.MESSAGE:
            problem = _socketio_packet_error(packet.data)
            if problem:
                return 400, problem
    return None


def session_request_error(args: Tuple[Any, ...]) -> Optional[str]:
    """What is wrong with a ``session_request`` event's arguments, or None."""
    data = args[0] if args else None
    if data is None:
        return None if len(args) <= 1 else "session_request takes one argument."
    if len(args) != 1 or not isinstance(data, dict):
        return 'session_request takes one object: {"session_id": "..." or null}.'
    session_id = data.get("session_id")
    if session_id is not None and not _valid_session_id(session_id):
        return f'"session_id" must be a string of 1 to {MAX_SENDER_CHARS} characters or null.'
    return None


def user_message(
    args: Tuple[Any, ...], metadata_key: str, needs_session_id: bool
) -> Tuple[Optional[Dict[str, Any]], Optional[str]]:
    """A user message event's data, with JSON-text metadata parsed, or what is wrong with it."""
    data = args[0] if len(args) == 1 else None
    if not isinstance(data, dict):
        return None, 'A message is one object: {"message": "...", "session_id": "..."}.'
    if needs_session_id and not _valid_session_id(data.get("session_id")):
        return None, f'"session_id" must be a string of 1 to {MAX_SENDER_CHARS} characters.'
    message = data.get("message")
    if not isinstance(message, str) or len(message) > MAX_MESSAGE_CHARS:
        return None, f'"message" must be a string of at most {MAX_MESSAGE_CHARS} characters.'
    metadata = data.get(metadata_key)
    if isinstance(metadata, str):
        try:
            metadata = json.loads(metadata)
        except _UNREADABLE:
            metadata = None
        if not isinstance(metadata, dict):
            return None, f'"{metadata_key}" must be an object (or its JSON text).'
    elif metadata is not None and not isinstance(metadata, dict):
        return None, f'"{metadata_key}" must be an object (or its JSON text).'
    return {**data, metadata_key: metadata or {}}, None


def _valid_session_id(value: Any) -> bool:
    return isinstance(value, str) and 0 < len(value) <= MAX_SENDER_CHARS
