"""A real `clientlens serve` process on a free loopback port, called over HTTP with httpx.

Helpers of the service tests (a module of its own: a second conftest.py would shadow the
`conftest` module other test files import from).
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import jsonschema
import pytest

from clientlens.schema import load_schema

ROOT = Path(__file__).resolve().parents[2]
#: Seconds a server may take to load its models on a busy machine before the test fails.
START_TIMEOUT = 120.0


@dataclass
class Server:
    """A running server: its base URL, its log (stdout and stderr) and its temporary directory."""

    url: str
    log: Path
    tmpdir: Path
    process: subprocess.Popen

    def client(self, **kwargs) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=120.0, **kwargs)

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_server(workdir: Path, *args: str, env: dict[str, str] | None = None) -> Iterator[Server]:
    """Start `python -m clientlens serve ARGS`, wait for /v1/health, stop it afterwards.

    Fails (never skips) when the server does not come up.
    """
    port = free_port()
    tmpdir = workdir / "tmp"
    tmpdir.mkdir()
    log = workdir / "server.log"
    inherited = {k: v for k, v in os.environ.items() if k != "CLIENTLENS_TOKEN"}
    environment = {**inherited, "TMPDIR": str(tmpdir), **(env or {})}
    with log.open("wb") as out:
        process = subprocess.Popen([sys.executable, "-m", "clientlens", "serve", "--port", str(port), *args],
                                   stdout=out, stderr=subprocess.STDOUT, env=environment, cwd=workdir)
    server = Server(f"http://127.0.0.1:{port}", log, tmpdir, process)
    try:
        _wait_until_healthy(server)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_until_healthy(server: Server) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            pytest.fail(f"clientlens serve exited with {server.process.returncode}:\n{server.log_text()[-3000:]}")
        try:
            if httpx.get(server.url + "/v1/health", timeout=2.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    pytest.fail(f"clientlens serve did not answer /v1/health within {START_TIMEOUT:g} s:\n{server.log_text()[-3000:]}")


TOKEN = "s3cret-token-for-tests"


def validate(response: httpx.Response, success: str = "report") -> dict:
    """The JSON body of a response, validated: a `success` kind (report, team) on 200, the error object otherwise."""
    data = response.json()
    kind = success if response.status_code == 200 else "error"
    jsonschema.Draft202012Validator(load_schema(kind)).validate(data)
    return data
