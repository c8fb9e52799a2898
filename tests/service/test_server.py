"""The HTTP service, as an integrator meets it: a real server process called over loopback HTTP."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from http_server import ROOT, TOKEN, Server, running_server, validate

from clientlens.resources import example_path
from clientlens.schema import load_schema
from clientlens.service.openapi import contract_components

EXAMPLE = example_path("entretien_concession.txt")
LEADER = "Bruno Caradec"
FORMATS = ROOT / "tests" / "data" / "formats"
#: A marker that must never reach the server's log or temporary directory.
MARKER = "Zéphyrin-Quintal-7431"
SHORT = f"DG : Nos clients sont nos partenaires, {MARKER} les écoute et les rappelle le jour même."


def cli(*args: str, cwd: Path = ROOT) -> str:
    return subprocess.run([sys.executable, "-m", "clientlens", *args], capture_output=True, text=True, check=True,
                          cwd=cwd).stdout


def upload(client: httpx.Client, path: Path, name: str | None = None, **fields) -> httpx.Response:
    return client.post("/v1/analyze", files={"file": (name or path.name, path.read_bytes())}, data=fields)


def as_json(client: httpx.Client, text: str, **options) -> httpx.Response:
    return client.post("/v1/analyze", json={"text": text, **options})


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[Server]:
    """The default server: no token, the library's size limit."""
    with running_server(tmp_path_factory.mktemp("server")) as running:
        yield running


@pytest.fixture(scope="module")
def guarded_server(tmp_path_factory) -> Iterator[Server]:
    """Two workers, a token from the environment, a 3,000-byte body limit and a 50 ms time limit."""
    with running_server(tmp_path_factory.mktemp("guarded"), "--workers", "2", "--max-bytes", "3000",
                        "--timeout", "0.05", env={"CLIENTLENS_TOKEN": TOKEN}) as running:
        yield running


# ---------------------------------------------------------------------- the contract over HTTP


def test_health_and_version(server, analyzer):
    with server.client() as client:
        assert client.get("/v1/health").json() == {"status": "ok"}
        version = client.get("/v1/version").json()
    expected = {k: v for k, v in analyzer.provenance().items() if k != "settings"}
    assert version == {"schema_version": "1.2", "api": "v1", **expected}
    assert len(version["model_sha256"]) == len(version["lexicon_sha256"]) == 64


@pytest.mark.parametrize("fmt", ["json", "text", "html"])
def test_bundled_example_as_json_text_is_what_the_cli_prints(server, fmt):
    relative = str(EXAMPLE.relative_to(ROOT)) if EXAMPLE.is_relative_to(ROOT) else str(EXAMPLE)
    expected = cli("analyze", relative, "--speaker", LEADER, "--format", fmt)
    with server.client() as client:
        response = as_json(client, EXAMPLE.read_text(encoding="utf-8"), speaker=LEADER, source=relative, format=fmt)
    assert response.status_code == 200
    assert response.text == (expected if fmt == "html" else expected.removesuffix("\n"))
    if fmt == "json":
        assert validate(response)["verdict"] == "walk_away"


def test_bundled_example_uploaded_is_what_the_cli_prints(server):
    expected = cli("analyze", EXAMPLE.name, "--speaker", LEADER, "--format", "json", cwd=EXAMPLE.parent)
    with server.client() as client:
        response = upload(client, EXAMPLE, speaker=LEADER)
    assert response.status_code == 200
    assert response.text == expected.removesuffix("\n")
    validate(response)


@pytest.mark.parametrize("name", ["teams.vtt", "zoom.vtt", "named.srt", "teams.docx", "word.docx", "whisper.json"])
@pytest.mark.parametrize("redact", [False, True])
def test_uploads_give_the_library_s_report(server, analyzer, name, redact):
    path = FORMATS / name
    with server.client() as client:
        response = upload(client, path, name=f"dossier/{name}", redact=str(redact).lower())
    data = validate(response)
    expected = analyzer.analyze_file(path, redact=redact).to_dict()
    assert data["source"] == name or redact
    assert {k: v for k, v in data.items() if k != "source"} == {k: v for k, v in expected.items() if k != "source"}
    assert all(data["text"][e["start"]:e["end"]] == e["text"] for e in data["evidence"] + data["sentences"])


