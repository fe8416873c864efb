"""The pure core: policy rules, dates, knowledge, language and ranking helpers; no Rasa.

Everything here is plain, typed Python (pydantic, python-dateutil and PyYAML at most).
The Rasa server, the action server and the tools all call it; it calls none of them.
``tests/test_architecture.py`` enforces that.
"""
