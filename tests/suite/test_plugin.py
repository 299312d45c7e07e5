"""The pytest plugin: inert without --handover-sut, and usable from a team's own directory."""

from __future__ import annotations

import pytest

pytest_plugins = ["pytester"]

TEAM_FEATURE = '''
Feature: Our own handover check
  @TEAM-001 @HOP-CLOSE-PASSBACK @secondary
  Scenario: Our agents hand conversations back to the bot
    Given a user "Olga"
    And Olga has been handed over to the contact centre
    When the agent closes Olga's conversation and passes it back to the bot
    Then the contact centre passes control of Olga's conversation to the bot
    And the bot owns Olga's conversation
'''

TEAM_TEST = '''
from pytest_bdd import scenarios

scenarios("team.feature")
'''


def test_plugin_is_inert_without_the_option(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_plain="def test_ok():\n    assert True\n")
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1)


@pytest.mark.integration
def test_team_feature_reuses_our_steps_from_another_directory(pytester: pytest.Pytester) -> None:
    pytester.makefile(".feature", team=TEAM_FEATURE)
    pytester.makepyfile(test_team=TEAM_TEST)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--handover-sut=reference",
                                           "--handover-mode=hop_v2", "--handover-results=out/results.json")
    result.assert_outcomes(passed=1)
    results = (pytester.path / "out" / "results.json").read_text()
    assert '"verdict": "PASS"' in results and "TEAM-001" in results
