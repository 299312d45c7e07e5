"""The hook contract: the OpenAPI document, the prose and the reference apps agree."""

from __future__ import annotations

import json
import re
from pathlib import Path

from scenarios.reference.bot import BotProcessSettings, create_bot_app
from scenarios.reference.contact_centre import CentreSettings, create_contact_centre_app

ROOT = Path(__file__).resolve().parents[2]
OPENAPI = json.loads((ROOT / "docs" / "sut-contract.openapi.json").read_text())
PROSE = (ROOT / "docs" / "sut-contract.md").read_text()


def hook_routes() -> dict[str, set[str]]:
    routes: dict[str, set[str]] = {}
    for app in (create_contact_centre_app(CentreSettings()), create_bot_app(BotProcessSettings())):
        for rule in app.url_map.iter_rules():
            if rule.rule.startswith("/hooks/") and rule.rule != "/hooks/health":
                path = re.sub(r"<(\w+)>", r"{\1}", rule.rule)
                routes.setdefault(path, set()).update(m.lower() for m in rule.methods - {"HEAD", "OPTIONS"})
    return routes


def test_openapi_is_3_1_and_lists_exactly_the_implemented_hooks():
    assert OPENAPI["openapi"].startswith("3.1")
    documented = {path: set(ops) for path, ops in OPENAPI["paths"].items()}
    assert documented == hook_routes()


def test_every_hook_is_described_in_the_prose():
    for path in OPENAPI["paths"]:
        assert path in PROSE, path


def test_every_ref_resolves():
    text = json.dumps(OPENAPI)
    for ref in set(re.findall(r'"\$ref": "#/components/(\w+)/(\w+)"', text)):
        assert ref[1] in OPENAPI["components"][ref[0]], ref


def test_prose_lists_assumptions():
    assert "## Assumptions" in PROSE


def test_flask_test_client_errors_are_json():
    client = create_contact_centre_app(CentreSettings()).test_client()
    for response in (client.get("/hooks/nothing"), client.get("/hooks/agent/reply"),
                     client.post("/hooks/agent/reply", data="x", content_type="text/plain")):
        assert response.status_code in (400, 404, 405)
        assert isinstance(response.get_json()["error"]["message"], str)
