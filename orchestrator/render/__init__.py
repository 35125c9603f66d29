"""Rendering: the markdown summaries from Jinja templates shipped (and precompiled) as package data."""
