"""Reading the predicted intent from parse data, live or stored."""

from partnerdesk.core.ranking import intent_name


def test_the_intent_name_of_parse_data():
    assert intent_name({"intent": {"name": "faq", "confidence": 0.9}}) == "faq"
    assert intent_name({"intent": {"name": ""}}) is None
    assert intent_name({}) is None


def test_stored_parse_data_of_another_shape_has_no_intent():
    # Insights and the Inbox read events stored by any version; a string intent is no name.
    assert intent_name({"intent": "faq"}) is None
    assert intent_name({"intent": ["faq"]}) is None
