from rasa_sdk.executor import ActionExecutor


def test_action_server_registers_exactly_the_domains_custom_actions(domain_dict):
    executor = ActionExecutor()
    executor.register_package("actions")
    assert set(executor.actions) == set(domain_dict["actions"])
