"""Handoffs to a person: records, the partner's and the agents' sides, on the Rasa server."""
