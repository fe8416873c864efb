from partnerdesk.core.placeholders import placeholders, resolve_placeholder


def test_placeholders_are_found_anywhere_in_settings():
    settings = {"a": ["${ONE}", {"b": "x-${TWO}"}], "c": 3, "d": None}
    assert placeholders(settings) == ["ONE", "TWO"]


def test_a_quoted_placeholder_is_read_from_the_environment():
    env = {"SLACK_BOT_TOKEN": "xoxb-1"}
    assert resolve_placeholder("${SLACK_BOT_TOKEN}", env) == "xoxb-1"
    assert resolve_placeholder(" ${SLACK_BOT_TOKEN} ", env) == "xoxb-1"
    assert resolve_placeholder("${SLACK_SIGNING_SECRET}", env) == ""
    assert resolve_placeholder("plain-value", env) == "plain-value"
    assert resolve_placeholder("x-${SLACK_BOT_TOKEN}", env) == "x-${SLACK_BOT_TOKEN}"
    assert resolve_placeholder(None, env) == ""
