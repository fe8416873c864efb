"""A fake Slack Web API on loopback that records what the bot posts.

It answers ``chat.postMessage`` like Slack does for a new Slack app's bot token:
the token must match, ``channel`` and ``text`` or ``blocks`` are required, and
``as_user`` is refused with ``invalid_arguments``. ``auth.test`` answers with the
bot's user id. ``chat.scheduleMessage`` (issue 15's reminders) is answered like Slack:
``channel``, ``text`` and an integer ``post_at`` at most 120 days ahead of the real clock
(times in the past are accepted: the suite runs under ``PARTNERDESK_TODAY``);
``schedule_error`` makes it refuse. Any other method gets ``unknown_method``.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, List, Optional
from urllib.parse import parse_qsl, urlsplit

SLACK_MAX_SCHEDULE_S = 120 * 24 * 3600
BOT_USER_ID = "UPARTNERBOT"
BOT_ID = "BPARTNERBOT"


@dataclass
class Post:
    """One accepted ``chat.postMessage`` call."""

    channel: str
    text: str
    thread_ts: Optional[str]
    blocks: Optional[List[Dict[str, Any]]]
    ts: str
    username: Optional[str] = None


@dataclass
class ScheduledMessage:
    """One accepted ``chat.scheduleMessage`` call."""

    channel: str
    text: str
    post_at: int
    thread_ts: Optional[str]
    scheduled_message_id: str


class FakeSlack:
    """The fake Web API: start it, point ``SLACK_API_URL`` at ``api_url``, read ``posts``."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.posts: List[Post] = []
        self.scheduled: List[ScheduledMessage] = []
        self.schedule_error: Optional[str] = None
        self.post_delay_s = 0.0
        # More Web API methods, answered by functions: name -> f(args) -> answer.
        self.methods: Dict[str, Callable[[Dict[str, Any]], Dict[str, Any]]] = {}
        self._changed = threading.Condition()
        self._ts = itertools.count(1)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def api_url(self) -> str:
        """The Web API base URL, as ``SLACK_API_URL`` expects it."""
        return f"http://127.0.0.1:{self._server.server_port}/api/"

    def start(self) -> "FakeSlack":
        """Serve in a background thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        self._server.shutdown()
        self._server.server_close()

    def posts_in(self, channel: str, thread_ts: Optional[str] = None) -> List[Post]:
        """The posts so far in ``channel`` (and in ``thread_ts``, if given)."""
        with self._changed:
            return [
                p
                for p in self.posts
                if p.channel == channel and (thread_ts is None or p.thread_ts == thread_ts)
            ]

    def wait_for_posts_in(
        self, channel: str, thread_ts: str, count: int = 1, timeout_s: float = 30
    ) -> List[Post]:
        """Wait for ``count`` posts in the thread and return them; fail after ``timeout_s``."""
        deadline = time.monotonic() + timeout_s
        with self._changed:
            while len(self.posts_in(channel, thread_ts)) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"no {count} posts in {channel}/{thread_ts}: {self.posts}")
                self._changed.wait(left)
            return self.posts_in(channel, thread_ts)

    def _record(self, post: Post) -> None:
        with self._changed:
            self.posts.append(post)
            self._changed.notify_all()

    def _call(self, method: str, authorization: str, args: Dict[str, Any]) -> Dict[str, Any]:
        """Slack's answer to one Web API call."""
        if authorization != f"Bearer {self.token}":
            return {"ok": False, "error": "invalid_auth"}
        if method == "auth.test":
            return {"ok": True, "user_id": BOT_USER_ID, "bot_id": BOT_ID, "team_id": "TTEST"}
        if method in self.methods:
            return self.methods[method](args)
        if method == "chat.scheduleMessage":
            return self._schedule(args)
        if method != "chat.postMessage":
            return {"ok": False, "error": "unknown_method"}
        if "as_user" in args:
            return {"ok": False, "error": "invalid_arguments"}
        if not args.get("channel"):
            return {"ok": False, "error": "channel_not_found"}
        if not (args.get("text") or args.get("blocks")):
            return {"ok": False, "error": "no_text"}
        time.sleep(self.post_delay_s)
        ts = f"{time.time():.0f}.{next(self._ts):06d}"
        blocks = args.get("blocks")
        post = Post(
            channel=args["channel"],
            text=args.get("text", ""),
            thread_ts=args.get("thread_ts"),
            blocks=json.loads(blocks) if isinstance(blocks, str) else blocks,
            ts=ts,
            username=args.get("username"),
        )
        self._record(post)
        message = {"type": "message", "bot_id": BOT_ID, "text": post.text, "ts": ts}
        if post.thread_ts:
            message["thread_ts"] = post.thread_ts
        return {"ok": True, "channel": post.channel, "ts": ts, "message": message}

    def _schedule(self, args: Dict[str, Any]) -> Dict[str, Any]:
        """``chat.scheduleMessage``: checked as Slack does (but a past time is fine)."""
        if self.schedule_error:
            return {"ok": False, "error": self.schedule_error}
        if not args.get("channel"):
            return {"ok": False, "error": "channel_not_found"}
        if not args.get("text"):
            return {"ok": False, "error": "no_text"}
        try:
            post_at = int(args.get("post_at"))
        except (TypeError, ValueError):
            return {"ok": False, "error": "invalid_time"}
        if post_at > time.time() + SLACK_MAX_SCHEDULE_S:
            return {"ok": False, "error": "time_too_far"}
        scheduled = ScheduledMessage(
            channel=args["channel"],
            text=args["text"],
            post_at=post_at,
            thread_ts=args.get("thread_ts"),
            scheduled_message_id=f"Q{next(self._ts):08d}",
        )
        with self._changed:
            self.scheduled.append(scheduled)
            self._changed.notify_all()
        return {
            "ok": True,
            "channel": scheduled.channel,
            "scheduled_message_id": scheduled.scheduled_message_id,
            "post_at": post_at,
        }

    def scheduled_in(self, channel: str) -> List[ScheduledMessage]:
        """The messages scheduled so far in ``channel``."""
        with self._changed:
            return [m for m in self.scheduled if m.channel == channel]

    def _handler_class(self) -> type:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.headers.get("Content-Type", "").startswith("application/json"):
                    args = json.loads(body or b"{}")
                else:
                    args = dict(parse_qsl(body.decode()))
                method = self.path.removeprefix("/api/")
                self._answer(fake._call(method, self.headers.get("Authorization", ""), args))

            def do_GET(self) -> None:  # slack_sdk reads with GET (users.info)
                url = urlsplit(self.path)
                args = dict(parse_qsl(url.query))
                method = url.path.removeprefix("/api/")
                self._answer(fake._call(method, self.headers.get("Authorization", ""), args))

            def _answer(self, answer: Dict[str, Any]) -> None:
                data = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *_: Any) -> None:
                pass

        return Handler
