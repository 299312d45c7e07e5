"""The rule catalogue (features/rules.toml) and the meaning of scenario tags."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterable

import features

FEATURES_DIR = Path(features.__file__).resolve().parent
RULES_FILE = FEATURES_DIR / "rules.toml"
MODES = ("legacy_hop", "hop_v2", "conversation_routing")
ROLES = ("secondary", "primary")
CAPABILITY_PREFIX = "cap-"
ADAPTER_REPORTED_TAG = "adapter-reported"
# A scenario id ends in a three-digit number (HOP-CLOSE-001, a team's TEAM-001); rule ids never do.
SCENARIO_ID = re.compile(r"^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*-\d{3}$")


@dataclass(frozen=True)
class Rule:
    """One catalogue entry; MUST rules FAIL, SHOULD rules WARN."""

    id: str
    title: str
    level: str
    source: str
    roles: tuple[str, ...]
    modes: tuple[str, ...]
    assumption: bool
    text: str

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "level": self.level, "source": self.source,
                "roles": list(self.roles), "modes": list(self.modes), "assumption": self.assumption,
                "text": self.text}


@lru_cache(maxsize=4)
def load_rules(path: Path = RULES_FILE) -> dict[str, Rule]:
    """Every rule by id; raises ValueError on a malformed catalogue."""
    data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    rules: dict[str, Rule] = {}
    for raw in data.get("rule", []):
        missing = {"id", "title", "level", "source", "roles", "modes", "assumption", "text"} - set(raw)
        if missing:
            raise ValueError(f"rule {raw.get('id', '?')} lacks {sorted(missing)}")
        if raw["level"] not in ("MUST", "SHOULD"):
            raise ValueError(f"rule {raw['id']}: level must be MUST or SHOULD")
        rule = Rule(raw["id"], raw["title"], raw["level"], raw["source"], tuple(raw["roles"]),
                    tuple(raw["modes"]), bool(raw["assumption"]), raw["text"])
        if rule.id in rules:
            raise ValueError(f"duplicate rule id {rule.id}")
        rules[rule.id] = rule
    return rules


@dataclass(frozen=True)
class ScenarioTags:
    """What a scenario's tags say: its id, rules, roles, modes and needed capabilities."""

    id: str | None
    rules: tuple[str, ...]
    roles: tuple[str, ...]
    modes: tuple[str, ...]
    capabilities: tuple[str, ...]
    adapter_reported: bool
    all: tuple[str, ...] = field(default=())

    def applies_to_role(self, role: str) -> bool:
        return not self.roles or role in self.roles

    def modes_for(self, wanted: Iterable[str]) -> list[str]:
        """Modes to run: the scenario's mode tags (none means all three) within `wanted`."""
        own = self.modes or MODES
        return [m for m in wanted if m in own]


def classify(tags: Iterable[str], rules: dict[str, Rule] | None = None) -> ScenarioTags:
    rules = load_rules() if rules is None else rules
    tags = sorted(t.lstrip("@") for t in tags)
    ids = [t for t in tags if SCENARIO_ID.match(t)]
    return ScenarioTags(
        id=ids[0] if ids else None,
        rules=tuple(t for t in tags if t in rules),
        roles=tuple(r for r in ROLES if r in tags),
        modes=tuple(m for m in MODES if m in tags),
        capabilities=tuple(t[len(CAPABILITY_PREFIX):] for t in tags if t.startswith(CAPABILITY_PREFIX)),
        adapter_reported=ADAPTER_REPORTED_TAG in tags,
        all=tuple(tags),
    )


def level_of(rule_ids: Iterable[str], rules: dict[str, Rule] | None = None) -> str:
    """MUST if any of the rules is MUST (or unknown), else SHOULD."""
    rules = load_rules() if rules is None else rules
    levels = {rules[r].level if r in rules else "MUST" for r in rule_ids}
    return "SHOULD" if levels == {"SHOULD"} else "MUST"


# -- tag expressions (Cucumber style: "@a and not (@b or @c)") ------------------------------------
_TOKEN = re.compile(r"\s*(\(|\)|and\b|or\b|not\b|@?[^\s()]+)")


class TagExpressionError(ValueError):
    """A --tags expression that does not parse."""


def compile_tag_expression(expression: str | None):  # type: ignore[no-untyped-def]
    """A predicate over a set of tags (without '@'); None or '' matches everything."""
    if not expression or not expression.strip():
        return lambda tags: True
    tokens: list[str] = []
    pos = 0
    text = expression.strip()
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if not match:
            raise TagExpressionError(f"cannot parse tag expression at {text[pos:]!r}")
        tokens.append(match.group(1))
        pos = match.end()
        while pos < len(text) and text[pos].isspace():
            pos += 1
    index = 0

    def peek() -> str | None:
        return tokens[index] if index < len(tokens) else None

    def take() -> str:
        nonlocal index
        token = tokens[index]
        index += 1
        return token

    def parse_or():  # type: ignore[no-untyped-def]
        left = parse_and()
        while peek() == "or":
            take()
            right = parse_and()
            left = (lambda a, b: lambda tags: a(tags) or b(tags))(left, right)
        return left

    def parse_and():  # type: ignore[no-untyped-def]
        left = parse_not()
        while peek() == "and":
            take()
            right = parse_not()
            left = (lambda a, b: lambda tags: a(tags) and b(tags))(left, right)
        return left

    def parse_not():  # type: ignore[no-untyped-def]
        if peek() == "not":
            take()
            inner = parse_not()
            return lambda tags: not inner(tags)
        return parse_atom()

    def parse_atom():  # type: ignore[no-untyped-def]
        token = peek()
        if token is None:
            raise TagExpressionError(f"tag expression ends early: {expression!r}")
        take()
        if token == "(":
            inner = parse_or()
            if peek() != ")":
                raise TagExpressionError(f"missing ')' in {expression!r}")
            take()
            return inner
        if token in (")", "and", "or"):
            raise TagExpressionError(f"unexpected {token!r} in {expression!r}")
        name = token.lstrip("@")
        return lambda tags: name in tags

    predicate = parse_or()
    if index != len(tokens):
        raise TagExpressionError(f"unexpected {tokens[index]!r} in {expression!r}")
    return predicate