def test_a_pdf_upload_gives_the_library_s_report(server, analyzer, tmp_path):
    from tests.io.test_pdf import hearing_pdf

    path = tmp_path / "audition.pdf"
    path.write_bytes(hearing_pdf())
    with server.client() as client:
        data = validate(upload(client, path))
    expected = analyzer.analyze_file(path).to_dict()
    assert data["source"] == "audition.pdf"
    assert {k: v for k, v in data.items() if k != "source"} == {k: v for k, v in expected.items() if k != "source"}
    assert [s["name"] for s in data["speakers"] if s["scored"]] == [
        "Paul Girard (président-directeur général du groupe Vellane)"]


def test_options_reach_the_analysis(server, analyzer):
    with server.client() as client:
        lexicon_only = validate(as_json(client, EXAMPLE.read_text(encoding="utf-8"), lexicon_only=True))
        strict = validate(as_json(client, EXAMPLE.read_text(encoding="utf-8"), speaker=[LEADER], go=20, walk_away=10))
        vtt = validate(as_json(client, (FORMATS / "zoom.vtt").read_text(encoding="utf-8"), input_format="vtt"))
    assert lexicon_only["provenance"]["model_sha256"] is None
    assert strict["provenance"]["settings"]["thresholds"] == {"go": 20.0, "walk_away": 10.0}
    assert strict["verdict"] == "go"
    assert vtt["sentences"][0]["t_start"] is not None


def test_concurrent_requests_equal_sequential_ones(server):
    requests = [
        ("json", {"text": EXAMPLE.read_text(encoding="utf-8"), "speaker": LEADER}),
        ("json", {"text": example_path("reunion_mutuelle.txt").read_text(encoding="utf-8")}),
        ("json", {"text": SHORT, "redact": True}),
        ("json", {"text": SHORT, "lexicon_only": True}),
        ("file", FORMATS / "teams.vtt"),
        ("file", FORMATS / "teams.docx"),
        ("file", FORMATS / "named.srt"),
        ("json", {"text": EXAMPLE.read_text(encoding="utf-8"), "redact": True}),
    ]

    def send(request) -> tuple[int, str]:
        kind, value = request
        with server.client() as client:
            response = upload(client, value) if kind == "file" else client.post("/v1/analyze", json=value)
        return response.status_code, response.text

    sequential = [send(r) for r in requests]
    with ThreadPoolExecutor(len(requests) * 2) as pool:
        concurrent = list(pool.map(send, requests * 2))
    assert [status for status, _ in sequential] == [200] * len(requests)
    assert concurrent == sequential * 2


def test_openapi_is_generated_from_the_contract_schema(server):
    with server.client() as client:
        document = client.get("/openapi.json").json()
        docs = client.get("/docs")
    operation = document["paths"]["/v1/analyze"]["post"]
    assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/report"}
    assert set(operation["requestBody"]["content"]) == {"application/json", "multipart/form-data"}
    for status in ("400", "401", "413", "415", "422", "500", "503"):
        assert operation["responses"][status]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/error"}
    components = document["components"]["schemas"]
    assert {k: components[k] for k in contract_components()} == contract_components()
    assert set(components["report"]["properties"]) == set(load_schema("report")["properties"])
    assert components["report"]["properties"]["evidence"]["items"] == {"$ref": "#/components/schemas/evidence"}
    assert docs.status_code == 200 and "swagger" in docs.text.lower()


CODIR = example_path("codir_rivaud.txt")


@pytest.mark.parametrize(("name", "lang"), [("codir_rivaud.txt", "fr"), ("codir_rivaud.vtt", "en")])
def test_team_meeting_is_what_the_cli_prints(server, name, lang):
    path = example_path(name)
    expected = {fmt: cli("team", path.name, "--format", fmt, "--lang", lang, cwd=path.parent)
                for fmt in ("json", "text")}
    with server.client() as client:
        uploaded = client.post("/v1/team", files={"file": (path.name, path.read_bytes())}, data={"language": lang})
        text = client.post("/v1/team", files={"file": (path.name, path.read_bytes())},
                           data={"language": lang, "format": "text"})
    team = validate(uploaded, "team")
    assert uploaded.text == expected["json"].removesuffix("\n")
    assert text.text == expected["text"].removesuffix("\n")
    assert team["decision"] in {"go", "probe", "walk_away", "insufficient_speech"} and team["language"] == lang


