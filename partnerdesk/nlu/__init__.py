"""Custom NLU components of PartnerDesk."""
