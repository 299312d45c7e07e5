"""Headless Debian chromium for the report tests: a launcher fixture and a page that records
every dialog, console error, uncaught exception and request leaving file://."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).parents[2] / "test-artifacts"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]

BROWSER_SKIP = pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian chromium is not installed at "
                                  "/usr/bin/chromium (apt-get install -y chromium)")


@pytest.fixture(scope="module")
def browser() -> Any:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


class Watched:
    """A page with every dialog, console error and uncaught exception recorded."""

    def __init__(self, browser: Any) -> None:
        self.page = browser.new_page(viewport={"width": 1360, "height": 900})
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.page.on("dialog", self._dialog)
        self.page.on("console", lambda m: self.errors.append(f"console {m.type}: {m.text}") if m.type in ("error", "warning") else None)
        self.page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))
        # A request leaving file:// would mean the report is not self-contained.
        self.remote: list[str] = []
        self.page.on("request", lambda r: self.remote.append(r.url) if not r.url.startswith(("file:", "data:")) else None)

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def open(self, path: Path, fragment: str = "") -> Any:
        self.page.goto(path.as_uri() + fragment, wait_until="load")
        return self.page

    def assert_quiet(self) -> None:
        assert self.dialogs == [], "a payload ran as script"
        assert self.errors == []
        assert self.remote == []
