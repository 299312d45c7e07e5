"""Self-tests of the conformance suite."""
