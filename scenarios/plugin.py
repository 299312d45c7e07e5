"""pytest11 entry point `handover`: run the conformance features (or a team's own) against a SUT.

Inert unless `--handover-sut` is given: it then registers the fixtures and the step library,
runs each scenario once per protocol mode, turns outcomes into verdicts and can write results.json.
"""

from __future__ import annotations

import json
import platform
import re
import sys
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

MODE_PARAM = "handover_mode"
NO_MODE = "__none__"
STEP_MODULES = ("user_steps", "bot_steps", "sut_steps", "inbox_steps", "page_steps", "clock_steps", "wire_steps")


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("handover", "Handover Protocol conformance suite")
    add = group.addoption
    add("--handover-sut", default=None,
        help="system under test: reference | http://BASE | python:MODULE:FACTORY | manual (enables the plugin)")
    add("--handover-role", default=None, choices=("secondary", "primary"), help="role of the SUT (default: from the SUT)")
    add("--handover-mode", default="all", help="all | legacy_hop | hop_v2 | conversation_routing (comma-separated)")
    add("--handover-defect", default=None, help="start the reference SUT with this catalogue defect")
    add("--handover-tags", default=None, help='tag expression, e.g. "@HOP-CLOSE-PASSBACK and not @adapter-reported"')
    add("--handover-expected-failures", default=None, help="file of scenario ids (optionally with a mode) expected to fail")
    add("--handover-results", default=None, help="write results.json here")
    add("--handover-sut-config", default=None, help="TOML describing the vendor system (app, hooks, role)")
    add("--handover-sim-port", default=0, type=int, help="fix the simulator's port (0: ephemeral)")
    add("--handover-sim-config", default=None, help="simulator TOML config (default page if omitted)")
    add("--handover-run-dir", default=None, help="directory for the simulator's durable journal")
    add("--handover-platform-timeout", default=1.0, type=float,
        help="the platform's webhook response timeout in seconds for this run (Meta: 5)")
    add("--handover-progress", action="store_true", help="print one line per scenario and mode")


def enabled(config: pytest.Config) -> bool:
    return bool(config.getoption("handover_sut", None))


class RunState:
    """Per-process: the run's settings, the collected results, progress counters."""

    def __init__(self, config: pytest.Config) -> None:
        from scenarios.catalogue import MODES, compile_tag_expression, load_rules
        from scenarios.verdicts import ExpectedFailures

        option = config.getoption
        wanted = option("handover_mode") or "all"
        self.modes = list(MODES) if wanted == "all" else [m.strip() for m in wanted.split(",") if m.strip()]
        unknown = [m for m in self.modes if m not in MODES]
        if unknown:
            raise pytest.UsageError(f"--handover-mode: unknown mode(s) {unknown}; use all or {', '.join(MODES)}")
        self.role = option("handover_role") or self._default_role(config)
        self.tags = compile_tag_expression(option("handover_tags"))
        self.expected = ExpectedFailures.load(option("handover_expected_failures"))
        self.rules = load_rules()
        self.results: list[dict[str, Any]] = []
        self.started = datetime.now(timezone.utc)
        self.total = 0
        self.progress = bool(option("handover_progress"))

    @staticmethod
    def _default_role(config: pytest.Config) -> str:
        defect = config.getoption("handover_defect")
        if defect:
            from scenarios.reference.defects import get
            return get(defect).role
        path = config.getoption("handover_sut_config")
        if path:
            from scenarios.sut.base import SutConfig
            role = SutConfig.load(path).role
            if role:
                return role
        return "secondary"


STATE_KEY = pytest.StashKey[RunState]()


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config: pytest.Config) -> None:
    if not enabled(config):
        return
    import importlib

    from scenarios import fixtures

    config.stash[STATE_KEY] = RunState(config)
    config.pluginmanager.register(fixtures, "handover-fixtures")
    for name in STEP_MODULES:
        module = importlib.import_module(f"scenarios.steps.{name}")
        config.pluginmanager.register(module, f"handover-steps-{name}")
    for marker in ("secondary: scenario for a contact-centre SUT", "primary: scenario for a bot SUT",
                   "legacy_hop: runs in legacy_hop", "hop_v2: runs in hop_v2",
                   "conversation_routing: runs in conversation_routing"):
        config.addinivalue_line("markers", marker)


