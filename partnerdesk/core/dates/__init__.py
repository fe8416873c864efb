"""Dates in partners' text: reading them (English and Korean) and writing them per language."""

from partnerdesk.core.dates.reading import ParsedDate, find_date, parse_date
from partnerdesk.core.dates.writing import DateStyle, format_date

__all__ = ["DateStyle", "ParsedDate", "find_date", "format_date", "parse_date"]
