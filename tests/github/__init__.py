"""GitHub adapter tests, against the in-test fake GitHub."""
