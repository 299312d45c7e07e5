"""`--sut manual`: a person performs the agent's actions when prompted in the terminal."""

from __future__ import annotations

import os
import sys
from typing import Any

from scenarios.sut.base import SutConfig
from scenarios.sut.http import HttpHooksAdapter

PROMPTS = {
    "reply": "As the agent, reply {text!r} to the user {psid}",
    "assign": "Assign the conversation of {psid} to the agent {agent!r}",
    "close": "Close the conversation of {psid} ({how})",
    "pass_to_bot": "Pass the conversation of {psid} to the bot",
    "take": "Take the conversation of {psid} from the bot",
}


def interactive() -> bool:
    """A person can answer: stdin is a terminal and no CI environment is declared."""
    return sys.stdin is not None and sys.stdin.isatty() and not os.environ.get("CI")


class ManualAdapter(HttpHooksAdapter):
    """No hooks: agent actions are prompts; without a terminal (CI) they are NOT_APPLICABLE."""

    name = "manual"
    settle_s = 2.0  # a person and a vendor system: give them time before negative checks
    wait_s = 120.0

    def __init__(self, *, role: str | None = None, config: SutConfig | None = None) -> None:
        super().__init__(None, role=role, config=config)

    def capabilities(self) -> set[str]:
        return set(PROMPTS) if interactive() else set()

    def not_applicable_reason(self) -> str:
        return "manual SUT: no terminal to prompt a person (no tty or CI is set)"

    def action(self, name: str, payload: dict[str, Any]) -> dict[str, Any]:
        how = "and pass it back to the bot" if payload.get("pass_to_bot") else "without passing it back"
        prompt = PROMPTS[name].format(how=how, **{"text": "", "agent": "", **payload})
        print(f"\n>>> {prompt}, then press Enter (or type 'skip').", flush=True)
        answer = input().strip().lower()
        return {"ok": answer != "skip", "manual": True}

    def conversation(self, psid: str) -> dict[str, Any]:
        raise NotImplementedError("the manual SUT reports no conversation state")
