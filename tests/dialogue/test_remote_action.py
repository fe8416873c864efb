"""The apology for failing custom actions, against a real hanging HTTP server."""

import asyncio

import pytest
from aiohttp import web
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rasa.core.actions.action import ActionExecutionRejection
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, SlotSet
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from partnerdesk.core.paths import DOMAIN_PATH
from partnerdesk.dialogue.remote_action import ApologeticRemoteAction

DOMAIN = Domain.load(str(DOMAIN_PATH))


async def _serve(handler):
    app = web.Application()
    app.router.add_post("/webhook", handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    return runner, f"http://127.0.0.1:{port}/webhook"


async def _run(url, language="en"):
    tracker = DialogueStateTracker.from_events(
        "p", [SlotSet("language", language)], slots=DOMAIN.slots
    )
    action = ApologeticRemoteAction("action_answer_renewal", EndpointConfig(url))
    return await action.run(
        CollectingOutputChannel(),
        TemplatedNaturalLanguageGenerator(DOMAIN.responses),
        tracker,
        DOMAIN,
    )


@pytest.mark.parametrize(
    "language, expected",
    [("en", "Sorry, I can't work out dates"), ("ko", "지금은 날짜를 계산할 수 없습니다")],
)
async def test_hanging_action_server_gets_an_apology_after_the_timeout(
    monkeypatch, language, expected
):
    monkeypatch.setenv("PARTNERDESK_ACTION_TIMEOUT", "0.5")

    async def hang(request):
        await asyncio.sleep(30)

    runner, url = await _serve(hang)
    try:
        started = asyncio.get_running_loop().time()
        [event] = await _run(url, language)
        assert asyncio.get_running_loop().time() - started < 5
    finally:
        await runner.cleanup()
    assert isinstance(event, BotUttered) and expected in event.text


async def test_unreachable_action_server_gets_an_apology():
    [event] = await _run("http://127.0.0.1:9/webhook")
    assert "Sorry" in event.text


async def test_failing_action_gets_an_apology():
    async def fail(request):
        return web.Response(status=500, text="boom")

    runner, url = await _serve(fail)
    try:
        [event] = await _run(url)
    finally:
        await runner.cleanup()
    assert "Sorry" in event.text


async def test_rejections_still_reach_the_form_logic():
    async def reject(request):
        return web.json_response(
            {"action_name": "action_answer_renewal", "error": "no"}, status=400
        )

    runner, url = await _serve(reject)
    try:
        with pytest.raises(ActionExecutionRejection):
            await _run(url)
    finally:
        await runner.cleanup()


async def test_a_session_start_the_action_server_cannot_run_starts_as_rasa_does_keeping_a_pause():
    from rasa.shared.core.events import ActionExecuted, ConversationPaused, SessionStarted

    tracker = DialogueStateTracker.from_events(
        "p",
        [SlotSet("language", "ko"), SlotSet("handoff_reason", "asked"), ConversationPaused()],
        slots=DOMAIN.slots,
    )
    action = ApologeticRemoteAction("action_session_start", EndpointConfig("http://127.0.0.1:9/x"))
    events = await action.run(
        CollectingOutputChannel(),
        TemplatedNaturalLanguageGenerator(DOMAIN.responses),
        tracker,
        DOMAIN,
    )
    assert isinstance(events[0], SessionStarted)
    assert not [e for e in events if isinstance(e, BotUttered)]  # no apology
    assert [type(e) for e in events[-2:]] == [ConversationPaused, ActionExecuted]
    assert SlotSet("handoff_reason", "asked") in events


async def test_the_rasa_servers_hooks_run_around_an_action():
    from partnerdesk.dialogue import action_hooks

    async def answer(request):
        body = await request.json()
        seen.append(body["tracker"]["slots"].get("agents_online"))
        return web.json_response({"events": [{"event": "pause"}], "responses": []})

    async def before(tracker):
        return [SlotSet("agents_online", False)]

    async def after(tracker, events):
        afterwards.append([e.type_name for e in events])

    seen, afterwards = [], []
    action_hooks.register("action_answer_renewal", before=before, after=after)
    runner, url = await _serve(answer)
    try:
        events = await _run(url)
    finally:
        await runner.cleanup()
        action_hooks.clear()
    assert seen == [False]  # the action (and its responses) saw the slot
    assert events[0] == SlotSet("agents_online", False)
    assert afterwards == [["pause"]]


RESPONSES = [
    {"events": [], "responses": []},
    {
        "events": [{"event": "slot", "name": "language", "value": "ko"}],
        "responses": [{"text": "x"}],
    },
    {"events": [{"event": "slot", "timestamp": "not a number"}]},
    {"events": "not a list"},
    {"events": [{"no_event_key": 1}], "responses": [{"text": 3}]},
    {"responses": [{"template": "utter_x", "buttons": "no"}]},
]


@pytest.mark.parametrize("response", RESPONSES)
def test_responses_are_validated_as_rasa_validates_them(response):
    """The validator built once accepts and rejects what Rasa's ``validate`` call does,
    with the same error and message."""
    from jsonschema import ValidationError
    from rasa.core.actions.action import RemoteAction

    def outcome(action):
        try:
            return action._validate_action_result(response)
        except ValidationError as error:
            return (error.message, list(error.path), list(error.schema_path))

    endpoint = EndpointConfig("http://127.0.0.1:1/webhook")
    ours = outcome(ApologeticRemoteAction("action_x", endpoint))
    assert ours == outcome(RemoteAction("action_x", endpoint))


EVENT_NAMES = [
    *("user", "action", "slot", "bot", "session_started", "active_loop", "followup"),
    *("reminder", "entities", "restart", "pause", "resume", "undo", "not_an_event"),
]
SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=5)
)
FIELDS = [
    *("name", "value", "text", "timestamp", "policy", "confidence", "metadata", "data"),
    *("parse_data", "intent", "entities", "date_time", "kill_on_user_msg"),
]
ANY_VALUE = st.one_of(
    SCALARS,
    st.dictionaries(st.text(max_size=3), SCALARS, max_size=2),
    st.lists(SCALARS, max_size=2),
)
EVENTS = st.fixed_dictionaries(
    {"event": st.sampled_from(EVENT_NAMES)}, optional={field: ANY_VALUE for field in FIELDS}
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    events=st.lists(st.one_of(EVENTS, SCALARS), max_size=4),
    responses=st.one_of(st.none(), st.lists(st.dictionaries(st.text(max_size=4), SCALARS))),
)
def test_random_responses_are_judged_as_rasa_judges_them(events, responses):
    """Each event checked against its own event schema: the same verdict and error as Rasa's
    ``oneOf`` over all of them, on random events of every kind, valid or not."""
    response = {"events": events, **({} if responses is None else {"responses": responses})}
    test_responses_are_validated_as_rasa_validates_them(response)
