"""The fake Messenger user: a PSID and a believable profile from Faker, in the user's locale."""

from __future__ import annotations

import threading
from typing import Any

from faker import Faker

from simulator.domain.ids import new_psid
from simulator.domain.model import User

SUPPORTED_LOCALES = ("en_US", "pl_PL", "ru_RU", "pt_BR", "de_DE", "fr_FR", "es_ES", "it_IT", "uk_UA")
_fakers: dict[str, Faker] = {}
_lock = threading.Lock()


def _faker(locale: str) -> Faker:
    with _lock:
        if locale not in _fakers:
            _fakers[locale] = Faker(locale)
        return _fakers[locale]


def make_user(locale: str | None = None, **overrides: Any) -> User:
    """A new user; `overrides` may fix first_name, last_name, psid, timezone, gender, phone_only."""
    locale = locale or "en_US"
    if locale not in SUPPORTED_LOCALES:
        raise ValueError(f"locale must be one of {', '.join(SUPPORTED_LOCALES)}")
    allowed = {"first_name", "last_name", "psid", "timezone", "gender", "phone_only"}
    unknown = set(overrides) - allowed
    if unknown:
        raise ValueError(f"unknown user fields: {sorted(unknown)}")
    fake = _faker(locale)
    gender = overrides.get("gender") or fake.random_element(("male", "female"))
    first = overrides.get("first_name") or (fake.first_name_male() if gender == "male" else fake.first_name_female())
    last = overrides.get("last_name") or fake.last_name()
    psid = str(overrides.get("psid") or new_psid())
    if not psid.isdigit():
        raise ValueError("psid must be numeric")
    return User(psid=psid, first_name=first, last_name=last, locale=locale,
                timezone=int(overrides.get("timezone", 0)), gender=gender,
                profile_pic=f"https://platform-lookaside.fbsbx.com/platform/profilepic/?psid={psid}&height=50&width=50",
                phone_only=bool(overrides.get("phone_only", False)))
