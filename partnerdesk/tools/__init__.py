"""Command-line tools for operators and developers: model build, credentials, pruning, NLU evaluation."""
