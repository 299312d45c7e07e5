"""Start a reference SUT (contact centre or bot) on a real loopback server, in a thread or a process."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import threading
from collections import deque
from dataclasses import dataclass, field, fields
from typing import Any

import requests

from scenarios.reference import defects as catalogue
from scenarios.reference.bot import BotProcessSettings, create_bot_app
from scenarios.reference.common import (
    DEFAULT_BOT_APP_ID, DEFAULT_CC_APP_ID, DEFAULT_PAGE_ID, GRAPH_VERSION, PAGE_INBOX_APP_ID, ServerHandle,
    quiet_werkzeug, serve,
)
from scenarios.reference.contact_centre import CentreSettings, create_contact_centre_app
from simulator.actors.bot_brain import BotSettings

ROLES = ("secondary", "primary")
READY_PREFIX = "REFERENCE-SUT READY"
START_TIMEOUT_S = 30.0

# What each role uses when the simulator's config cannot be read (the documented default page).
FALLBACK_CREDENTIALS = {
    "secondary": {"id": DEFAULT_CC_APP_ID, "secret": "cc-secret", "page_token": "CC_TOKEN",
                  "verify_token": "cc-verify", "can_take": True},
    "primary": {"id": DEFAULT_BOT_APP_ID, "secret": "bot-secret", "page_token": "BOT_TOKEN",
                "verify_token": "bot-verify", "can_take": True},
}


class StartError(RuntimeError):
    """The reference SUT could not be started or could not register its webhook."""


@dataclass
class RunningSut:
    """A started reference SUT: where its hooks and webhook are, and how to stop it."""

    role: str
    app_id: str
    base_url: str
    webhook_url: str
    defect: str | None
    registration: list[dict[str, Any]] = field(default_factory=list)
    system: Any = None  # the ContactCentre / ReferenceBot object (in-thread only)
    process: subprocess.Popen | None = None
    _server: ServerHandle | None = field(default=None, repr=False)

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def __enter__(self) -> RunningSut:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()


def role_for(role: str | None, defect: str | None) -> str:
    """The role to run: a defect implies its role; a conflicting explicit role is an error."""
    found = catalogue.get(defect)
    if found is not None:
        if role is not None and role != found.role:
            raise ValueError(f"defect {defect!r} belongs to the {found.role} role, not {role}")
        return found.role
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    return role


def fetch_sim_config(sim_url: str) -> dict[str, Any] | None:
    """`GET /_sim/config`, or None when the simulator cannot be asked."""
    session = requests.Session()
    session.trust_env = False
    try:
        response = session.get(f"{sim_url.rstrip('/')}/_sim/config", timeout=5)
        return response.json() if response.ok else None
    except (requests.RequestException, ValueError):
        return None
    finally:
        session.close()


def _pick_app(config: dict[str, Any] | None, role: str, app_id: str | None) -> dict[str, Any]:
    apps = [a for a in (config or {}).get("apps") or [] if isinstance(a, dict)]
    if app_id is not None:
        found = next((a for a in apps if str(a.get("id")) == str(app_id)), None)
        return found or {"id": str(app_id)}
    candidates = [a for a in apps if a.get("role") == role and str(a.get("id")) != PAGE_INBOX_APP_ID
                  and not a.get("builtin")]
    preferred = DEFAULT_CC_APP_ID if role == "secondary" else DEFAULT_BOT_APP_ID
    found = next((a for a in candidates if str(a.get("id")) == preferred), None) or (candidates[0] if candidates else None)
    return found or dict(FALLBACK_CREDENTIALS[role])


def _bot_app_id(config: dict[str, Any] | None) -> str:
    apps = (config or {}).get("apps") or []
    primary = next((a for a in apps if isinstance(a, dict) and a.get("role") == "primary"), None)
    if primary:
        return str(primary["id"])
    default = ((config or {}).get("page") or {}).get("default_app_id") or (config or {}).get("default_app_id")
    return str(default) if default else DEFAULT_BOT_APP_ID


def start_reference_sut(role: str, sim_url: str, *, port: int = 0, defect: str | None = None,
                        app_id: str | None = None, secret: str | None = None, page_token: str | None = None,
                        verify_token: str | None = None, in_thread: bool = True, host: str = "127.0.0.1",
                        register: bool = True, options: dict[str, Any] | None = None) -> RunningSut:
    """Start the reference contact centre (`secondary`) or bot (`primary`) against `sim_url`.

    Credentials default to the app of that role in `GET sim_url/_sim/config`. With `register`
    the SUT sets its webhook (`POST /{app-id}/subscriptions`, which makes the platform run the
    handshake) and subscribes the page (`POST /me/subscribed_apps`) before this returns.
    `options` overrides CentreSettings fields (secondary) or BotSettings fields (primary).
    """
    role = role_for(role, defect)
    if not in_thread:
        return _start_process(role, sim_url, port=port, defect=defect, app_id=app_id, secret=secret,
                              page_token=page_token, verify_token=verify_token, host=host,
                              register=register, options=options)
    quiet_werkzeug()
    sim_url = sim_url.rstrip("/")
    config = fetch_sim_config(sim_url)
    app_cfg = _pick_app(config, role, app_id)
    fallback = FALLBACK_CREDENTIALS[role]
    page_id = str(((config or {}).get("page") or {}).get("id") or DEFAULT_PAGE_ID)
    creds = {
        "app_id": str(app_id or app_cfg.get("id") or fallback["id"]),
        "secret": secret or app_cfg.get("secret") or fallback["secret"],
        "page_token": page_token or app_cfg.get("page_token") or fallback["page_token"],
        "verify_token": verify_token or app_cfg.get("verify_token") or fallback["verify_token"],
        "page_id": page_id, "graph_url": f"{sim_url}/{GRAPH_VERSION}", "clock_url": f"{sim_url}/_sim/clock",
        "defect": defect,
    }
    options = dict(options or {})
    if role == "secondary":
        base = CentreSettings(**creds, bot_app_id=_bot_app_id(config), can_take=bool(app_cfg.get("can_take", True)))
        settings = CentreSettings.with_options(base, options)
        flask_app = create_contact_centre_app(settings)
    else:
        bot_fields = {f.name for f in fields(BotSettings)}
        bot_settings = BotSettings.from_dict({k: v for k, v in options.items() if k in bot_fields})
        unknown = sorted(set(options) - bot_fields)
        if unknown:
            raise ValueError(f"unknown bot options: {', '.join(unknown)}")
        flask_app = create_bot_app(BotProcessSettings(**creds, bot=bot_settings))
    server = serve(flask_app, host, port)
    system = flask_app.extensions["reference_sut"]
    sut = RunningSut(role, creds["app_id"], server.url, f"{server.url}/webhook", defect, system=system,
                     _server=server)
    if register:
        results = system.register(sut.webhook_url)
        sut.registration = [r.summary() for r in results]
        failed = [r for r in results if not r.ok]
        if failed:
            sut.stop()
            raise StartError(f"webhook registration failed: {[r.summary() for r in failed]}")
    return sut


def _start_process(role: str, sim_url: str, *, port: int, defect: str | None, app_id: str | None,
                   secret: str | None, page_token: str | None, verify_token: str | None, host: str,
                   register: bool, options: dict[str, Any] | None) -> RunningSut:
    """Run `python -m scenarios.reference` and wait (bounded) for its READY line."""
    argv = [sys.executable, "-m", "scenarios.reference", "--role", role, "--sim-url", sim_url,
            "--port", str(port), "--host", host, "--announce"]
    for flag, value in (("--defect", defect), ("--app-id", app_id), ("--secret", secret),
                        ("--page-token", page_token), ("--verify-token", verify_token)):
        if value is not None:
            argv += [flag, value]
    if not register:
        argv.append("--no-register")
    for key, value in (options or {}).items():
        argv += ["--option", f"{key}={value}"]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line)
        lines.put(None)

    errors: deque[str] = deque(maxlen=200)

    def drain_stderr() -> None:
        # An undrained pipe would block the child once its log fills the OS buffer.
        assert process.stderr is not None
        for line in process.stderr:
            errors.append(line)

    threading.Thread(target=pump, daemon=True).start()
    threading.Thread(target=drain_stderr, daemon=True).start()
    try:
        while True:
            line = lines.get(timeout=START_TIMEOUT_S)
            if line is None:
                code = process.wait(timeout=10)
                raise StartError(f"reference SUT exited with {code}: {''.join(errors)[-2000:]}")
            if line.startswith(READY_PREFIX):
                break
    except queue.Empty:
        process.kill()
        raise StartError(f"reference SUT printed no READY line within {START_TIMEOUT_S} s") from None
    parts = line.split()  # REFERENCE-SUT READY <base_url> <app_id>
    base_url, reported_app_id = parts[2], parts[3]
    return RunningSut(role, reported_app_id, base_url, f"{base_url}/webhook", defect, process=process)
