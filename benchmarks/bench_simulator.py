"""Benchmark the simulator against baselines measured in the same run, and print ratios.

1. Send API throughput: `POST /v19.0/me/messages` on the simulator (journal on, no app
   subscribed to echoes or deliveries) vs a bare Flask JSON endpoint, both on granian with one
   process, loaded by `wrk` (Debian package) or, without it, by a threaded Python client.
2. Webhook latency: a user message through the control API -> the signed webhook arriving at a
   loopback receiver, p50/p99, vs the two bare hops it cannot avoid (a control-API round trip
   to /_sim/health, then a plain POST to the same receiver), measured in the same run.

Targets (issue #2): throughput >= 0.8x bare Flask; p99 added latency < 5 ms.
Run: python benchmarks/bench_simulator.py [--seconds 5]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
BENCH_CONFIG = {
    "mode": "legacy_hop", "auto_deliveries": False,
    "page": {"id": "1000000000000001", "name": "Bench"},
    "apps": [{"id": "256859710996832", "name": "CC", "secret": "cc-secret", "page_token": "CC_TOKEN",
              "role": "primary", "fields": ["messages"]}],
}
BARE_APP = '''
from flask import Flask, jsonify, request
app = Flask(__name__)
@app.post("/v19.0/me/messages")
def messages():
    body = request.get_json()
    return jsonify({"recipient_id": body["recipient"]["id"], "message_id": "m_1"})
'''


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_line(process: subprocess.Popen, marker: str, timeout: float = 30) -> None:
    ready = threading.Event()

    def reader() -> None:
        for line in process.stdout:  # type: ignore[union-attr]
            if marker in line:
                ready.set()

    threading.Thread(target=reader, daemon=True).start()
    if not ready.wait(timeout):
        raise RuntimeError(f"server did not print {marker!r}")


def start_granian(target: str, port: int, env: dict[str, str], factory: bool) -> subprocess.Popen:
    command = [sys.executable, "-m", "granian", "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port),
               "--workers", "1", "--blocking-threads", "8", "--backpressure", "8", "--log-level", "info"]
    if factory:
        command.append("--factory")
    process = subprocess.Popen(command + [target], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               env={**os.environ, **env})
    wait_for_line(process, "Started worker")
    return process


def load(url: str, body: dict, seconds: float) -> float:
    """Requests per second: wrk when installed, else 8 Python threads with keep-alive."""
    if shutil.which("wrk"):
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
            script.write('wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
                         f"wrk.body = '{json.dumps(body)}'\n")
        out = subprocess.run(["wrk", "-t2", "-c16", f"-d{int(seconds)}s", "-s", script.name, url],
                             capture_output=True, text=True, check=True).stdout
        os.unlink(script.name)
        return float(next(l for l in out.splitlines() if l.startswith("Requests/sec")).split()[1])
    deadline = time.perf_counter() + seconds

    def worker() -> int:
        session, count = requests.Session(), 0
        while time.perf_counter() < deadline:
            session.post(url, json=body, timeout=10)
            count += 1
        return count

    started = time.perf_counter()
    with ThreadPoolExecutor(8) as pool:
        total = sum(pool.map(lambda _: worker(), range(8)))
    return total / (time.perf_counter() - started)


def throughput(seconds: float, rounds: int = 3) -> tuple[float, float, list[float]]:
    """Interleaved rounds (bare, simulator, bare, ...) so a burst of machine noise hits both;
    returns the median req/s of each and the ratio of every round."""
    workdir = Path(tempfile.mkdtemp(prefix="bench-sim-"))
    config = workdir / "bench.toml"
    config.write_text(_toml(BENCH_CONFIG))
    (workdir / "bare_app.py").write_text(BARE_APP)
    sim_port, bare_port = free_port(), free_port()
    sim = start_granian("simulator.serve:app_from_environment", sim_port,
                        {"HANDOVER_SIM_CONFIG": str(config), "HANDOVER_SIM_RUN_DIR": str(workdir / "run"),
                         "PYTHONPATH": str(ROOT)}, factory=True)
    bare = start_granian("bare_app:app", bare_port, {"PYTHONPATH": str(workdir)}, factory=False)
    try:
        base = f"http://127.0.0.1:{sim_port}"
        user = requests.post(f"{base}/_sim/users", json={}, timeout=5).json()
        requests.post(f"{base}/_sim/users/{user['psid']}/messages", json={"text": "hi"}, timeout=5)
        body = {"recipient": {"id": user["psid"]}, "messaging_type": "RESPONSE", "message": {"text": "hello"}}
        sim_url = f"{base}/v19.0/me/messages?access_token=CC_TOKEN"
        assert requests.post(sim_url, json=body, timeout=5).status_code == 200
        bare_runs, sim_runs = [], []
        for _ in range(rounds):
            bare_runs.append(load(f"http://127.0.0.1:{bare_port}/v19.0/me/messages", body, seconds))
            sim_runs.append(load(sim_url, body, seconds))
    finally:
        for process in (sim, bare):
            process.terminate()
            process.wait(timeout=20)
    ratios = [s / b for s, b in zip(sim_runs, bare_runs)]
    return statistics.median(sim_runs), statistics.median(bare_runs), ratios


def latency(samples: int) -> tuple[list[float], list[float]]:
    sys.path.insert(0, str(ROOT))
    from simulator.server import start_simulator
    from simulator.webhooks.receiver import WebhookReceiver

    receiver = WebhookReceiver().start()
    url = receiver.route("/cc", secret="cc-secret", verify_token="cc-verify")
    config = json.loads(json.dumps(BENCH_CONFIG))
    config["apps"][0].update(webhook=url, verify_token="cc-verify")
    running = start_simulator(config, run_dir=tempfile.mkdtemp(prefix="bench-lat-"))
    session = requests.Session()
    psid = session.post(f"{running.url}/_sim/users", json={}, timeout=5).json()["psid"]
    through, floor = [], []
    try:
        for i in range(samples):
            started = time.perf_counter()
            session.post(f"{running.url}/_sim/users/{psid}/messages", json={"text": f"m{i}"}, timeout=5)
            if not receiver.wait_for(i + 1, "/cc", timeout=5):
                raise RuntimeError("webhook did not arrive")
            through.append((receiver.received("/cc")[i].at - started) * 1000)
        plain = requests.Session()
        for i in range(samples):
            started = time.perf_counter()
            session.get(f"{running.url}/_sim/health", timeout=5)
            plain.post(url + "?floor=1", data=b"{}", timeout=5)
            floor.append((time.perf_counter() - started) * 1000)
    finally:
        running.stop()
        receiver.release()
        receiver.stop()
    return through, floor


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _toml(data: dict) -> str:
    lines = [f'mode = "{data["mode"]}"', f'auto_deliveries = {str(data["auto_deliveries"]).lower()}', "[page]",
             f'id = "{data["page"]["id"]}"', f'name = "{data["page"]["name"]}"']
    for app in data["apps"]:
        lines.append("[[apps]]")
        for key, value in app.items():
            lines.append(f"{key} = {json.dumps(value)}")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=4, help="length of each load round")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved bare/simulator rounds")
    parser.add_argument("--samples", type=int, default=300)
    args = parser.parse_args()
    sim_rps, bare_rps, ratios = throughput(args.seconds, args.rounds)
    print(f"Send API throughput (median of {args.rounds} interleaved rounds): simulator {sim_rps:,.0f} req/s, "
          f"bare Flask {bare_rps:,.0f} req/s (same granian server, same run) -> ratio "
          f"{statistics.median(ratios):.2f}x (rounds: {', '.join(f'{r:.2f}' for r in ratios)}; target >= 0.80x)")
    through, floor = latency(args.samples)
    print(f"User message -> signed webhook at a loopback receiver: p50 {pct(through, .5):.2f} ms, "
          f"p99 {pct(through, .99):.2f} ms; two bare hops (control round trip + plain POST): p50 {pct(floor, .5):.2f} ms, "
          f"p99 {pct(floor, .99):.2f} ms")
    added = pct(through, .99) - pct(floor, .99)
    print(f"Added latency p99: {added:.2f} ms (target < 5 ms); median ratio {statistics.median(through) / statistics.median(floor):.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
