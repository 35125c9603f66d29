"""Developer scripts (schema and template generation); importable by the tests that keep their output fresh."""
