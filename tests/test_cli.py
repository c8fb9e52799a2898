"""The command line, run as a user runs it: in a subprocess, never a traceback."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

import clientlens


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "clientlens", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=300)


@pytest.mark.parametrize(
    ("lang", "words"),
    [(None, ["Indice de respect du client", "Verdict", "Citations les plus marquantes"]),
     ("en", ["Respect-for-customer index", "Verdict", "Strongest quotes"])],
)
def test_analyze_text_output(example, lang, words):
    out = run("analyze", str(example("entretien_concession.txt")), "--speaker", "bruno caradec",
              *(["--lang", lang] if lang else []))
    assert out.returncode == 0, out.stderr
    assert all(w in out.stdout for w in words), out.stdout


def test_analyze_json_output(example):
    out = run("analyze", str(example("reunion_mutuelle.txt")), "--format", "json",
              "--speaker", "Claire Vasseur", "--speaker", "Sarah Lemaire")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    expected = clientlens.analyze_file(example("reunion_mutuelle.txt"), speaker=["Claire Vasseur", "Sarah Lemaire"])
    assert (data["verdict"], data["index"]) == (expected.verdict, round(expected.index, 2))
    assert data["provenance"]["settings"]["speaker"] == ["Claire Vasseur", "Sarah Lemaire"]


@pytest.fixture()
def bad_inputs(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "image.txt"
    binary.write_bytes(bytes(range(256)) * 4)
    english = tmp_path / "english.txt"
    english.write_text("We listen to our customers and we always call them back the same day.", "utf-8")
    no_transcripts = tmp_path / "empty_dir"  # a directory starts a batch; with nothing to read, one error
    no_transcripts.mkdir()
    return {"missing": tmp_path / "nope.txt", "directory": no_transcripts, "empty": empty,
            "binary": binary, "english": english}


@pytest.mark.parametrize(
    "case,message",
    [("missing", "no such file"), ("directory", "directory"), ("empty", "empty"),
     ("binary", "binary"), ("english", "French")],
)
def test_bad_input_gets_one_line_error(bad_inputs, case, message):
    out = run("analyze", str(bad_inputs[case]))
    assert out.returncode == 2
    assert "Traceback" not in out.stderr
    assert message in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_unknown_speaker_lists_speakers(example):
    out = run("analyze", str(example("entretien_concession.txt")), "--speaker", "Jean Dupont")
    assert out.returncode == 2
    assert "Bruno Caradec" in out.stderr and "Traceback" not in out.stderr


def test_malformed_lexicon_names_file_line_and_field(tmp_path, example):
    lexicon = tmp_path / "bad.jsonl"
    lexicon.write_text('{"term": "x", "family": "hunting", "polarity": "adversarial", "weight": 9}\n')
    out = run("analyze", str(example("reunion_mutuelle.txt")), "--lexicon", str(lexicon))
    assert out.returncode == 2
    assert f"{lexicon}:1" in out.stderr and "weight" in out.stderr


def test_speakers_command(example):
    out = run("speakers", str(example("reunion_mutuelle.txt")))
    assert out.returncode == 0
    assert "Claire Vasseur (directrice générale)" in out.stdout


def test_help_and_version():
    assert run("--help").returncode == 0
    assert "clientlens" in run("--version").stdout


# ---------------------------------------------------------------------- scripts: JSON errors, exit statuses


@pytest.mark.parametrize(
    "args,code,message",
    [(["analyze", "{missing}"], "input_error", "no such file"),
     (["analyze", "{example}", "--bogus"], "usage_error", "unrecognized arguments: --bogus"),
     (["analyze", "{example}", "--jobs", "two"], "usage_error", "invalid int value"),
     (["analyze", "{example}", "--speaker", "Jean Dupont"], "speaker_not_found", "Bruno Caradec"),
     (["analyze", "{example}", "--go", "40", "--walk-away", "60"], "invalid_option", "must be below"),
     (["analyze"], "usage_error", "give a transcript path")],
)
def test_json_errors_are_one_error_object_on_stderr(example, tmp_path, args, code, message):
    values = {"missing": str(tmp_path / "nope.txt"), "example": str(example("entretien_concession.txt"))}
    for json_flag in (["--format", "json"], ["--format=json"]):
        out = run(*(a.format(**values) for a in args), *json_flag)
        assert out.returncode == 2 and out.stdout == ""
        assert len(out.stderr.splitlines()) == 1, out.stderr
        error = json.loads(out.stderr)["error"]
        assert error["code"] == code and message in error["message"]
    text = run(*(a.format(**values) for a in args))  # the same error in text mode is no JSON
    assert text.returncode == 2 and "error: " in text.stderr and "Traceback" not in text.stderr
    with pytest.raises(json.JSONDecodeError):
        json.loads(text.stderr)


def _batch_folder(tmp_path, example, copies: int = 2, english: bool = True):
    folder = tmp_path / "batch"
    folder.mkdir(parents=True)
    for n in range(copies):
        (folder / f"t{n:02d}.txt").write_bytes(example("entretien_concession.txt").read_bytes())
    if english:
        english = "We listen to our customers and we always call them back the same day when they have a problem."
        (folder / "zz_english.txt").write_text(english, "utf-8")
    return folder


def test_exit_status_is_0_when_all_succeed_and_1_when_an_item_failed(tmp_path, example):
    ok = run("analyze", str(_batch_folder(tmp_path / "ok", example, english=False)), "--quiet")
    assert ok.returncode == 0 and ok.stderr == ""
    failed = run("analyze", str(_batch_folder(tmp_path / "failed", example)), "--quiet")
    assert failed.returncode == 1 and failed.stderr == ""


# ---------------------------------------------------------------------- standard input


def test_dash_reads_a_text_transcript_from_stdin(example):
    path = example("entretien_concession.txt")
    out = subprocess.run([sys.executable, "-m", "clientlens", "analyze", "-", "--speaker", "Bruno Caradec",
                          "--format", "json"], input=path.read_bytes(), capture_output=True, timeout=300)
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    expected = clientlens.analyze_file(path, speaker="Bruno Caradec")
    assert (data["index"], data["verdict"], data["words"]) == (round(expected.index, 2), expected.verdict,
                                                               expected.words)
    assert data["source"] is None


def test_dash_with_input_format_reads_other_formats():
    from pathlib import Path

    vtt = Path(__file__).parent / "data" / "formats" / "teams.vtt"

    def stdin(*flags: str) -> subprocess.CompletedProcess[bytes]:
        return subprocess.run([sys.executable, "-m", "clientlens", "speakers", "-", *flags],
                              input=vtt.read_bytes(), capture_output=True, timeout=300)

    as_vtt = stdin("--input-format", "vtt")
    assert as_vtt.returncode == 0 and as_vtt.stdout.decode().startswith("Sophie Martin\t2 turns")
    as_txt = stdin()  # txt by default: a WebVTT file read as text has no « Name : » turns
    assert as_txt.returncode == 0 and b"Sophie Martin\t2 turns" not in as_txt.stdout


@pytest.mark.parametrize("data,message", [(b"", "empty"), (bytes(range(256)) * 4, "binary"),
                                          (b"DG : oui. " * 2_000_001, "over the limit of 20,000,000 bytes")],
                         ids=["empty", "binary", "too-large"])
def test_dash_with_bad_input_is_an_input_error(data, message):
    out = subprocess.run([sys.executable, "-m", "clientlens", "analyze", "-", "--format", "json"], input=data,
                         capture_output=True, timeout=300)
    assert out.returncode == 2 and out.stdout == b""
    error = json.loads(out.stderr)["error"]
    assert error["code"] == "input_error" and message in error["message"]


def test_dash_is_not_a_batch(tmp_path):
    out = run("analyze", "-", "--out", str(tmp_path / "x.jsonl"), "--format", "json")
    assert out.returncode == 2 and json.loads(out.stderr)["error"]["code"] == "usage_error"


# ---------------------------------------------------------------------- closed pipes


def test_closed_pipe_exits_quietly(tmp_path, example):
    """The reader stops after the first line: no message, no traceback, exit status 0."""
    folder = _batch_folder(tmp_path, example, copies=8, english=False)  # JSON lines well over a pipe buffer
    process = subprocess.Popen([sys.executable, "-m", "clientlens", "analyze", str(folder), "--format", "json"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    first = process.stdout.readline()
    process.stdout.close()
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=300) == 0
    assert json.loads(first)["report"]["verdict"]
    assert "Traceback" not in stderr and "Broken pipe" not in stderr and "Exception ignored" not in stderr
    assert "clientlens:" not in stderr  # no summary either: the run was cut short


def test_closed_pipe_in_a_shell_pipeline(tmp_path, example):
    folder = _batch_folder(tmp_path, example, copies=8, english=False)
    script = f'"{sys.executable}" -m clientlens analyze "{folder}" --format json --quiet | head -1; ' \
             'echo "status=${PIPESTATUS[0]}" >&2'
    out = subprocess.run(["bash", "-c", script], capture_output=True, text=True, timeout=300)
    assert len(out.stdout.splitlines()) == 1 and json.loads(out.stdout)["source"].endswith("t00.txt")
    assert out.stderr == "status=0\n"


# ---------------------------------------------------------------------- formats of a batch


@pytest.mark.parametrize("language", [None, "fr", "en"])
def test_batch_text_is_one_summary_table_in_the_report_language(tmp_path, example, language):
    from clientlens.lang import report_strings

    folder = _batch_folder(tmp_path, example)
    out = run("analyze", str(folder), "--format", "text", *(["--lang", language] if language else []))
    assert out.returncode == 1
    strings = report_strings(language or "fr")
    header, *rows = (re.split(r"\s{2,}", line) for line in out.stdout.splitlines())
    columns = ("file", "speaker", "index", "interval", "verdict", "words", "error")
    assert header == [strings["batch"][c] for c in columns]
    assert len(rows) == 3 and not out.stdout.lstrip().startswith("{")
    expected = clientlens.analyze_file(example("entretien_concession.txt"))
    assert rows[0][1:5] == [f"{expected.index:.1f}", f"{expected.interval[0]:.1f}-{expected.interval[1]:.1f}",
                            strings["verdict"][expected.verdict], str(expected.words)]
    assert rows[2][-1].startswith("not_french:")
    assert "2 analysed, 1 failed" in out.stderr


def test_batch_csv_is_one_summary_table(tmp_path, example):
    import csv
    import io

    folder = _batch_folder(tmp_path, example)
    out = run("analyze", str(folder / "*.txt"), "--format", "csv", "--speaker", "Bruno Caradec")
    rows = list(csv.DictReader(io.StringIO(out.stdout)))
    assert [r["file"] for r in rows] == [str(folder / n) for n in ("t00.txt", "t01.txt", "zz_english.txt")]
    assert {r["speaker"] for r in rows} == {"Bruno Caradec"}
    expected = clientlens.analyze_file(example("entretien_concession.txt"), speaker="Bruno Caradec")
    assert rows[0]["words"] == str(expected.words) and rows[0]["verdict"] == expected.verdict
    assert rows[2]["error"].startswith("speaker_not_found:") and rows[2]["index"] == ""  # no labelled speaker


def test_batch_json_is_json_lines(tmp_path, example):
    folder = _batch_folder(tmp_path, example)
    out = run("analyze", str(folder), "--format", "json", "--quiet")
    lines = [json.loads(line) for line in out.stdout.splitlines()]
    assert sorted(("report" in line, line["source"].rsplit("/", 1)[-1]) for line in lines) == [
        (False, "zz_english.txt"), (True, "t00.txt"), (True, "t01.txt")]
    error = next(line["error"] for line in lines if "error" in line)
    assert error["code"] == "not_french" and error["message"]


# ---------------------------------------------------------------------- --output, --quiet


@pytest.mark.parametrize("fmt", ["text", "json", "html", "csv"])
def test_output_writes_the_file_and_nothing_on_stdout(tmp_path, example, fmt):
    target = tmp_path / f"report.{fmt}"
    out = run("analyze", str(example("reunion_mutuelle.txt")), "--format", fmt, "--output", str(target))
    assert out.returncode == 0 and out.stdout == ""
    shown = run("analyze", str(example("reunion_mutuelle.txt")), "--format", fmt)
    assert target.read_text("utf-8") == shown.stdout
    assert [p.name for p in tmp_path.iterdir()] == [target.name]  # no temporary file left


def test_failed_run_leaves_the_previous_output_untouched(tmp_path):
    target = tmp_path / "report.json"
    target.write_text("previous", "utf-8")
    out = run("analyze", str(tmp_path / "missing.txt"), "--format", "json", "--output", str(target))
    assert out.returncode == 2 and target.read_text("utf-8") == "previous"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def test_quiet_batch_writes_nothing_on_stderr_but_errors(tmp_path, example):
    folder = _batch_folder(tmp_path, example)
    loud = run("analyze", str(folder), "--format", "csv")
    assert "transcript" in loud.stderr and "2 analysed, 1 failed" in loud.stderr  # progress and summary
    quiet = run("analyze", str(folder), "--format", "csv", "--quiet")
    assert quiet.stderr == "" and quiet.stdout == loud.stdout


# ---------------------------------------------------------------------- interrupted


def test_interrupt_exits_130_without_traceback(tmp_path, example):
    import signal
    import time

    folder = _batch_folder(tmp_path, example, copies=1500, english=False)  # long enough to outlast a busy machine
    errors = tmp_path / "stderr.txt"
    with errors.open("wb") as stream:
        # a shell's background job inherits SIGINT ignored (so does Python under it): restore the
        # default, as in a terminal, so that the test does not depend on how pytest was started
        process = subprocess.Popen([sys.executable, "-m", "clientlens", "analyze", str(folder), "--format", "csv"],
                                   stdout=subprocess.DEVNULL, stderr=stream,
                                   preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        deadline = time.monotonic() + 120
        while "transcript" not in errors.read_text("utf-8", "replace") and time.monotonic() < deadline:
            time.sleep(0.1)  # the progress bar shows once the models are loaded
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=120) == 130
    text = errors.read_text("utf-8", "replace")
    assert text.rstrip().endswith("clientlens: interrupted") and "Traceback" not in text
