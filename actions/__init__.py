"""PartnerDesk action server: thin glue between Rasa and the rules module."""
