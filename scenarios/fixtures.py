"""Fixtures of the conformance run (registered by the plugin only when --handover-sut is given)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Iterator

import pytest

from scenarios.catalogue import MODES
from scenarios.context import PAGE_INBOX_APP_ID, ScenarioContext
from scenarios.steps.common import not_applicable
from scenarios.sut import SutConfig, make_adapter

# Every scenario starts on a weekday between 09:00 and 16:00 UTC (inside any plausible opening
# hours), so out-of-hours replies never depend on when the suite runs. The simulator's clock only
# moves forward, so the harness jumps to the next such moment when it is outside one.
BUSINESS_START_HOUR, BUSINESS_END_HOUR = 9, 16
DEFAULT_PLATFORM_TIMEOUT_S = 1.0


@dataclass
class HandoverSession:
    """One simulator and one SUT shared by the scenarios of a pytest process (or xdist worker)."""

    simulator: Any
    client: Any
    sut: Any
    role: str
    sim_config: dict[str, Any]
    platform_timeout_s: float

    def app_ids(self) -> dict[str, str]:
        apps = [a for a in self.sim_config["apps"] if not a.get("builtin") and str(a["id"]) != PAGE_INBOX_APP_ID]
        sut_id = str(self.sut.app_id)
        primary = next((str(a["id"]) for a in apps if a.get("role") == "primary"), None)
        secondary = next((str(a["id"]) for a in apps if a.get("role") == "secondary"), None)
        if self.role == "secondary":
            cc, bot = sut_id, primary or next(str(a["id"]) for a in apps if str(a["id"]) != sut_id)
        else:
            bot, cc = sut_id, secondary or next(str(a["id"]) for a in apps if str(a["id"]) != sut_id)
        return {"the contact centre": cc, "the bot": bot, "the Page Inbox": PAGE_INBOX_APP_ID,
                "the system under test": sut_id}


def _option(config: pytest.Config, name: str) -> Any:
    return config.getoption(name)


@pytest.fixture(scope="session")
def handover_session(request: pytest.FixtureRequest) -> Iterator[HandoverSession]:
    from simulator.server import start_simulator

    config = request.config
    sut_config = SutConfig.load(_option(config, "handover_sut_config"))
    adapter = make_adapter(_option(config, "handover_sut"), role=_option(config, "handover_role"),
                           defect=_option(config, "handover_defect"), config=sut_config)
    timeout = float(_option(config, "handover_platform_timeout"))
    run_dir = _option(config, "handover_run_dir")
    worker = getattr(config, "workerinput", {}).get("workerid")
    if run_dir and worker:
        run_dir = f"{run_dir}/{worker}"  # each parallel worker has its own simulator and journal
    simulator = start_simulator(_option(config, "handover_sim_config"), port=int(_option(config, "handover_sim_port") or 0),
                                run_dir=run_dir, delivery={"timeout_s": timeout})
    client = simulator.client
    try:
        adapter.start(simulator.url, client.config())
        session = HandoverSession(simulator, client, adapter, adapter.role, client.config(), timeout)
        config.stash[SESSION_KEY] = session
        yield session
    finally:
        adapter.stop()
        simulator.stop()


SESSION_KEY = pytest.StashKey[HandoverSession]()


@pytest.fixture
def handover_mode(request: pytest.FixtureRequest) -> str:
    """The protocol mode of this run of the scenario (parametrized by the plugin)."""
    return getattr(request, "param", None) or MODES[0]


@pytest.fixture
def sim(handover_session: HandoverSession) -> Any:
    """The SimClient of this process's simulator."""
    return handover_session.client


@pytest.fixture
def sut(handover_session: HandoverSession) -> Any:
    """The SUT adapter."""
    return handover_session.sut


@pytest.fixture
def scenario_context(request: pytest.FixtureRequest, handover_session: HandoverSession,
                     handover_mode: str) -> Iterator[ScenarioContext]:
    """A clean page in `handover_mode` with fresh users; the scenario's journal range starts here."""
    session = handover_session
    client = session.client
    info = request.node.stash.get(ITEM_INFO_KEY, None)
    caps = session.sut.capabilities()
    if info is not None:
        missing = [c for c in info.tags.capabilities if c not in caps]
        if missing:
            reason = getattr(session.sut, "not_applicable_reason", lambda: None)()
            not_applicable(reason or f"the SUT lacks the capabilit{'y' if len(missing) == 1 else 'ies'} "
                                     f"{', '.join(missing)}")
    # The reset answers with the page it leaves (mode, delivery policy, clock): only what differs
    # from a scenario's starting point is changed, one control call each.
    page = client.reset(mode=handover_mode)
    if page.get("mode") != handover_mode or page.get("exclusive_send") is not False:
        client.set_mode(handover_mode, exclusive_send=False)
    policy = {"timeout_s": session.platform_timeout_s, "duplicate": False, "batch": 1, "reorder": False}
    if any((page.get("delivery") or {}).get(key) != value for key, value in policy.items()):
        client.delivery_policy(**policy)
    now_ms = (page.get("clock") or {}).get("now_ms")
    business = business_moment(datetime.fromtimestamp((now_ms if now_ms is not None else client.clock()["now_ms"]) / 1000,
                                                      timezone.utc))
    if business is not None:
        client.set_clock(business.isoformat())
    config = session.sim_config
    tokens = {str(a["id"]): a.get("page_token") for a in config["apps"]}
    secrets = {str(a["id"]): a.get("secret") for a in config["apps"]}
    ctx = ScenarioContext(client=client, sut=session.sut, mode=handover_mode, role=session.role,
                          app_ids=session.app_ids(), tokens=tokens, secrets=secrets,
                          page_id=str(config["page"]["id"]), wait_s=float(getattr(session.sut, "wait_s", 2.0)),
                          settle_s=float(getattr(session.sut, "settle_s", 0.0)))
    ctx.start_seq = ctx.mark = client.last_seq()
    request.node.stash[CONTEXT_KEY] = ctx
    yield ctx
    for finalizer in reversed(ctx.finalizers):
        finalizer()


def business_moment(now: datetime) -> datetime | None:
    """None if `now` is a weekday between 09:00 and 16:00 UTC, else the next weekday at 10:00."""
    if now.weekday() < 5 and BUSINESS_START_HOUR <= now.hour < BUSINESS_END_HOUR:
        return None
    moment = now.replace(hour=10, minute=0, second=0, microsecond=0)
    if moment <= now:
        moment += timedelta(days=1)
    while moment.weekday() >= 5:
        moment += timedelta(days=1)
    return moment


CONTEXT_KEY = pytest.StashKey[ScenarioContext]()
ITEM_INFO_KEY: pytest.StashKey[Any] = pytest.StashKey()
