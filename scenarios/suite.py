"""The runner's test module: every feature under features/ bound as pytest-bdd scenarios."""

from pytest_bdd import scenarios as bind_scenarios

from scenarios.catalogue import FEATURES_DIR

bind_scenarios(str(FEATURES_DIR))
