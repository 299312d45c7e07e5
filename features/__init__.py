"""The conformance features (Gherkin) and the rule catalogue, shipped as package data."""
