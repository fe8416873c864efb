"""The support page's web server and the settings it shares with the Rasa server.

``python -m partnerdesk.web`` serves the page; see :mod:`partnerdesk.web.server`.
"""
