"""Privacy: no network at import or analysis, no transcript text in error, log or warning messages.

The rule (issue 7): clientlens never opens a network connection, and a message (exception,
CLI stderr, log record, warning) never carries more of the caller's text than a short,
explicit excerpt: here, never more than MAX_EXCERPT consecutive characters of the input.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import shutil
import socket
import subprocess
import sys
import time
import warnings
from pathlib import Path

import pytest
from conftest import docx_bytes

from clientlens import cli
from clientlens.classifier.model import MANIFEST_FILE, MODEL_FILE, load_classifier
from clientlens.errors import ClientlensError, SpeakerNotFoundError
from clientlens.io.decode import MAX_INPUT_BYTES
from clientlens.io.plain import parse_text
from clientlens.lexicon.matcher import load_lexicon
from clientlens.pipeline import analyze, analyze_file
from clientlens.resources import example_path, model_dir

FORMATS = Path(__file__).parent / "data" / "formats"

#: The longest run of input characters a message may repeat.
MAX_EXCERPT = 40
SECRET = "Mme Zéphyrine Kowalczyk a signé le contrat 77-XK-204"
FRENCH = (
    "Marc Lefèvre (DG) : Nos clients sont des partenaires, nous les écoutons et nous les rappelons. "
    f"{SECRET}. Elle nous a remerciés pour notre patience.\n\n"
    "Sophie Martin : Et quand un client se plaint ?\n\n"
    f"Marc Lefèvre (DG) : On le rappelle le jour même. {SECRET}, et elle est restée cliente.\n"
)
ENGLISH = (
    "We listen to our customers and we always call them back the same day when they have a problem. "
    f"{SECRET}. They tell us what we got wrong and we fix it with them, because their trust is earned."
)


def leaked(message: str, inputs: str, allowed: tuple[str, ...] = ()) -> str | None:
    """The first run of more than MAX_EXCERPT characters of `inputs` that `message` repeats, if any.

    Case is ignored; `allowed` strings (such as the speaker names listed on purpose) are removed
    from the message first.
    """
    message = message.casefold()
    for name in allowed:
        message = message.replace(name.casefold(), "\x00")
    inputs = inputs.casefold()
    width = MAX_EXCERPT + 1
    for i in range(len(message) - width + 1):
        if message[i : i + width] in inputs:
            return message[i : i + width]
    return None


def assert_private(message: str, inputs: str, allowed: tuple[str, ...] = ()) -> None:
    run = leaked(message, inputs, allowed)
    assert run is None, f"the message repeats {len(run)}+ characters of the input ({run!r}): {message!r}"


# ====================================================================== a. no network in a fresh process

BOOTSTRAP = r'''
import socket, sys, traceback
ATTEMPTS = []

class _Blocked(OSError):
    pass

def _record(what, *args):
    ATTEMPTS.append(f"{what}{args!r}")
    raise _Blocked(f"network access attempted: {what}{args!r}")

_RealSocket = socket.socket

PROBES = []

def _is_ipv6_probe():
    # urllib3 (imported by spaCy's CLI module) checks at import whether it could bind ::1; it
    # creates a socket, never connects, and treats the failure as "no IPv6". Noted, not counted.
    caller = sys._getframe(2).f_code
    path = caller.co_filename.replace("\\", "/")
    return caller.co_name == "_has_ipv6" and path.endswith("urllib3/util/connection.py")

class _GuardedSocket(_RealSocket):
    def __init__(self, family=-1, type=-1, proto=-1, fileno=None):
        if fileno is None and family in (-1, socket.AF_INET, socket.AF_INET6):
            if _is_ipv6_probe():
                PROBES.append("urllib3 IPv6 probe")
                raise _Blocked("socket creation blocked")
            _record("socket.socket", family, type)
        super().__init__(family, type, proto, fileno)
    def connect(self, address):
        _record("socket.connect", address)
    def connect_ex(self, address):
        _record("socket.connect_ex", address)

socket.socket = _GuardedSocket
socket.SocketType = _GuardedSocket
socket.create_connection = lambda *a, **k: _record("socket.create_connection", *a)
socket.getaddrinfo = lambda *a, **k: _record("socket.getaddrinfo", *a)
'''

MAIN_PATHS = r'''
import contextlib, io, os
from pathlib import Path

tmp, formats = Path(sys.argv[1]), Path(sys.argv[2])
failures = []

def step(name, fn):
    try:
        fn()
    except BaseException as exc:
        failures.append(name)
        print(f"FAILED {name}: {type(exc).__name__}: {exc}", file=sys.stderr)
        traceback.print_exc()

def cli(*args, out):
    from clientlens.cli import main
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        status = main(list(args))
    (tmp / out).write_text(buffer.getvalue(), "utf-8")
    assert status == 0, (args, status)

import clientlens
from clientlens.resources import example_path

example = example_path("entretien_concession.txt")
fixtures = [formats / n for n in ("teams.vtt", "named.srt", "teams.docx", "diarised.json")]
fixtures.append(tmp / "plain.txt")
fixtures[-1].write_text("DG : Nos clients sont des partenaires, nous les rappelons toujours le jour même.", "utf-8")
state = {}
step("Analyzer()", lambda: state.setdefault("analyzer", clientlens.Analyzer()))
step("analyze(example)", lambda: state.setdefault("report", clientlens.analyze(example.read_text("utf-8"))))
for path in fixtures:
    step(f"analyze_file({path.name})", lambda p=path: clientlens.analyze_file(p))
step("report.to_json()", lambda: state["report"].to_json())
step("report.to_html()", lambda: state["report"].to_html(tmp / "report.html"))
step("report.summary()", lambda: state["report"].summary())
step("analyze(example, redact=True)", lambda: clientlens.analyze(example.read_text("utf-8"), redact=True).to_html())
for fmt in ("text", "json", "html"):
    step(f"cli analyze --format {fmt}",
         lambda f=fmt: cli("analyze", str(example), "--speaker", "Bruno Caradec", "--format", f, out=f"out.{f}"))
step("cli analyze --redact", lambda: cli("analyze", str(example), "--redact", out="redacted.txt"))
step("cli speakers", lambda: cli("speakers", str(fixtures[0]), out="speakers.txt"))
def batch():
    results = clientlens.analyze_many([example, *fixtures], n_jobs=1, progress=False)
    assert all(isinstance(r, clientlens.Report) for r in results), results
step("analyze_many(n_jobs=1)", batch)

if ATTEMPTS:
    print("network attempts:", *ATTEMPTS, sep="\n  ", file=sys.stderr)
if failures:
    print("failed paths:", *failures, sep="\n  ", file=sys.stderr)
sys.exit(1 if ATTEMPTS or failures else 0)
'''


@pytest.mark.slow
def test_main_paths_run_with_sockets_blocked(tmp_path):
    """Import, Analyzer, analyze, every format, report outputs, CLI, batch: no socket, in a fresh process."""
    out = subprocess.run([sys.executable, "-c", BOOTSTRAP + MAIN_PATHS, str(tmp_path), str(FORMATS)],
                         capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-6000:]
    assert (tmp_path / "out.json").read_text("utf-8").lstrip().startswith("{")
    assert (tmp_path / "report.html").exists()


def test_bootstrap_really_blocks_sockets():
    """The bootstrap catches what it claims to: a connection attempt makes the process fail."""
    probe = BOOTSTRAP + (
        "\ntry:\n    socket.create_connection(('93.184.216.34', 80), timeout=1)\nexcept OSError:\n    pass\n"
        "sys.exit(3 if ATTEMPTS else 0)\n"
    )
    assert subprocess.run([sys.executable, "-c", probe], timeout=60).returncode == 3


# ====================================================================== b. the suite-wide guard (conftest)


def test_suite_blocks_non_loopback_connections():
    from conftest import BLOCKED, NetworkBlockedError

    before = len(BLOCKED)
    start = time.monotonic()
    with pytest.raises(NetworkBlockedError, match=r"93\.184\.216\.34"):
        socket.create_connection(("93.184.216.34", 80), timeout=5)
    with pytest.raises(NetworkBlockedError), socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.connect_ex(("93.184.216.34", 443))
    with pytest.raises(NetworkBlockedError, match=r"example\.com"):
        socket.getaddrinfo("example.com", 80)
    assert time.monotonic() - start < 1.0  # refused on the spot, not after a timeout
    assert len(BLOCKED) == before + 3
    del BLOCKED[before:]  # these attempts were the point of the test: they must not fail the session


def test_suite_allows_loopback():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        with socket.create_connection(server.getsockname(), timeout=5):
            pass
    assert socket.getaddrinfo("localhost", 80)


# ====================================================================== c. error messages


def _write(path: Path, data: bytes | str) -> Path:
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def _zip_with_secret() -> bytes:
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", FRENCH)
    return buffer.getvalue()


def _big_file(path: Path) -> Path:
    with path.open("wb") as f:
        f.write((FRENCH * 4).encode("utf-8"))
        f.truncate(MAX_INPUT_BYTES + 1)  # sparse: cheap to make, refused before it is read
    return path


def _lexicon(tmp_path: Path, row: str) -> Path:
    return _write(tmp_path / "mine.jsonl", row + "\n")


def _row(**fields) -> str:
    base = {"term": "client captif", "family": "hunting", "polarity": "adversarial", "weight": 1.0}
    return json.dumps({**base, **fields}, ensure_ascii=False)


# name -> (file name, file content) for errors reached through a file (API analyze_file and the CLI)
FILE_CASES = {
    "empty": ("x.txt", b" \r\n\r\n "),
    "binary": ("x.txt", b"\x00\x01\x02" + FRENCH.encode("utf-8") + b"\x00\xff"),
    "undecodable-after-bom": ("x.txt", b"\xef\xbb\xbf" + FRENCH.encode("utf-8") + b"\xff\xfe\xfa"),
    "undecodable-cp1252": ("x.txt", FRENCH.encode("utf-8") + b"\x81\x8d\x8f\x90\x9d" * 20),
    "undecodable-utf16": ("x.txt", b"\xff\xfe" + FRENCH.encode("utf-16-le") + b"\x00\xd8"),
    "mismatch-vtt": ("x.vtt", FRENCH),
    "mismatch-srt": ("x.srt", FRENCH),
    "mismatch-json": ("x.json", FRENCH),
    "mismatch-docx": ("x.docx", FRENCH),
    "mismatch-txt-zip": ("x.txt", _zip_with_secret()),
    "vtt-no-cue": ("x.vtt", f"WEBVTT {SECRET}\n\nNOTE {SECRET}\n\n{SECRET}\n"),
    "vtt-no-speech": ("x.vtt", f"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\n[{SECRET}]\n"),
    "vtt-bad-timing": ("x.vtt", f"WEBVTT\n\n00:00:01.000 --> 00:99:02.000\n{SECRET}\n"),
    "srt-no-speech": ("x.srt", f"1\n00:00:01,000 --> 00:00:02,000\n({SECRET})\n"),
    "srt-bad-timing": ("x.srt", f"1\n00:00:01,000 --> \n{SECRET}\n"),
    "json-invalid": ("x.json", f'[{{"start": 0, "end": 1, "text": "{SECRET}"'),
    "json-object-keys": ("x.json", json.dumps({SECRET: 1, f"{SECRET} (bis)": 2}, ensure_ascii=False)),
    "json-speaker-object": ("x.json", json.dumps([{"start": 0, "end": 1, "text": SECRET,
                                                    "speaker": {"name": FRENCH}}], ensure_ascii=False)),
    "json-start-text": ("x.json", json.dumps([{"start": FRENCH, "end": 1, "text": SECRET}], ensure_ascii=False)),
    "json-end-list": ("x.json", json.dumps([{"start": 0, "end": [SECRET, FRENCH], "text": SECRET}],
                                           ensure_ascii=False)),
    "json-segment-text": ("x.json", json.dumps([FRENCH], ensure_ascii=False)),
    "json-string": ("x.json", json.dumps(FRENCH, ensure_ascii=False)),
    "docx-not-word": ("x.docx", _zip_with_secret()),
    "docx-old-word": ("x.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + FRENCH.encode("utf-8")),
    "docx-labels-no-speech": ("x.docx", docx_bytes(["DG :", "Marc Lefèvre (DG) :"])),
    "not-french": ("x.txt", ENGLISH),
    "not-french-vtt": ("x.vtt", f"WEBVTT\n\n00:00:01.000 --> 00:00:09.000\n<v Anne Roy>{ENGLISH}</v>\n"),
    "speaker-not-found": ("x.txt", FRENCH),
}
#: Cases that also need CLI options (beyond the path).
#: (invalid bytes in a UTF-8 or UTF-16 file are replaced and reported, unless decoding is strict)
STRICT = ("undecodable-after-bom", "undecodable-utf16")
CLI_OPTIONS = {"speaker-not-found": ["--speaker", "Jean Dupont"], **{c: ["--strict-decoding"] for c in STRICT}}
API_OPTIONS = {"speaker-not-found": {"speaker": "Jean Dupont"}, **{c: {"decode_errors": "strict"} for c in STRICT}}


def _inputs(data: bytes | str) -> str:
    """The input as text, for the leak check (bytes decoded leniently, JSON escapes undone)."""
    text = data if isinstance(data, str) else data.decode("utf-8", errors="replace")
    return f"{text}\n{FRENCH}\n{ENGLISH}"


@pytest.mark.parametrize("case", sorted(FILE_CASES))
def test_file_error_messages_do_not_repeat_the_input(tmp_path, analyzer, case):
    name, data = FILE_CASES[case]
    path = _write(tmp_path / name, data)
    with pytest.raises(ClientlensError) as info:
        analyzer.analyze_file(path, **API_OPTIONS.get(case, {}))
    allowed = tuple(info.value.available) if isinstance(info.value, SpeakerNotFoundError) else ()
    assert_private(str(info.value), _inputs(data), allowed)


@pytest.mark.parametrize("case", sorted(FILE_CASES))
def test_cli_stderr_does_not_repeat_the_input(tmp_path, capsys, case):
    name, data = FILE_CASES[case]
    path = _write(tmp_path / name, data)
    status = cli.main(["analyze", str(path), *CLI_OPTIONS.get(case, [])])
    captured = capsys.readouterr()
    assert status == cli.EXIT_USAGE, captured.err
    assert captured.err.startswith("clientlens: error: ") and len(captured.err.strip().splitlines()) == 1
    allowed = ("Marc Lefèvre (DG)", "Sophie Martin") if case == "speaker-not-found" else ()
    assert_private(captured.err, _inputs(data), allowed)


def test_too_large_input_messages(tmp_path, capsys, analyzer):
    path = _big_file(tmp_path / "big.txt")
    with pytest.raises(ClientlensError, match="limit") as info:
        analyzer.analyze_file(path)
    assert_private(str(info.value), FRENCH)
    text = FRENCH * (MAX_INPUT_BYTES // len(FRENCH) + 1)
    with pytest.raises(ClientlensError, match="limit") as info:
        analyze(text)
    assert_private(str(info.value), FRENCH)
    assert cli.main(["analyze", str(path)]) == cli.EXIT_USAGE
    assert_private(capsys.readouterr().err, FRENCH)


@pytest.mark.parametrize(
    "case,value",
    [("input-format", "xml"), ("input-format-secret", SECRET)],
)
def test_unknown_input_format_message(tmp_path, case, value):
    path = _write(tmp_path / "x.txt", FRENCH)
    with pytest.raises(ClientlensError, match="unknown input format") as info:
        analyze_file(path, input_format=value)
    assert_private(str(info.value), FRENCH)


def test_text_errors_do_not_repeat_the_input(analyzer):
    for text, options in ((ENGLISH, {}), (FRENCH, {"speaker": "Jean Dupont"}), ("  \n\n ", {})):
        with pytest.raises(ClientlensError) as info:
            analyzer.analyze(text, **options)
        allowed = tuple(info.value.available) if isinstance(info.value, SpeakerNotFoundError) else ()
        assert_private(str(info.value), text, allowed)


def test_speaker_list_in_the_message_is_bounded():
    names = [f"{first} {last}" for first in ("Anne", "Bruno", "Claire", "Denis", "Élise")
             for last in ("Roy", "Petit", "Martin", "Durand", "Moreau", "Girard")]
    text = "\n".join(f"{n} : {SECRET}, dit-il." for n in names)
    transcript = parse_text(text)
    assert len(transcript.speakers) == 30
    with pytest.raises(SpeakerNotFoundError) as info:
        from clientlens.pipeline import resolve_speakers

        resolve_speakers(transcript, "Jean Dupont")
    message = str(info.value)
    assert info.value.available == names  # the full list stays on the exception
    listed = [n for n in names if f"{n}," in message or message.endswith(n) or f"{n} " in message]
    assert 1 <= len(listed) <= 10, message
    assert "and 20 more" in message, message
    assert_private(message, text, tuple(names))


LEXICON_ROWS = {
    "invalid-json": f'{{"term": "{SECRET}", "family": "hunting"',
    "not-an-object": json.dumps(FRENCH, ensure_ascii=False),
    "unknown-family": _row(family=FRENCH),
    "wrong-polarity": _row(polarity=FRENCH),
    "bad-pos": _row(pos=[FRENCH]),
    "unknown-field": json.dumps({**json.loads(_row()), FRENCH: 1}, ensure_ascii=False),
    "bad-weight": _row(weight=FRENCH),
    "weight-out-of-range": _row(term=FRENCH, weight=9),
    "bad-requires": _row(requires=FRENCH),
    "bad-exclude": _row(exclude=FRENCH),
    "empty-term": _row(term=" "),
    "term-not-a-string": _row(term=[FRENCH]),
}


@pytest.mark.parametrize("case", sorted(LEXICON_ROWS))
def test_lexicon_errors_do_not_repeat_the_file(tmp_path, capsys, case):
    path = _lexicon(tmp_path, LEXICON_ROWS[case])
    with pytest.raises(ClientlensError) as info:
        load_lexicon(extra_files=[path])
    assert str(path) in str(info.value)  # the message names the file ...
    assert_private(str(info.value), LEXICON_ROWS[case] + FRENCH)  # ... not its content
    status = cli.main(["analyze", str(example_path("reunion_mutuelle.txt")), "--lexicon", str(path)])
    assert status == cli.EXIT_USAGE
    assert_private(capsys.readouterr().err, LEXICON_ROWS[case] + FRENCH)


def test_model_errors_do_not_repeat_anything(tmp_path):
    for name in (MODEL_FILE, MANIFEST_FILE):
        shutil.copy(model_dir() / name, tmp_path / name)
    path = tmp_path / MODEL_FILE
    with pytest.raises(ClientlensError, match="trusted") as info:
        load_classifier(path)
    assert_private(str(info.value), FRENCH)
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))
    with pytest.raises(ClientlensError, match="does not match the manifest") as info:
        load_classifier(path, trusted=True)
    assert len(str(info.value)) < 400
    assert_private(str(info.value), FRENCH)


def test_batch_error_messages_do_not_repeat_the_input(tmp_path):
    import clientlens

    bad = _write(tmp_path / "x.json", FILE_CASES["json-speaker-object"][1])
    results = clientlens.analyze_many([ENGLISH, bad, FRENCH], speaker="Jean Dupont", n_jobs=1, progress=False)
    for result, text in zip(results, (ENGLISH, FILE_CASES["json-speaker-object"][1], FRENCH), strict=True):
        assert isinstance(result, clientlens.batch.BatchError)
        assert_private(result.message, _inputs(text), ("Marc Lefèvre (DG)", "Sophie Martin"))


def test_cli_internal_error_does_not_repeat_the_exception_text(monkeypatch, capsys, tmp_path):
    """An unexpected exception carrying transcript text is reported by type and a short excerpt only."""
    path = _write(tmp_path / "x.txt", FRENCH)

    def boom(*args, **kwargs):
        raise ValueError(f"cannot handle {FRENCH}")

    monkeypatch.setattr("clientlens.io.cues.speaker_stats", boom)
    monkeypatch.delenv("CLIENTLENS_DEBUG", raising=False)
    assert cli.main(["speakers", str(path)]) == cli.EXIT_INTERNAL
    err = capsys.readouterr().err
    assert "ValueError" in err and "CLIENTLENS_DEBUG" in err
    assert_private(err, FRENCH)


# ====================================================================== d. logs and warnings


@pytest.mark.slow
def test_logs_and_warnings_do_not_carry_the_text(tmp_path, caplog, analyzer):
    caplog.set_level(logging.DEBUG)  # root logger: every library's records
    path = _write(tmp_path / "entretien.vtt",
                  "WEBVTT\n\n00:00:01.000 --> 00:00:09.000\n"
                  + "\n\n".join(f"00:00:{i:02d}.000 --> 00:00:{i + 1:02d}.000\n<v Marc Lefèvre>{SECRET}, "
                                f"et nos clients sont des partenaires.</v>" for i in range(10, 20)) + "\n")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        reports = [
            analyzer.analyze(FRENCH, speaker="Marc Lefèvre"),
            analyzer.analyze(SECRET),  # short speech: warns in the report
            analyzer.analyze_file(path),
            analyzer.analyze(FRENCH.replace("Marc Lefèvre (DG) :", "Dg :")),
        ]
        import clientlens

        clientlens.analyze_many([FRENCH, ENGLISH, path], n_jobs=1, progress=False)
        with contextlib.redirect_stdout(io.StringIO()):
            assert cli.main(["analyze", str(path), "--format", "json"]) == 0
    messages = [r.getMessage() for r in caplog.records]
    messages += [str(w.message) for w in caught]
    messages += [w for r in reports for w in r.warnings]
    for message in messages:
        assert_private(message, FRENCH + "\n" + SECRET)
        assert "Kowalczyk" not in message, message
