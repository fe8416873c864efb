"""The support page's web server (``python -m partnerdesk.web``): the web chat and agent pages."""
