"""DeliveryPolicy defaults, round trip and validation messages."""

from __future__ import annotations

import pytest

from simulator.webhooks.policy import DeliveryPolicy


def test_defaults_follow_meta() -> None:
    policy = DeliveryPolicy()
    assert policy.to_dict() == {
        "timeout_s": 5.0, "immediate_retries": 2, "backoff_s": [15.0, 60.0, 300.0, 900.0, 1800.0],
        "duplicate": False, "batch": 1, "reorder": False, "gather_s": 0.2, "alert_after_s": 900.0,
        "unsubscribe_after_s": 3600.0, "app_id_type": "meta", "app_id_fields": {}}


def test_round_trip_through_dict() -> None:
    policy = DeliveryPolicy(timeout_s=0.5, batch=10, app_id_type="number", unsubscribe_after_s=None)
    assert DeliveryPolicy.from_dict(policy.to_dict()) == policy


def test_update_applies_and_returns_self() -> None:
    policy = DeliveryPolicy()
    assert policy.update(duplicate=True, backoff_s=[1, 2]) is policy
    assert policy.duplicate is True and policy.backoff_s == [1.0, 2.0]


BAD = [
    ({"timeout_s": 0}, "timeout_s must be > 0"),
    ({"timeout_s": "5"}, "timeout_s must be a number"),
    ({"immediate_retries": -1}, "immediate_retries must be between 0 and 10"),
    ({"immediate_retries": True}, "immediate_retries must be an integer"),
    ({"backoff_s": 15}, "backoff_s must be a list"),
    ({"backoff_s": [15, -1]}, "backoff_s[1] must be > 0"),
    ({"duplicate": 1}, "duplicate must be true or false"),
    ({"batch": 0}, "batch must be between 1 and 1000"),
    ({"alert_after_s": 0}, "alert_after_s must be > 0"),
    ({"app_id_type": "int"}, "app_id_type must be one of meta, string, number"),
    ({"app_id_fields": {"owner": "string"}}, "app_id_fields: unknown field 'owner'"),
    ({"app_id_fields": {"new_owner_app_id": "int"}}, "app_id_fields['new_owner_app_id'] must be"),
    ({"retries": 3}, "unknown delivery policy field(s) retries"),
]


@pytest.mark.parametrize("changes, message", BAD, ids=[m.split(" ")[0] for _, m in BAD])
def test_bad_values_are_refused_with_a_clear_message(changes: dict, message: str) -> None:
    policy = DeliveryPolicy()
    before = policy.to_dict()
    with pytest.raises(ValueError) as info:
        policy.update(**changes)
    assert message in str(info.value)
    assert policy.to_dict() == before


def test_a_bad_value_in_a_batch_of_changes_changes_nothing() -> None:
    policy = DeliveryPolicy()
    with pytest.raises(ValueError):
        policy.update(duplicate=True, batch=0)
    assert policy.duplicate is False


def test_constructor_validates_too() -> None:
    with pytest.raises(ValueError, match="batch"):
        DeliveryPolicy(batch=5000)
