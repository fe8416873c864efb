import pytest
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SlotSet, UserUttered
from rasa.shared.utils.common import all_subclasses

from partnerdesk import event_types


@pytest.fixture(autouse=True)
def memoised():
    original = Event.__dict__["resolve_by_type"]
    event_types.install()
    yield
    Event.resolve_by_type = original


def test_every_event_type_resolves_to_the_same_class_as_rasa():
    # Rasa takes the first subclass with the name (e.g. UserUttered before test-only
    # subclasses that reuse "user"); the memo must agree, the first time and from memory.
    for cls in all_subclasses(Event):
        rasa_choice = event_types._original_resolve_by_type(cls.type_name)
        assert Event.resolve_by_type(cls.type_name) is rasa_choice
        assert Event.resolve_by_type(cls.type_name) is rasa_choice
    assert Event.resolve_by_type("user") is UserUttered


def test_unknown_type_names_behave_as_in_rasa():
    with pytest.raises(ValueError, match="Unknown event name"):
        Event.resolve_by_type("no_such_event")
    assert Event.resolve_by_type("no_such_event", default=UserUttered) is UserUttered
    assert Event.resolve_by_type("topic") is None
    assert "no_such_event" not in event_types._resolved


def test_a_tracker_round_trips_through_deserialisation():
    events = [UserUttered("hi", {"name": "greet"}), ActionExecuted("utter_greet"),
              BotUttered("hello"), SlotSet("language", "ko")]
    restored = [Event.from_parameters(e.as_dict()) for e in events]
    assert restored == events
