"""Where conversations, locks and Slack deliveries are kept: Rasa store subclasses and SQL access."""