@pytest.hookimpl(tryfirst=True)
def pytest_bdd_apply_tag(tag: str, function: Any) -> Any:
    """Our tags (ids, rules, roles, capabilities) become registered markers; every scenario of a
    handover run uses the scenario context, so it is parametrized by mode."""
    from pytest_bdd.utils import CONFIG_STACK

    config = CONFIG_STACK[-1] if CONFIG_STACK else None
    if config is None or not enabled(config):
        return None
    config.addinivalue_line("markers", f"{tag}: feature tag")
    if not getattr(function, "_handover_context", False):
        pytest.mark.usefixtures("scenario_context")(function)
        function._handover_context = True
    return None


def _template(function: Any) -> Any:
    from pytest_bdd.scenario import scenario_wrapper_template_registry

    try:
        return scenario_wrapper_template_registry.get(function)
    except TypeError:
        return None


def _scenario_tags(template: Any) -> set[str]:
    rule_tags = set() if template.rule is None else set(template.rule.tags)
    return set(template.tags) | set(template.feature.tags) | rule_tags


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if not enabled(metafunc.config) or MODE_PARAM not in metafunc.fixturenames:
        return
    from scenarios.catalogue import classify

    state = metafunc.config.stash[STATE_KEY]
    template = _template(metafunc.function)
    modes = classify(_scenario_tags(template)).modes_for(state.modes) if template is not None else list(state.modes)
    metafunc.parametrize(MODE_PARAM, modes or [NO_MODE], ids=modes or ["no-mode"])


class ItemInfo:
    """What the plugin knows about one collected scenario run."""

    def __init__(self, template: Any, tags: Any, mode: str) -> None:
        self.template = template
        self.tags = tags
        self.mode = mode
        self.steps: list[dict[str, Any]] = []
        self.step_started = 0.0
        self.record: dict[str, Any] | None = None
        self.started = time.perf_counter()


def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    if not enabled(config):
        return
    from scenarios.catalogue import classify
    from scenarios.fixtures import ITEM_INFO_KEY

    state = config.stash[STATE_KEY]
    keep, drop = [], []
    for item in items:
        callspec = getattr(item, "callspec", None)
        template = _template(getattr(item, "obj", None))
        if template is None or callspec is None or MODE_PARAM not in callspec.params:
            keep.append(item)
            continue
        mode = callspec.params[MODE_PARAM]
        tags = classify(_scenario_tags(template), state.rules)
        if mode == NO_MODE or not tags.applies_to_role(state.role) or not state.tags(set(tags.all)):
            drop.append(item)
            continue
        item.stash[ITEM_INFO_KEY] = ItemInfo(template, tags, mode)
        keep.append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep
    state.total = sum(1 for i in keep if ITEM_INFO_KEY in i.stash)


# -- step timing -------------------------------------------------------------------------------------
def _info(request: Any) -> Any:
    from scenarios.fixtures import ITEM_INFO_KEY

    return request.node.stash.get(ITEM_INFO_KEY, None) if enabled(request.config) else None


def pytest_bdd_before_scenario(request: Any, feature: Any, scenario: Any) -> None:
    info = _info(request)
    if info is not None:
        info.steps = [{"keyword": s.keyword.strip(), "text": s.name, "status": "skipped", "duration_ms": 0.0,
                       "error": None} for s in scenario.steps]
        info.step_objects = list(scenario.steps)


def _step_index(info: Any, step: Any) -> int:
    for index, candidate in enumerate(getattr(info, "step_objects", [])):
        if candidate is step:
            return index
    return -1


def pytest_bdd_before_step(request: Any, feature: Any, scenario: Any, step: Any, step_func: Any) -> None:
    info = _info(request)
    if info is None:
        return
    from scenarios.fixtures import CONTEXT_KEY

    ctx = request.node.stash.get(CONTEXT_KEY, None)
    if ctx is not None and step.type == "when" and ctx.prev_step_type != "when":
        ctx.begin_action()  # Then steps judge what happened from the start of this When block
    info.step_started = time.perf_counter()


def _finish_step(request: Any, step: Any, status: str, error: str | None) -> None:
    info = _info(request)
    if info is None:
        return
    from scenarios.fixtures import CONTEXT_KEY

    index = _step_index(info, step)
    if index >= 0:
        info.steps[index].update(status=status, error=error,
                                 duration_ms=round((time.perf_counter() - info.step_started) * 1000, 1))
    ctx = request.node.stash.get(CONTEXT_KEY, None)
    if ctx is not None:
        ctx.prev_step_type = step.type


