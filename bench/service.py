"""HTTP service benchmark: requests per second and latency of POST /v1/analyze for the bundled
example, with 1 and 2 uvicorn workers.

Run: python bench/service.py [--requests N] [--workers 1 2]

Each run starts a real `clientlens serve` process of this checkout's src/ on a free loopback
port, waits for /v1/health (every worker loaded), sends a few warm-up requests, then N requests
from 2 × workers client threads (so every worker always has one queued), and prints the
throughput and the median and 95th-percentile latency. It prints; it asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "entretien_concession.txt"
BODY = {"text": EXAMPLE.read_text(encoding="utf-8"), "speaker": "Bruno Caradec"}
WARM_UP = 4


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(workers: int, log: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    with log.open("wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "clientlens", "serve", "--port", str(port),
                                    "--workers", str(workers)], stdout=out, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"the server exited:\n{log.read_text(errors='replace')[-2000:]}")
        try:
            if httpx.get(url + "/v1/health", timeout=2).status_code == 200:
                time.sleep(workers - 1)  # the other workers finish loading
                return process, url
        except httpx.TransportError:
            time.sleep(0.3)
    process.kill()
    sys.exit("the server did not start within 180 s")


def measure(url: str, requests: int, clients: int) -> tuple[float, list[float]]:
    def one(_: int) -> float:
        with httpx.Client(base_url=url, timeout=300) as client:
            began = time.perf_counter()
            response = client.post("/v1/analyze", json=BODY)
            response.raise_for_status()
            return time.perf_counter() - began

    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(one, range(WARM_UP * clients)))
        began = time.perf_counter()
        latencies = list(pool.map(one, range(requests)))
    return requests / (time.perf_counter() - began), latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    print(f"POST /v1/analyze, {EXAMPLE.name} ({len(BODY['text']):,} characters), {args.requests} requests, "
          f"{os.cpu_count()} CPU cores")
    with tempfile.TemporaryDirectory() as tmp:
        for workers in args.workers:
            process, url = start(workers, Path(tmp) / f"server{workers}.log")
            try:
                rate, latencies = measure(url, args.requests, 2 * workers)
            finally:
                process.terminate()
                process.wait(timeout=30)
            q = statistics.quantiles(latencies, n=20)
            print(f"workers={workers} clients={2 * workers}: {rate:.1f} requests/s, "
                  f"latency median {statistics.median(latencies) * 1000:.0f} ms, p95 {q[18] * 1000:.0f} ms")


if __name__ == "__main__":
    main()
