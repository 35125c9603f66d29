"""The process's own inputs, the clock and environment variables, read only by the shells and passed inward."""