def pytest_bdd_after_step(request: Any, feature: Any, scenario: Any, step: Any, step_func: Any,
                          step_func_args: Any) -> None:
    info = _info(request)
    if info is not None and step.type == "when":
        from scenarios.fixtures import CONTEXT_KEY

        ctx = request.node.stash.get(CONTEXT_KEY, None)
        if ctx is not None and not (ctx.gathering and _user_writes_again(info, step)):
            # Parties act on what they have seen: the next action waits until every webhook the
            # last one caused has been delivered (an agent replies after the take has arrived).
            ctx.settle()
    _finish_step(request, step, "passed", None)


USER_WRITES = re.compile(r'\w+ writes "[^"]*"')


def _user_writes_again(info: Any, step: Any) -> bool:
    """This When step and the next are messages from a user, who types without waiting for any
    webhook. Under a batching or reordering policy the platform holds deliveries for their
    neighbours, so such messages are sent as neighbours (settling between them would deliver each
    alone, one gather window apiece, and leave nothing to batch or reorder)."""
    index = _step_index(info, step)
    steps = getattr(info, "step_objects", [])
    if index < 0 or index + 1 >= len(steps):
        return False
    following = steps[index + 1]
    return (following.type == "when" and USER_WRITES.fullmatch(step.name) is not None
            and USER_WRITES.fullmatch(following.name) is not None)


def pytest_bdd_step_error(request: Any, feature: Any, scenario: Any, step: Any, step_func: Any,
                          step_func_args: Any, exception: Exception) -> None:
    from scenarios.verdicts import NOT_APPLICABLE_PREFIX

    text = str(exception)
    status = "skipped" if text.startswith(NOT_APPLICABLE_PREFIX) else "failed"
    _finish_step(request, step, status, None if status == "skipped" else f"{type(exception).__name__}: {text}"[:2000])


# -- verdicts ---------------------------------------------------------------------------------------
@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Any:
    outcome = yield
    if not enabled(item.config):
        return
    from scenarios.fixtures import ITEM_INFO_KEY

    info = item.stash.get(ITEM_INFO_KEY, None)
    if info is None:
        return
    from scenarios import results as results_module

    report = outcome.get_result()
    state = item.config.stash[STATE_KEY]
    if call.when == "setup":
        info.started = time.perf_counter() - call.duration
    if call.when in ("setup", "call"):
        if call.when == "call" or report.outcome != "passed":
            if info.record is None:
                info.record = results_module.build_record(item, info, call, state)
                results_module.apply_to_report(report, info.record)
    elif call.when == "teardown":
        if info.record is None:
            info.record = results_module.build_record(item, info, None, state)
        if report.failed and info.record["verdict"] == "PASS":
            info.record.update(verdict="ERROR", reason=f"teardown failed: {report.longreprtext[:500]}")
        report.user_properties.append(("handover_result", info.record))


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when != "teardown":
        return
    record = next((value for key, value in report.user_properties if key == "handover_result"), None)
    if record is None:
        return
    from pytest_bdd.utils import CONFIG_STACK

    config = CONFIG_STACK[-1] if CONFIG_STACK else None
    if config is None or STATE_KEY not in config.stash:
        return
    state = config.stash[STATE_KEY]
    state.results.append(record)
    if state.progress:
        total = f"/{state.total}" if state.total else ""
        reason = f"  ({record['reason'][:90]})" if record["verdict"] not in ("PASS",) and record.get("reason") else ""
        print(f"[{len(state.results)}{total}] {record['verdict']:<16} {record['id'] or '?':<16} "
              f"{record['mode']:<21} {record['title'][:60]}{reason}", file=sys.stderr, flush=True)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    config = session.config
    if not enabled(config) or STATE_KEY not in config.stash or hasattr(config, "workerinput"):
        return
    path = config.getoption("handover_results")
    if not path:
        return
    from scenarios import results as results_module

    state = config.stash[STATE_KEY]
    document = results_module.document(config, state)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_bytes(dump_json(document))


def dump_json(document: Any) -> bytes:
    """Indented UTF-8 JSON. orjson writes a full run's 9 MB in 0.03 s where json.dumps with an
    indent (pure Python) took 0.6 s; json is the fallback for anything orjson refuses."""
    try:
        import orjson

        return orjson.dumps(document, default=str, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS)
    except (ImportError, TypeError):  # orjson.JSONEncodeError is a TypeError
        return json.dumps(document, ensure_ascii=False, indent=1, default=str).encode("utf-8")


def versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    found = {"python": platform.python_version()}
    for name, dist in (("handover", "handover-conformance"), ("pytest", "pytest"), ("pytest_bdd", "pytest-bdd")):
        try:
            found[name] = version(dist)
        except PackageNotFoundError:
            found[name] = "unknown"
    return found
