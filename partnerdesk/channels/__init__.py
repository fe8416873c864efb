"""Rasa input channels: the Rasa server's entry points (REST, socket.io, Slack, assist, health).

Open-source Rasa loads no plugins, so each channel's ``from_credentials`` applies
:mod:`partnerdesk.rasa_patches` (once per process) when the server starts.
"""
