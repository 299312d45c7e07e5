"""The messaging window and tags (spec §5) on the virtual clock."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from simulator.domain import errors
from simulator.domain.window import check_window

HOUR = 3600 * 1000
NOW = int(datetime(2026, 11, 23, tzinfo=timezone.utc).timestamp() * 1000)
BEFORE_DEPRECATION = int(datetime(2026, 1, 1, tzinfo=timezone.utc).timestamp() * 1000)

CASES = [
    # hours since the user's last message, messaging_type, tag, expected error (None = allowed)
    (1, "RESPONSE", None, None),
    (23.9, "UPDATE", None, None),
    (24.1, "RESPONSE", None, errors.OutsideWindow),
    (None, "RESPONSE", None, errors.OutsideWindow),
    (24.1, "MESSAGE_TAG", "HUMAN_AGENT", None),
    (24 * 7 - 0.1, "MESSAGE_TAG", "HUMAN_AGENT", None),
    (24 * 7 + 0.1, "MESSAGE_TAG", "HUMAN_AGENT", errors.OutsideWindow),
    (30, "MESSAGE_TAG", "ACCOUNT_UPDATE", errors.DeprecatedTag),
    (30, "MESSAGE_TAG", "POST_PURCHASE_UPDATE", errors.DeprecatedTag),
    (30, "MESSAGE_TAG", "NOT_A_TAG", errors.InvalidParameter),
    (1, "RESPONSE", "HUMAN_AGENT", errors.InvalidParameter),
]


@pytest.mark.parametrize("hours,messaging_type,tag,error", CASES)
def test_window(hours, messaging_type, tag, error):
    last = None if hours is None else NOW - int(hours * HOUR)
    if error is None:
        check_window(now_ms=NOW, last_input_ms=last, messaging_type=messaging_type, tag=tag)
    else:
        with pytest.raises(error):
            check_window(now_ms=NOW, last_input_ms=last, messaging_type=messaging_type, tag=tag)


def test_deprecated_tag_still_worked_before_2026_04_27():
    check_window(now_ms=BEFORE_DEPRECATION, last_input_ms=BEFORE_DEPRECATION - 30 * HOUR,
                 messaging_type="MESSAGE_TAG", tag="ACCOUNT_UPDATE")


def test_outside_window_error_is_10_2018278():
    error = errors.OutsideWindow()
    envelope = error.envelope()["error"]
    assert (envelope["code"], envelope["error_subcode"], error.status) == (10, 2018278, 400)


def test_send_api_window_on_the_virtual_clock(make_world):
    w = make_world("legacy_hop")
    w.platform.user_message(w.psid, text="hi")
    w.clock.advance(25 * 3600)
    with pytest.raises(errors.OutsideWindow):
        w.text(w.cc, "late", messaging_type="RESPONSE")
    assert w.text(w.cc, "late", messaging_type="MESSAGE_TAG", tag="HUMAN_AGENT")["message_id"]
