"""PartnerDesk: bilingual MPN benefits FAQ assistant on Rasa 3.6."""
