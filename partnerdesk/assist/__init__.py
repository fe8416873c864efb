"""The reply assistant: ranked draft replies to a partner's message, for support agents.

``suggest.suggest`` is the core (used by the HTTP channel and the Slack slash command),
``models`` the request and response, ``cli`` the ``partnerdesk suggest`` command.
Nothing heavy is imported here.
"""
