"""The pure core: evidence, gates, registry rules and edits, apply planning, fleet-status derivation.

No files, network, environment, clock or logging here (ruff TID251 and import-linter enforce it):
time and text come in as arguments, decisions and new texts go out as values.
"""
