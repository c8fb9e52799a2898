"""The command line, run as a user runs it: in a subprocess, never a traceback."""

from __future__ import annotations

import json
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
