"""`--sut http://BASE`: any system that implements the control-hook contract."""

from __future__ import annotations

from typing import Any

import requests

from scenarios.sut.base import SutConfig
from scenarios.verdicts import HarnessTimeout, SutActionError

HOOK_TIMEOUT_S = 30.0
# Action name -> hook path (docs/sut-contract.md).
HOOK_PATHS = {
    "reply": "/hooks/agent/reply", "assign": "/hooks/agent/assign", "close": "/hooks/agent/close",
    "pass_to_bot": "/hooks/agent/pass-to-bot", "take": "/hooks/agent/take",
    "escalate": "/hooks/bot/escalate", "bot_take": "/hooks/bot/take", "reset": "/hooks/reset",
}


class HttpHooksAdapter:
    """Talks JSON to the SUT's hooks; registers the SUT's app in the simulator when configured."""

    name = "http"
    settle_s = 0.3  # an unknown SUT may act after acknowledging a webhook
    wait_s = 5.0

    def __init__(self, base_url: str | None, *, role: str | None = None, config: SutConfig | None = None) -> None:
        self.base_url = base_url.rstrip("/") if base_url else None
        self.config = config or SutConfig()
        self.role = role or self.config.role or "secondary"
        self.app_id: str | None = self.config.app.get("id")
        self._capabilities: dict[str, Any] | None = None
        self._http = requests.Session()
        self._http.trust_env = False
        if self.config.settle_s is not None:
            self.settle_s = float(self.config.settle_s)
        if self.config.wait_s is not None:
            self.wait_s = float(self.config.wait_s)

    # -- lifecycle -------------------------------------------------------------------------------
    def start(self, sim_url: str, sim_config: dict[str, Any]) -> None:
        """Put the vendor's app into the simulator (the platform then runs the handshake)."""
        caps = self.raw_capabilities()
        roles = caps.get("roles") or []
        if not self.config.role and roles and self.role not in roles:
            self.role = roles[0]
        self.app_id = self.app_id or (str(caps["app_id"]) if caps.get("app_id") else None)
        if self.config.app:
            from simulator.client import SimClient
            client = SimClient(sim_url)
            existing = {a["id"]: a for a in sim_config.get("apps", [])}
            app = {**existing.get(self.config.app["id"], {}), **self.config.app}
            app.setdefault("name", f"SUT ({self.role})")
            app.setdefault("role", self.role)
            app = {k: v for k, v in app.items() if k in {"id", "name", "secret", "page_token", "webhook",
                                                          "verify_token", "role", "fields", "can_take",
                                                          "require_appsecret_proof", "human_agent"}}
            client.upsert_app(app)
            client.close()
        if self.app_id is None:
            self.app_id = next((a["id"] for a in sim_config.get("apps", []) if a.get("role") == self.role
                                and not a.get("builtin")), None)

    def stop(self) -> None:
        self._http.close()

    # -- hooks -----------------------------------------------------------------------------------
    def raw_capabilities(self) -> dict[str, Any]:
        if self._capabilities is None:
            if self.base_url is None:
                self._capabilities = {"roles": [self.role], "actions": []}
            else:
                self._capabilities = self._request("GET", "/hooks/capabilities", action="capabilities")
        return self._capabilities

    def capabilities(self) -> set[str]:
        caps = set(self.raw_capabilities().get("actions") or [])
        if self.config.opening_hours:
            caps.add("opening_hours")
        return caps

    def opening_hours(self) -> str | None:
        return self.config.opening_hours

    def action(self, name: str, payload: dict[str, Any]) -> dict[str, Any]:
        path = HOOK_PATHS.get(name)
        if path is None:
            raise ValueError(f"unknown hook action {name!r}")
        return self._request("POST", path, payload, action=name)

    def conversation(self, psid: str) -> dict[str, Any]:
        return self._request("GET", f"/hooks/conversations/{psid}", action="conversation")

    def bot_state(self, psid: str) -> dict[str, Any]:
        return self._request("GET", f"/hooks/bot/state/{psid}", action="bot_state")

    def describe(self) -> dict[str, Any]:
        return {"adapter": self.name, "base_url": self.base_url, "role": self.role, "app_id": self.app_id}

    def _request(self, method: str, path: str, body: Any = None, *, action: str) -> dict[str, Any]:
        if self.base_url is None:
            raise SutActionError(action, 0, "no control-hook base URL configured")
        try:
            response = self._http.request(method, f"{self.base_url}{path}", json=body, timeout=HOOK_TIMEOUT_S)
        except requests.Timeout as exc:
            raise HarnessTimeout(f"hook {method} {path} did not answer within {HOOK_TIMEOUT_S} s") from exc
        except requests.RequestException as exc:
            raise ConnectionError(f"hook {method} {path}: {exc}") from exc
        try:
            data = response.json() if response.content else {}
        except ValueError:
            data = {"raw": response.text[:500]}
        if response.status_code >= 400:
            raise SutActionError(action, response.status_code, data)
        return data if isinstance(data, dict) else {"data": data}