def test_team_as_json_text_with_options(server):
    with server.client() as client:
        response = client.post("/v1/team", json={"text": CODIR.read_text(encoding="utf-8"), "source": CODIR.name,
                                                 "leader": "Catherine Rivaud", "critical_mass": 1.0})
        unknown = client.post("/v1/team", json={"text": CODIR.read_text(encoding="utf-8"), "leader": "Marc Personne"})
        bad = client.post("/v1/team", json={"text": CODIR.read_text(encoding="utf-8"), "critical_mass": 2})
    team = validate(response, "team")
    assert team["leader"] == {"name": "Catherine Rivaud", "inferred": False, "basis": "given"}
    assert team["critical_mass"]["share"] == 1.0
    assert (unknown.status_code, validate(unknown)["error"]["code"]) == (422, "speaker_not_found")
    assert (bad.status_code, validate(bad)["error"]["code"]) == (422, "bad_request")


def test_openapi_describes_the_team_route(server):
    with server.client() as client:
        document = client.get("/openapi.json").json()
    operation = document["paths"]["/v1/team"]["post"]
    assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/team"}
    assert {"TeamRequest", "TeamUpload", "team", "team_member"} <= set(document["components"]["schemas"])


SHORTLIST = [example_path("entretien_concession.txt"), example_path("reunion_mutuelle.txt"),
             example_path("codir_rivaud.vtt")]
ENGLISH = (b"We always listen to our customers and call them back the same day when they have a problem, "
           b"because their trust is earned over time.")


@pytest.mark.parametrize(("fmt", "lang"), [("json", "fr"), ("text", "en"), ("csv", "fr"), ("html", "fr"),
                                           ("html", "en")])
def test_compare_uploads_is_what_the_cli_prints(server, fmt, lang):
    """Several files uploaded to /v1/compare answer what `clientlens compare FILE...` prints."""
    expected = cli("compare", *(p.name for p in SHORTLIST), "--format", fmt, "--lang", lang, cwd=SHORTLIST[0].parent)
    with server.client() as client:
        response = client.post("/v1/compare", files=[("file", (p.name, p.read_bytes())) for p in SHORTLIST],
                               data={"format": fmt, "language": lang})
    assert response.status_code == 200
    got = response.text.replace("\r\n", "\n")  # the CSV's line ends (`cli` reads the output as text)
    assert got == (expected.removesuffix("\n") if fmt in ("json", "text") else expected)
    media = {"json": "application/json", "text": "text/plain", "csv": "text/csv", "html": "text/html"}[fmt]
    assert response.headers["content-type"].startswith(media)
    if fmt == "json":
        comparison = validate(response, "comparison")
        assert comparison["language"] == lang
        assert sorted(r["source"] for r in comparison["rows"]) == sorted(p.name for p in SHORTLIST)


def test_compare_json_transcripts_with_names_speakers_and_failed_rows(server):
    """JSON transcripts: their names and speakers reach the rows; an entry that cannot be scored
    (not French, unknown speaker) is a row with its error, and the others are all there."""
    body = {"transcripts": [
        {"name": "Concession", "text": SHORTLIST[0].read_text(encoding="utf-8"), "speaker": LEADER},
        {"name": "Rivaud", "text": SHORTLIST[2].read_text(encoding="utf-8"), "input_format": "vtt"},
        {"text": ENGLISH.decode()},
        {"name": "Personne", "text": SHORTLIST[1].read_text(encoding="utf-8"), "speaker": "Marc Personne"},
    ], "language": "en"}
    with server.client() as client:
        response = client.post("/v1/compare", json=body)
        text = client.post("/v1/compare", json={**body, "format": "text"})
    comparison = validate(response, "comparison")
    rows = {r["name"]: r for r in comparison["rows"]}
    assert comparison["language"] == "en" and list(rows)[:2] in (["Rivaud", "Concession"], ["Concession", "Rivaud"])
    assert rows["Concession"]["speaker_basis"] == "given" and LEADER in rows["Concession"]["speaker"]
    assert rows["Rivaud"]["speaker_basis"] == "title" and rows["Rivaud"]["source"] is None
    assert rows["#3"]["error"]["code"] == "not_french"
    assert rows["Personne"]["error"]["code"] == "speaker_not_found"
    assert text.status_code == 200 and "2 of 4 entries failed" in text.text


