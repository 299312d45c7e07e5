"""Opening hours written as "mon-fri 08:00-18:00" (UTC): parsed once for the reference contact
centre's out-of-hours reply and for the steps that move the clock outside those hours."""

from __future__ import annotations

from datetime import datetime, timedelta

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def parse_business_hours(text: str) -> tuple[set[int], int, int]:
    """`"mon-fri 08:00-18:00"` or `"08:00-18:00"` -> (weekday numbers, start minute, end minute)."""
    parts = text.strip().lower().split()
    days = set(range(7))
    if len(parts) == 2:
        days = set()
        for chunk in parts[0].split(","):
            first, _, last = chunk.partition("-")
            a, b = DAYS.index(first), DAYS.index(last or first)
            days.update(range(a, b + 1) if a <= b else [*range(a, 7), *range(0, b + 1)])
    elif len(parts) != 1:
        raise ValueError(f"business hours must look like 'mon-fri 08:00-18:00', not {text!r}")
    start_s, _, end_s = parts[-1].partition("-")

    def minutes(value: str) -> int:
        hours, _, mins = value.partition(":")
        return int(hours) * 60 + int(mins or 0)

    return days, minutes(start_s), minutes(end_s)


def is_open(hours: str, moment: datetime) -> bool:
    days, opens, closes = parse_business_hours(hours)
    minute = moment.hour * 60 + moment.minute
    return moment.weekday() in days and opens <= minute < closes


def outside_hours(hours: str, start: datetime) -> datetime:
    """The first whole hour after `start` outside `hours`."""
    moment = start.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    for _ in range(24 * 8):
        if not is_open(hours, moment):
            return moment
        moment += timedelta(hours=1)
    raise ValueError(f"no time outside the opening hours {hours!r}")
