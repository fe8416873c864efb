"""Where conversations, locks and Slack deliveries are kept: Rasa's stores, subclassed; SQL."""
