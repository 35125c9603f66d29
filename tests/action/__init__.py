"""Action shell tests: inputs, outputs, artifact upload, and the container end to end."""
