"""The service's pieces that an outside caller cannot reach: the last-resort error handler,
the settings, the command line's checks, the multipart reader."""

from __future__ import annotations

import asyncio
import logging
import subprocess
import sys

import httpx
import pytest
from http_server import running_server

from clientlens.service.app import CatchAll
from clientlens.service.problems import ServiceError
from clientlens.service.requests import parse_form
from clientlens.service.settings import Settings

SECRET = "Mme Irène Transcription"


def test_unexpected_errors_are_500_internal_without_their_text(caplog):
    async def failing(scope, receive, send):
        raise RuntimeError(f"could not score: {SECRET} a dit ...")

    async def call() -> httpx.Response:
        transport = httpx.ASGITransport(app=CatchAll(failing))
        async with httpx.AsyncClient(transport=transport, base_url="http://service") as client:
            return await client.post("/v1/analyze")

    with caplog.at_level(logging.DEBUG):
        response = asyncio.run(call())
    assert response.status_code == 500
    assert response.json() == ServiceError.internal().body()
    assert response.json()["error"]["code"] == "internal_error"
    assert SECRET not in response.text and "Traceback" not in response.text
    assert "RuntimeError" in caplog.text and SECRET not in caplog.text


def test_settings_never_show_the_token():
    settings = Settings(token="hunter2-token")
    assert "hunter2-token" not in repr(settings) and "hunter2-token" not in str(settings)
    assert "***" in repr(settings)


def test_token_from_the_environment_unless_given(monkeypatch):
    monkeypatch.setenv("CLIENTLENS_TOKEN", "from-env")
    assert Settings().with_environment_token().token == "from-env"
    assert Settings(token="flag").with_environment_token().token == "flag"
    monkeypatch.delenv("CLIENTLENS_TOKEN")
    assert Settings().with_environment_token().token is None


@pytest.mark.parametrize("args", [["--workers", "0"], ["--max-bytes", "0"], ["--timeout", "-1"]])
def test_cli_refuses_bad_settings_without_a_traceback(args):
    done = subprocess.run([sys.executable, "-m", "clientlens", "serve", *args], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 2
    assert done.stderr.startswith("clientlens: error: invalid service settings") and "Traceback" not in done.stderr


@pytest.mark.parametrize(("host", "exposed"), [("127.0.0.1", False), ("127.0.1.1", False), ("localhost", False),
                                               ("::1", False), ("0.0.0.0", True), ("192.168.1.20", True)])
def test_hosts_beyond_loopback_are_exposed(host, exposed):
    assert Settings(host=host).exposed is exposed


def test_token_flag(tmp_path):
    with running_server(tmp_path, "--token", "flag-token") as server:
        with server.client() as client:
            assert client.get("/v1/version").status_code == 401
            assert client.get("/v1/version", headers={"authorization": "Bearer flag-token"}).status_code == 200
        assert "flag-token" not in server.log_text()


@pytest.mark.parametrize("payload", [b"", b"\r\n", b"a\r\nb\nc\r\r\n--x\r\n", bytes(range(256)) * 4000])
def test_multipart_files_come_back_byte_for_byte(payload):
    request = httpx.Request("POST", "http://service/v1/analyze", files={"file": ("x.docx", payload)},
                            data={"speaker": ["A", "Bé"]})
    fields, files = parse_form(request.headers["content-type"], request.read())
    assert files == {"file": [("x.docx", payload)]}
    assert fields == {"speaker": ["A", "Bé"]}


def test_a_body_that_is_not_multipart_is_refused():
    with pytest.raises(ServiceError) as caught:
        parse_form("multipart/form-data; boundary=zzz", b"no parts at all")
    assert (caught.value.status, caught.value.code) == (400, "bad_request")
