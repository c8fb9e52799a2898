"""Comparing leaders or companies: one row each, the right speaker, sorted by index, failures kept."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import clientlens
from clientlens.cli import main
from clientlens.comparison import Comparison, ComparisonRow, EntryError, compare, sort_rows
from clientlens.errors import InputError
from clientlens.io.plain import parse_text
from clientlens.resources import example_path
from clientlens.team import analyze_team
from clientlens.views.text import sentence_of

CONCESSION = example_path("entretien_concession.txt")  # an interview: the interviewer is left out
MUTUELLE = example_path("reunion_mutuelle.txt")  # a meeting led by a « directrice générale »
CODIR = example_path("codir_rivaud.vtt")  # a codir meeting, Teams VTT
ENGLISH = "We listen to our customers and we always call them back the same day when they have a problem."


@pytest.fixture(scope="module")
def shortlist(analyzer, tmp_path_factory) -> Comparison:
    """The bundled examples and a missing file, given in an order that is not the ranking."""
    missing = tmp_path_factory.mktemp("compare") / "absent.vtt"
    return compare([CONCESSION, missing, MUTUELLE, CODIR], analyzer=analyzer)


def _row(comparison: Comparison, name: str) -> ComparisonRow:
    return next(r for r in comparison.rows if r.name == name)


def test_rows_are_sorted_by_index_with_the_failure_last(shortlist):
    names = [r.name for r in shortlist.rows]
    assert names == ["reunion_mutuelle", "codir_rivaud", "entretien_concession", "absent"]
    indexes = [r.index for r in shortlist.rows if not r.failed]
    assert indexes == sorted(indexes, reverse=True) and len(indexes) == 3


def test_a_team_file_is_scored_for_its_leader(shortlist, analyzer):
    row = _row(shortlist, "codir_rivaud")
    team = analyze_team(CODIR, analyzer=analyzer)
    assert (row.speaker, row.speaker_basis) == ("Catherine Rivaud (DG)", "title")
    assert (row.index, row.verdict, row.words) == (team.leader.index, team.leader.verdict, team.leader.words)
    assert row.index != analyzer.analyze_file(CODIR).index  # not the whole meeting scored together


def test_an_interview_is_scored_for_the_interviewee_not_the_interviewer(shortlist, analyzer):
    row = _row(shortlist, "entretien_concession")
    alone = analyzer.analyze_file(CONCESSION, speaker="Bruno Caradec")
    assert row.speaker == "Bruno Caradec (directeur de la concession)" and "Intervieweuse" not in row.speaker
    assert (row.index, row.interval, row.words) == (alone.index, alone.interval, alone.words)


def test_the_strongest_quote_is_the_reports_first_top_evidence(shortlist):
    for row in shortlist.rows:
        if row.failed:
            continue
        top = row.report.top_evidence(1)[0]
        assert row.report.evidence[row.quote.id] is top and row.quote.impact == top.impact
        assert row.quote.text == sentence_of(row.report, top)
    assert _row(shortlist, "entretien_concession").quote.impact < 0  # walk away: the quote pulls down
    assert _row(shortlist, "reunion_mutuelle").quote.impact > 0  # go: the quote pushes up


def test_a_failed_entry_is_a_row_with_its_error(shortlist):
    row = _row(shortlist, "absent")
    assert row.failed and row.error.code == "input_error" and "no such file" in row.error.message
    assert (row.index, row.verdict, row.words, row.quote, row.report) == (None, None, None, None, None)
    assert row.source.endswith("absent.vtt") and shortlist.failed == (row,)


def test_given_speakers_and_labels(analyzer):
    result = compare([MUTUELLE, MUTUELLE], speakers=["Sarah Lemaire", None], labels=["Sarah", "Claire"],
                     analyzer=analyzer)
    sarah, claire = _row(result, "Sarah"), _row(result, "Claire")
    assert (sarah.speaker_basis, claire.speaker_basis) == ("given", "title")
    assert sarah.speaker == "Sarah Lemaire (relation adhérents)"
    assert sarah.index == analyzer.analyze_file(MUTUELLE, speaker="Sarah Lemaire").index
    assert claire.speaker == "Claire Vasseur (directrice générale)"


def test_bad_entries_become_rows_not_exceptions(analyzer):
    unlabelled = parse_text("Nos clients sont des partenaires. Nous les écoutons et nous les rappelons toujours.")
    result = compare([MUTUELLE, parse_text(ENGLISH), unlabelled], speakers=["Jean Dupont", None, None],
                     analyzer=analyzer)
    errors = {r.name: r.error.code for r in result.rows if r.failed}
    assert errors == {"reunion_mutuelle": "speaker_not_found", "#2": "not_french"}
    text = _row(result, "#3")
    assert (text.speaker, text.speaker_basis, text.source) == (None, "all_speech", None)
    assert [r.name for r in result.rows] == ["#3", "reunion_mutuelle", "#2"]  # failures in the order given


class _Broken:
    """An analyzer whose analysis fails with a bug, not with bad input."""

    def analyze_transcript(self, transcript, speaker=None):
        raise RuntimeError("boom " + "x" * 500)


def test_an_unexpected_error_is_an_internal_error_row_with_a_short_message():
    result = compare([CONCESSION], speakers=["Bruno Caradec"], analyzer=_Broken())
    (row,) = result.rows
    assert row.error.code == "internal_error" and row.error.type == "RuntimeError"
    assert "boom" in row.error.message and len(row.error.message) < 300


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"sources": []}, "at least one"),
    ({"sources": [CONCESSION, MUTUELLE], "speakers": ["Bruno Caradec"]}, "speakers: give one per transcript"),
    ({"sources": [CONCESSION], "labels": ["a", "b"]}, "labels: give one per transcript"),
    ({"sources": [CONCESSION], "language": "de"}, "no report language"),
])
def test_bad_arguments_raise_before_anything_runs(kwargs, message):
    with pytest.raises(InputError, match=message):
        compare(analyzer=_Broken(), **kwargs)


def _synthetic(name: str, index: float | None, verdict: str | None) -> ComparisonRow:
    error = EntryError("input_error", "x", "InputError") if verdict is None else None
    return ComparisonRow(name=name, source=None, index=index, verdict=verdict, error=error)


def test_sort_rows_puts_speech_too_short_to_judge_after_judged_rows():
    rows = [_synthetic("short", 90.0, "insufficient_speech"), _synthetic("fail", None, None),
            _synthetic("low", 20.0, "walk_away"), _synthetic("high", 70.0, "go"), _synthetic("tie", 70.0, "go"),
            _synthetic("short2", 95.0, "insufficient_speech")]
    assert [r.name for r in sort_rows(rows)] == ["high", "tie", "low", "short2", "short", "fail"]


def test_public_api_names():
    """clientlens.comparison is imported above: a module named `compare` would hide the function."""
    assert clientlens.compare is compare and clientlens.Comparison is Comparison


# ---------------------------------------------------------------------- command line


def test_cli_text_json_csv_and_html(capsys, tmp_path):
    files = [str(CONCESSION), str(MUTUELLE)]
    assert main(["compare", *files]) == 0
    text = capsys.readouterr().out
    assert text.startswith("Comparaison (") and text.index("reunion_mutuelle") < text.index("entretien_concession")
    assert main(["compare", *files, "--format", "json", "--lang", "en", "--speaker", "-",
                 "--speaker", "Sarah Lemaire", "--label", "Concession", "--label", "Mutuelle"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["language"] == "en" and {r["name"] for r in data["rows"]} == {"Concession", "Mutuelle"}
    assert next(r for r in data["rows"] if r["name"] == "Mutuelle")["speaker_basis"] == "given"
    assert main(["compare", *files, "--format", "csv"]) == 0
    assert capsys.readouterr().out.startswith("rank,name,source,speaker")
    page = tmp_path / "shortlist.html"
    assert main(["compare", *files, "--format", "html", "-o", str(page)]) == 0
    assert capsys.readouterr().out == "" and page.read_text("utf-8").startswith("<!DOCTYPE html>")


def test_cli_exit_status_1_keeps_every_row_of_a_failed_entry(capsys, tmp_path):
    english = tmp_path / "english.txt"
    english.write_text(ENGLISH, "utf-8")
    assert main(["compare", str(CONCESSION), str(english), str(tmp_path / "absent.txt"), "--format", "json"]) == 1
    captured = capsys.readouterr()
    rows = json.loads(captured.out)["rows"]
    assert [r["name"] for r in rows] == ["entretien_concession", "english", "absent"]
    assert [r["error"]["code"] for r in rows[1:]] == ["not_french", "input_error"]
    assert "2 of 3 failed" in captured.err


def test_cli_usage_errors_exit_2_without_output(capsys, tmp_path):
    out = tmp_path / "out.txt"
    assert main(["compare", str(CONCESSION), str(MUTUELLE), "--speaker", "Bruno Caradec", "-o", str(out)]) == 2
    captured = capsys.readouterr()
    assert "--speaker: give it once per FILE (2), got 1" in captured.err and captured.out == ""
    assert not out.exists()
    assert main(["compare", str(CONCESSION), "--format", "json", "--label", "a", "--label", "b"]) == 2
    assert json.loads(capsys.readouterr().err)["error"]["code"] == "usage_error"


def test_cli_in_a_subprocess_never_shows_a_traceback(tmp_path):
    """As a user runs it: exit 1, the table on stdout, one line on stderr."""
    done = subprocess.run([sys.executable, "-m", "clientlens", "compare", str(CONCESSION), str(tmp_path / "x.vtt"),
                           "--lang", "en"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "entretien_concession" in done.stdout and "input_error: no such file" in done.stdout
    assert done.stderr.strip() == "clientlens: 1 of 2 failed: x (input_error)"


def test_example_command_of_the_docs_runs(capsys, monkeypatch):
    """The command of README and docs/team.md, from the repository root."""
    monkeypatch.chdir(Path(__file__).resolve().parents[1])
    assert main(["compare", "examples/codir_rivaud.vtt", "examples/reunion_mutuelle.txt",
                 "examples/entretien_concession.txt", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Comparison (") and "Catherine Rivaud (DG)" in out
