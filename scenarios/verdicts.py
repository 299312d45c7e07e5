"""Verdicts, the exceptions steps raise to reach them, and expected-failure lists."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reports.model import Verdict  # one definition of the verdict set, shared with the reports


BAD_VERDICTS = frozenset({Verdict.FAIL, Verdict.ERROR, Verdict.TIMEOUT})
NOT_APPLICABLE_PREFIX = "NOT_APPLICABLE: "


class WireAssertionError(AssertionError):
    """What crossed the wire is not what the rule requires (FAIL, or WARNING for SHOULD rules)."""

    def __init__(self, message: str, *, expected: str | None = None, observed: str | None = None,
                 near_misses: list[dict[str, Any]] | None = None, adapter_reported: bool = False) -> None:
        super().__init__(message)
        self.expected = expected
        self.observed = observed
        self.near_misses = near_misses or []
        self.adapter_reported = adapter_reported


class HarnessTimeout(Exception):
    """The harness could not get an answer in time (a hook or the simulator hung): TIMEOUT."""


class SutActionError(Exception):
    """The SUT's control hook refused an action it claims to support (FAIL)."""

    def __init__(self, action: str, status: int, body: Any) -> None:
        super().__init__(f"hook {action} answered HTTP {status}: {body}")
        self.action = action
        self.status = status
        self.body = body


@dataclass
class ExpectedFailures:
    """Scenario ids (optionally per mode) declared as known failures; reasons are kept."""

    entries: dict[tuple[str, str | None], str] = field(default_factory=dict)

    def reason(self, scenario_id: str | None, mode: str) -> str | None:
        if scenario_id is None:
            return None
        return self.entries.get((scenario_id, mode)) or self.entries.get((scenario_id, None))

    @classmethod
    def load(cls, path: str | Path | None) -> ExpectedFailures:
        """TOML `[[expected]] id = "...", mode = "..." (optional), reason = "..."`, or one
        `ID [MODE] [# reason]` per line in any other file."""
        if path is None:
            return cls()
        text = Path(path).read_text(encoding="utf-8")
        entries: dict[tuple[str, str | None], str] = {}
        if str(path).endswith(".toml"):
            for item in tomllib.loads(text).get("expected", []):
                entries[(item["id"], item.get("mode"))] = item.get("reason", "declared expected failure")
            return cls(entries)
        for line in text.splitlines():
            content, _, comment = line.partition("#")
            parts = content.split()
            if not parts:
                continue
            entries[(parts[0], parts[1] if len(parts) > 1 else None)] = comment.strip() or "declared expected failure"
        return cls(entries)


def summarise(results: list[dict[str, Any]]) -> dict[str, int]:
    summary = {v.value: 0 for v in Verdict}
    for result in results:
        summary[result["verdict"]] = summary.get(result["verdict"], 0) + 1
    return summary
