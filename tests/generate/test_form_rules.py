"""The generated form rules and the domain agree with the one routing table."""

from partnerdesk.core.rule_routing import ROUTES
from partnerdesk.generate.form_rules import form_rules_data


def test_every_route_has_its_intent_form_slot_and_action_in_the_domain(domain_dict):
    for route in ROUTES:
        assert route.intent in domain_dict["intents"]
        assert route.date_slot in domain_dict["forms"][route.form]["required_slots"]
        assert route.answer_action in domain_dict["actions"]
    assert set(domain_dict["forms"]) == {route.form for route in ROUTES}


def test_each_form_gets_its_start_answer_faq_stop_and_feedback_rules():
    rules = form_rules_data()["rules"]
    assert len(rules) == 9 * len(ROUTES)
    for route in ROUTES:
        own = [rule for rule in rules if route.form in rule["rule"]]
        assert len(own) == 9
        assert own[0]["steps"][0] == {"intent": route.intent}
        assert own[1]["steps"][-1] == {"action": route.answer_action}
        assert {rule["steps"][0].get("intent") for rule in own[2:]} == {
            "faq",
            "faq_multi",
            "stop",
            "feedback",
            "not_helpful",
            "human_handoff",
        }
        # A 👎 or a typed complaint gets the recovery, a 👍 thanks; the form goes on.
        replies = {
            (rule["steps"][0]["intent"], str(rule["steps"][1])): rule["steps"][-3]
            for rule in own[2:]
            if rule["steps"][-1] == {"active_loop": route.form}
        }
        assert replies[("feedback", "{'slot_was_set': [{'helpful': 'no'}]}")] == {
            "action": "action_recover"
        }
        assert {"action": "action_recover"} in replies.values()
        assert {"action": "utter_feedback_thanks"} in replies.values()
