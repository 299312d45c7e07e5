"""`handover serve` as a real process: startup banner, journal survives SIGKILL, clean SIGTERM."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from simulator.client import SimClient


def _read_until(stream, marker: str, timeout: float = 20.0) -> list[str]:
    """Read lines until one contains `marker` (bounded by a timer that closes the wait)."""
    lines: list[str] = []
    done = threading.Event()

    def reader() -> None:
        # Keep reading to the end so the child never blocks on a full pipe.
        for line in stream:
            lines.append(line)
            if marker in line:
                done.set()

    threading.Thread(target=reader, daemon=True).start()
    assert done.wait(timeout), f"no line with {marker!r} in: {''.join(lines)}"
    return lines


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _serve(tmp_path: Path, *extra: str) -> subprocess.Popen:
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    return subprocess.Popen([sys.executable, "-m", "scenarios.cli", "serve", "--run-dir", str(tmp_path), *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)


def test_journal_survives_sigkill(tmp_path):
    process = _serve(tmp_path, "--server", "werkzeug", "--port", "0")
    try:
        lines = _read_until(process.stdout, "Page Inbox")
        url = next(l for l in lines if "Graph API:" in l).split()[2].split("/v19.0")[0]
        client = SimClient(url)
        psid = client.create_user()["psid"]
        client.send_message(psid, "remember me")
        assert "CC_TOKEN" in "".join(lines)  # the banner prints the default apps' tokens
    finally:
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    entries = [json.loads(l) for l in (tmp_path / "journal.jsonl").read_text().splitlines()]
    assert any(e["kind"] == "user" and e.get("text") == "remember me" for e in entries)


@pytest.mark.integration
def test_granian_server_serves_and_stops_on_sigterm(tmp_path):
    port = _free_port()
    process = _serve(tmp_path, "--port", str(port))
    try:
        _read_until(process.stdout, "Started worker", timeout=30)
        client = SimClient(f"http://127.0.0.1:{port}")
        assert client.wait_until_ready(timeout=20)["ok"] is True
        client.close()  # an open keep-alive connection would hold up graceful shutdown
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            code = process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()  # never leave a server behind a failed test
            process.wait(timeout=10)
            raise
    assert code == 0
    assert (tmp_path / "journal.jsonl").exists()