@pytest.mark.parametrize(("send", "status", "code"), [
    (lambda c: c.post("/v1/compare", json={"transcripts": []}), 422, "bad_request"),
    (lambda c: c.post("/v1/compare", json={"transcripts": [{"text": SHORT}], "format": "pdf"}), 422, "bad_request"),
    (lambda c: c.post("/v1/compare", files=[("file", ("a.txt", SHORT.encode())), ("file", ("b.txt", SHORT.encode()))],
                      data={"speaker": "DG"}), 422, "bad_request"),
    (lambda c: c.post("/v1/compare", files=[("file", ("a.txt", SHORT.encode())),
                                            ("file", ("b.txt", b"\x00\x01binary\x00"))]), 400, "input_error"),
    (lambda c: c.post("/v1/compare", content=SHORT.encode(), headers={"content-type": "text/plain"}),
     415, "unsupported_media_type"),
    (lambda c: c.get("/v1/compare"), 405, "method_not_allowed"),
], ids=["no_transcript", "bad_format", "speakers_not_per_file", "unreadable_file", "media_type", "get"])
def test_bad_compare_requests_answer_the_error_object(server, send, status, code):
    with server.client() as client:
        response = send(client)
    assert response.status_code == status
    error = validate(response)["error"]
    assert error["code"] == code
    if code == "input_error":
        assert error["message"].startswith("transcripts.1: ")  # which transcript could not be read
    assert MARKER not in response.text


