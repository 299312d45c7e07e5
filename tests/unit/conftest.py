"""Domain fixtures: a platform with a bot (Primary), a contact centre (Secondary) and the Inbox."""

from __future__ import annotations

import pytest

from simulator.domain.clock import VirtualClock
from simulator.domain.model import App, Mode, PageSettings, Role, User
from simulator.domain.platform import Platform

BOT, CC, INBOX = "640000000000001", "256859710996832", "263902037430900"
MODES = [m.value for m in Mode]


class World:
    """A platform plus what it emitted and journaled, for one-behaviour tests."""

    def __init__(self, mode: str, **settings: object) -> None:
        self.clock = VirtualClock(frozen=True)
        self.notes: list = []
        self.records: list = []
        page = PageSettings(mode=Mode(mode), default_app_id=BOT if mode == "conversation_routing" else None)
        for key, value in settings.items():
            setattr(page, key, value)
        self.platform = Platform(page, self.clock, emit=self.notes.extend,
                                 record=lambda kind, **fields: self.records.append((kind, fields)))
        self.bot = self.platform.add_app(App(BOT, "Bot", "bot-secret", "BOT", role=Role.PRIMARY))
        self.cc = self.platform.add_app(App(CC, "CC", "cc-secret", "CC", role=Role.SECONDARY))
        self.inbox = self.platform.apps[INBOX]
        self.psid = "1234567890123456"
        self.platform.add_user(User(self.psid, "Anna", "Nowak"))

    def owner(self) -> str | None:
        return self.platform.thread(self.psid).owner_app_id

    def take_notes(self) -> list[tuple[str, str, str]]:
        taken = [(n.app_id, n.channel, n.event_type) for n in self.notes]
        self.notes.clear()
        return taken

    def text(self, app: App, text: str = "hello", **extra: object) -> dict:
        return self.platform.send(app, {"recipient": {"id": self.psid}, "message": {"text": text}, **extra})


@pytest.fixture(params=MODES)
def world(request: pytest.FixtureRequest) -> World:
    return World(request.param)


@pytest.fixture
def make_world():
    return World
