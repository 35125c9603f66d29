"""The fleet registry: its contract, its validation, its normalized view and its edits.

``schema`` holds the JSON Schema as typed dicts, ``rules`` the reference validator's cross-field
rules, ``messages`` every violation in the reference's words with our detail, ``document``
parsing and reading the document, ``edit`` editing its text in place, ``view`` the normalized
view. Callers import the module they need, so reading a rollout point does not pay for building
the schema.
"""
