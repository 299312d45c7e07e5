"""Latency of event -> signed webhook at a loopback receiver, against bare requests.post in the same run."""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from simulator.domain.clock import VirtualClock  # noqa: E402
from simulator.domain.notifications import Notification  # noqa: E402
from simulator.journal import Journal  # noqa: E402
from simulator.webhooks import DeliveryPolicy, Dispatcher, Endpoint, StaticDirectory  # noqa: E402
from simulator.webhooks.receiver import WebhookReceiver  # noqa: E402
from simulator.webhooks.serialize import meta_json  # noqa: E402
from simulator.webhooks.signing import sign  # noqa: E402

PAGE_ID = "1000000000000001"
APP_ID = "256859710996832"
SECRET = "cc-secret"


def _notification(i: int) -> Notification:
    event = {"sender": {"id": "7000000000000001"}, "recipient": {"id": PAGE_ID},
             "timestamp": 1_700_000_000_000 + i,
             "message": {"mid": f"m_{i}", "text": f"Cze\u015b\u0107 #{i} https://example.com/a"}}
    return Notification(APP_ID, "messaging", "messages", event, "message", "7000000000000001", PAGE_ID)


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def _measure(receiver: WebhookReceiver, send, n: int, warmup: int) -> list[float]:
    """Milliseconds from `send(i)` being called to the receiver having read the signed body."""
    samples = []
    for i in range(warmup + n):
        before = len(receiver.received())
        started = time.perf_counter()
        send(i)
        if not receiver.wait_for(before + 1, timeout=10):
            raise RuntimeError("the receiver got nothing within 10 s")
        got = receiver.received()[-1]
        if not got.signed_ok:
            raise RuntimeError("signature check failed at the receiver")
        if i >= warmup:
            samples.append((got.at - started) * 1000)
    return samples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=1000, help="measured deliveries per variant")
    parser.add_argument("--warmup", type=int, default=50)
    args = parser.parse_args()

    with WebhookReceiver() as receiver, tempfile.TemporaryDirectory() as run_dir:
        url = receiver.route("/hook", secret=SECRET)
        clock = VirtualClock()
        journal = Journal(clock, run_dir)  # durable journal on, as in the product
        directory = StaticDirectory([Endpoint(APP_ID, SECRET, url=url, verified=True, page_id=PAGE_ID)])
        dispatcher = Dispatcher(journal, clock, directory, DeliveryPolicy(), page_id=PAGE_ID)

        raw = meta_json({"object": "page", "entry": [{"id": PAGE_ID, "time": 1,
                                                       "messaging": [_notification(0).event]}]})
        headers = {"Content-Type": "application/json", **sign(raw, SECRET)}
        session = requests.Session()
        session.trust_env = False

        results = {
            "requests.post (new connection)": _measure(
                receiver, lambda i: requests.post(url, data=raw, headers=headers, timeout=5), args.n, args.warmup),
            "requests.Session.post (keep-alive)": _measure(
                receiver, lambda i: session.post(url, data=raw, headers=headers, timeout=5), args.n, args.warmup),
            "dispatcher (serialise+sign+journal+post)": _measure(
                receiver, lambda i: dispatcher.submit([_notification(i)]), args.n, args.warmup),
        }
        dispatcher.drain(10)
        dispatcher.close()
        journal.close()

    print(f"event -> signed webhook read at a loopback receiver, n={args.n} (after {args.warmup} warm-up)")
    print(f"{'variant':44} {'p50 ms':>8} {'p99 ms':>8}")
    stats = {}
    for name, samples in results.items():
        stats[name] = (statistics.median(samples), _percentile(samples, 0.99))
        print(f"{name:44} {stats[name][0]:8.3f} {stats[name][1]:8.3f}")
    ours = stats["dispatcher (serialise+sign+journal+post)"]
    for base in ("requests.post (new connection)", "requests.Session.post (keep-alive)"):
        p50, p99 = stats[base]
        print(f"ratio vs {base}: p50 {ours[0] / p50:.2f}x, p99 {ours[1] / p99:.2f}x, "
              f"added p99 {ours[1] - p99:+.3f} ms")


if __name__ == "__main__":
    main()
