"""The Rasa server's dialogue pieces that are neither channels nor stores."""
