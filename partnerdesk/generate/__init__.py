"""Generators of data/: the FAQ knowledge file and responses, and the form rules."""
