"""Use cases: each reads through the store, decides in the core, writes through the store, returns what it made."""
