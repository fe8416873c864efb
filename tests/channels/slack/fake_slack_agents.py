"""The fake Slack Web API's methods for the agents' side: ``users.info``."""

from __future__ import annotations

from typing import Any, Dict

from tests.channels.slack.fake_slack import FakeSlack


def serve_users(fake: FakeSlack, names: Dict[str, str]) -> None:
    """Answer ``users.info`` for the users in ``names`` (user id -> display name)."""

    def users_info(args: Dict[str, Any]) -> Dict[str, Any]:
        user = args.get("user")
        if user not in names:
            return {"ok": False, "error": "user_not_found"}
        profile = {"display_name": names[user], "real_name": names[user]}
        return {"ok": True, "user": {"id": user, "real_name": names[user], "profile": profile}}

    fake.methods["users.info"] = users_info
