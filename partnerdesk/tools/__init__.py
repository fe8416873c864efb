"""Command-line tools for operators and developers: model build, credentials, prune, NLU eval."""
