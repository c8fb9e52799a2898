"""The service's pieces that an outside caller cannot reach: the last-resort error handler,
the settings, the command line's checks, the multipart reader."""

from __future__ import annotations

import asyncio
import json
import logging
import subprocess
import sys

import httpx
import pytest
from http_server import running_server

from clientlens.service.app import CatchAll
from clientlens.service.problems import ServiceError
from clientlens.service.requests import ValidationError, compare_job, parse_form
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


# ---------------------------------------------------------------------- POST /v1/compare bodies


def _form(files: list[tuple[str, bytes]], data: dict | None = None) -> tuple[str, bytes]:
    request = httpx.Request("POST", "http://service/v1/compare", files=[("file", f) for f in files], data=data or {})
    return request.headers["content-type"], request.read()


def _json(body: dict) -> tuple[str, bytes]:
    return "application/json", json.dumps(body).encode()


@pytest.mark.parametrize(("body", "expected"), [
    (_json({"transcripts": [{"name": "Rivaud", "text": "DG : x"}, {"text": "WEBVTT\n", "input_format": "vtt",
                                                                   "speaker": ["A", "B"]}],
            "language": "en", "format": "csv"}),
     ([("txt", None, "Rivaud", None), ("vtt", None, None, ["A", "B"])], ("en", "csv"))),
    (_json({"transcripts": [{"text": "DG : x"}], "input_format": "srt"}),
     ([("srt", None, None, None)], (None, "json"))),
    (_form([("a.txt", b"DG : x"), ("dir/b.vtt", b"WEBVTT\n")]),
     ([("txt", "a.txt", None, None), ("vtt", "b.vtt", None, None)], (None, "json"))),
    (_form([("a.txt", b"DG : x"), ("b.vtt", b"WEBVTT\n")],
           {"speaker": ["-", "Claire Vasseur"], "label": ["Rivaud", ""], "format": "html", "language": "fr"}),
     ([("txt", "a.txt", "Rivaud", None), ("vtt", "b.vtt", None, "Claire Vasseur")], ("fr", "html"))),
    (_form([("a.docx", b"PK")], {"input_format": "txt"}), ([("txt", "a.docx", None, None)], (None, "json"))),
], ids=["json", "json_default_format", "upload", "upload_per_file_fields", "upload_forced_format"])
def test_compare_bodies_become_one_entry_per_transcript(body, expected):
    """JSON transcripts and uploaded files, in order, with their reader, row name and speaker."""
    job = compare_job(*body)
    entries, (language, fmt) = expected
    assert [(e.input_format, e.source, e.name, e.speaker) for e in job.entries] == entries
    assert (job.options.language, job.options.format) == (language, fmt)


@pytest.mark.parametrize(("body", "status", "code"), [
    (_json({"transcripts": []}), 422, "bad_request"),
    (_json({"transcripts": [{"name": "x"}]}), 422, "bad_request"),
    (_json({"transcripts": [{"text": "x"}], "format": "xml"}), 422, "bad_request"),
    (_json({"transcripts": [{"text": "x"}], "speaker": "DG"}), 422, "bad_request"),
    (_json({"transcripts": [{"text": "x", "input_format": "docx"}]}), 422, "bad_request"),
    (_json({"text": "x"}), 422, "bad_request"),
    (_form([("a.txt", b"x"), ("b.txt", b"y")], {"speaker": ["A"]}), 422, "bad_request"),
    (_form([("a.txt", b"x")], {"label": ["A", "B"]}), 422, "bad_request"),
    (_form([("a.txt", b"x")], {"format": ["csv", "json"]}), 422, "bad_request"),
    (_form([("a.txt", b"x")], {"colour": "red"}), 422, "bad_request"),
    (("text/plain", b"DG : x"), 415, "unsupported_media_type"),
], ids=["empty", "no_text", "bad_format", "unknown_option", "binary_format_in_json", "analyze_body",
        "speakers_not_per_file", "labels_not_per_file", "repeated_option", "unknown_field", "media_type"])
def test_bad_compare_bodies_are_refused(body, status, code):
    with pytest.raises((ServiceError, ValidationError)) as caught:
        compare_job(*body)
    error = caught.value
    if isinstance(error, ValidationError):  # the app answers it with 422 bad_request
        assert (status, code) == (422, "bad_request")
    else:
        assert (error.status, error.code) == (status, code)


def test_an_upload_without_files_is_refused():
    request = httpx.Request("POST", "http://service/v1/compare", files={"other": ("a.txt", b"x")})
    with pytest.raises(ServiceError) as caught:
        compare_job(request.headers["content-type"], request.read())
    assert (caught.value.status, caught.value.code) == (422, "bad_request")