def test_openapi_describes_the_compare_route(server):
    with server.client() as client:
        document = client.get("/openapi.json").json()
    operation = document["paths"]["/v1/compare"]["post"]
    assert operation["responses"]["200"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/comparison"}
    assert "text/csv" in operation["responses"]["200"]["content"]
    assert set(operation["requestBody"]["content"]) == {"application/json", "multipart/form-data"}
    schemas = document["components"]["schemas"]
    assert {"CompareRequest", "CompareUpload", "comparison", "comparison_row"} <= set(schemas)
    assert schemas["CompareUpload"]["properties"]["file"]["type"] == "array"
    for status in ("400", "401", "413", "415", "422", "500", "503"):
        assert operation["responses"][status]["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/error"}


# ---------------------------------------------------------------------- bad requests


def test_unknown_speaker_lists_the_speakers(server):
    with server.client() as client:
        response = upload(client, EXAMPLE, speaker="Marc Personne")
    error = validate(response)["error"]
    assert response.status_code == 422
    assert error["code"] == "speaker_not_found"
    assert error["available"] == ["Intervieweuse", f"{LEADER} (directeur de la concession)"]


@pytest.mark.parametrize(("headers", "body"), [
    ({"content-type": "text/plain"}, SHORT.encode()),
    ({}, SHORT.encode()),
    ({"content-type": "application/xml"}, b"<text/>"),
])
def test_wrong_content_type_is_415(server, headers, body):
    with server.client() as client:
        response = client.post("/v1/analyze", content=body, headers=headers)
    assert response.status_code == 415
    assert validate(response)["error"]["code"] == "unsupported_media_type"


@pytest.mark.parametrize("send", [
    lambda c: c.post("/v1/analyze", content=b'{"text": "DG : caf\xe9 et clients"}',
                     headers={"content-type": "application/json"}),
    lambda c: c.post("/v1/analyze", files={"file": ("a.txt", SHORT.encode())}, data={"speaker": b"Ren\xe9"}),
], ids=["json_body", "form_field"])
def test_invalid_utf8_is_an_input_error(server, send):
    with server.client() as client:
        response = send(client)
    assert response.status_code == 400
    error = validate(response)["error"]
    assert error["code"] == "input_error"
    assert "UTF-8" in error["message"]


@pytest.mark.parametrize("body", [
    {"text": SHORT, "format": "pdf"},
    {"text": SHORT, "go": 30, "walk_away": 50},
    {"text": SHORT, "go": 130},
    {"text": SHORT, "speakers": "DG"},
    {"text": SHORT, "speaker": []},
    {"speaker": "DG"},
    {"text": SHORT, "input_format": "docx"},
])
def test_invalid_options_are_bad_requests_that_do_not_echo_the_text(server, body):
    with server.client() as client:
        response = client.post("/v1/analyze", json=body)
    assert response.status_code == 422
    assert validate(response)["error"]["code"] == "bad_request"
    assert MARKER not in response.text


@pytest.mark.parametrize("send", [
    lambda c: c.post("/v1/analyze", content=b"{not json", headers={"content-type": "application/json"}),
    lambda c: c.post("/v1/analyze", files={"other": ("a.txt", b"DG : x")}),
    lambda c: c.post("/v1/analyze", files={"file": ("a.txt", b"DG : x")}, data={"colour": "red"}),
    lambda c: c.post("/v1/analyze", content=b"--x\r\n\r\n", headers={"content-type": "multipart/form-data"}),
], ids=["broken_json", "no_file_field", "unknown_field", "no_boundary"])
def test_malformed_bodies_are_bad_requests(server, send):
    with server.client() as client:
        response = send(client)
    assert response.status_code in (400, 422)
    assert validate(response)["error"]["code"] == "bad_request"


@pytest.mark.parametrize(("data", "code", "status"), [
    (b"   \n", "input_error", 400),
    (b"\x00\x01binary\x00", "input_error", 400),
    (b"We always listen to our customers and call them back the same day when they have a problem, "
     b"because their trust is earned over time.", "not_french", 422),
])
def test_library_errors_keep_their_codes(server, data, code, status):
    with server.client() as client:
        response = client.post("/v1/analyze", files={"file": ("t.txt", data)})
    assert response.status_code == status
    assert validate(response)["error"]["code"] == code


def test_unknown_route_and_method(server):
    with server.client() as client:
        missing, wrong = client.get("/v1/nothing"), client.get("/v1/analyze")
    assert (missing.status_code, validate(missing)["error"]["code"]) == (404, "not_found")
    assert (wrong.status_code, validate(wrong)["error"]["code"]) == (405, "method_not_allowed")


def test_body_over_the_default_limit_is_413(server):
    from clientlens.io.decode import MAX_INPUT_BYTES

    with server.client() as client:
        response = client.post("/v1/analyze", content=b" " * (MAX_INPUT_BYTES + 1),
                               headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert validate(response)["error"]["code"] == "payload_too_large"


# ---------------------------------------------------------------------- limits and token


def _auth(token: str = TOKEN) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


@pytest.mark.parametrize("headers", [{}, _auth("wrong"), _auth(TOKEN + "x"), {"authorization": TOKEN},
                                     {"authorization": f"Basic {TOKEN}"}])
def test_token_refused(guarded_server, headers):
    with guarded_server.client(headers=headers) as client:
        responses = [client.get("/v1/version"), as_json(client, SHORT),
                     client.post("/v1/compare", json={"transcripts": [{"text": SHORT}]})]
    for response in responses:
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"
        assert validate(response)["error"]["code"] == "unauthorized"


def test_token_accepted_and_health_open(guarded_server):
    with guarded_server.client() as client:
        assert client.get("/v1/health").status_code == 200
    with guarded_server.client(headers=_auth()) as client:
        assert client.get("/v1/version").json()["schema_version"] == "1.2"


def test_body_over_max_bytes_is_413(guarded_server):
    with guarded_server.client(headers=_auth()) as client:
        declared = client.post("/v1/analyze", files={"file": ("t.txt", EXAMPLE.read_bytes() * 2)})
        streamed = client.post("/v1/analyze", content=iter([b'{"text": "', b"a" * 2000, b"a" * 2000, b'"}']),
                               headers={"content-type": "application/json"})
    for response in (declared, streamed):
        assert response.status_code == 413
        assert validate(response)["error"]["code"] == "payload_too_large"
    assert "content-length" not in streamed.request.headers


def test_analysis_over_the_time_limit_is_503_and_the_server_goes_on(guarded_server):
    with guarded_server.client(headers=_auth()) as client:
        response = as_json(client, EXAMPLE.read_text(encoding="utf-8")[:2000], redact=True)
        assert response.status_code == 503
        assert validate(response)["error"]["code"] == "timeout"
        assert client.get("/v1/health").status_code == 200


# ---------------------------------------------------------------------- privacy


def test_nothing_of_the_input_reaches_disk_or_log(server):
    """Uploads over Starlette's 1 MB spooling threshold stay in memory; the log has no body."""
    big = (f"DG : {MARKER} écoute ses clients.\n" * 40_000).encode("utf-8")
    assert len(big) > 1_500_000
    with server.client() as client:
        spooled = client.post("/v1/analyze", files={"file": (f"{MARKER}.txt", big)}, data={"speaker": "Personne"})
        failing = client.post("/v1/analyze", json={"text": SHORT, "format": "pdf"})
        analysed = as_json(client, SHORT)
    assert spooled.status_code == 422 and failing.status_code == 422 and analysed.status_code == 200
    assert list(server.tmpdir.iterdir()) == []
    assert MARKER not in server.log_text()
    assert "POST /v1/analyze" in server.log_text()
