"""Run a simulation on a real HTTP server on loopback, in a background thread.

Tests, the runner and the benchmarks use `start_simulator`; `handover serve` uses a production
server (see `simulator.serve`). Binds 127.0.0.1 unless told otherwise.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

from simulator.app import create_app
from simulator.client import SimClient
from simulator.simulation import Simulation


class _QuietHandler(WSGIRequestHandler):
    """HTTP/1.1 keep-alive (a new connection and thread per call doubled the cost of the
    harness's many small control calls) and no access log: the journal is the record."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # with keep-alive, Nagle + delayed ACK stall small replies ~40 ms

    def log_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@dataclass
class RunningSimulator:
    url: str
    simulation: Simulation
    server: BaseWSGIServer
    thread: threading.Thread

    @property
    def client(self) -> SimClient:
        return SimClient(self.url)

    @property
    def port(self) -> int:
        return self.server.server_port

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)
        self.simulation.close()

    def __enter__(self) -> "RunningSimulator":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.stop()


def start_simulator(config: dict | str | Path | None = None, *, host: str = "127.0.0.1", port: int = 0,
                    run_dir: str | Path | None = None, frozen_clock: bool = False,
                    delivery: dict[str, Any] | None = None) -> RunningSimulator:
    """Start a simulation on `host:port` (0 = an ephemeral port) and return once it listens."""
    simulation = Simulation(config, run_dir=run_dir, frozen_clock=frozen_clock or None)
    if delivery:
        simulation.set_delivery_defaults(**delivery)
    app = create_app(simulation)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = make_server(host, port, app, threaded=True, request_handler=_QuietHandler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              name=f"simulator:{server.server_port}", daemon=True)
    thread.start()
    running = RunningSimulator(f"http://{host}:{server.server_port}", simulation, server, thread)
    # Handshakes for webhooks named in the config run once the server is up (the receiver may
    # call back into the Graph API while answering).
    simulation.verify_configured_webhooks()
    return running
