"""Batches: order, per-item errors, progress, resumable JSONL, and a real local Dask cluster."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import joblib
import pytest

import clientlens
from clientlens.batch import BatchError, analyze_to_jsonl
from clientlens.pipeline import default_analyzer
from clientlens.report import Report
from clientlens.resources import example_path

pytestmark = pytest.mark.slow

TEXTS = [
    "DG : Nos clients ne sont pas des cibles, ce sont des partenaires. Nous les écoutons et nous les "
    "rappelons toujours le jour même quand ils ont un problème.",
    "Directeur : Il faut verrouiller le client avec des contrats longs et lui vendre le maximum, "
    "les réclamations on les laisse traîner, de toute façon ils finissent par payer.",
    "Nous mesurons la satisfaction de nos clients chaque mois et nous corrigeons nos erreurs avec eux, "
    "parce que leur confiance se gagne sur la durée.",
]
ENGLISH = "We listen to our customers and we always call them back the same day when they have a problem."


def summary(result: Report) -> tuple:
    return result.index, result.verdict, result.evidence


@pytest.fixture(scope="module")
def expected() -> dict:
    """Single-process reports, the reference for every parallel run."""
    analyzer = default_analyzer()
    out = {text: summary(analyzer.analyze(text)) for text in TEXTS}
    for name in ("entretien_concession.txt", "reunion_mutuelle.txt"):
        out[name] = summary(analyzer.analyze_file(example_path(name)))
    return out


def test_order_and_per_item_errors_with_two_processes(tmp_path, expected, capsys):
    missing = tmp_path / "absent.txt"
    items = [TEXTS[0], missing, "", ENGLISH, TEXTS[1], str(example_path("entretien_concession.txt")), TEXTS[2]]
    results = clientlens.analyze_many(items, n_jobs=2, batch_size=2, progress=False)

    assert [summary(r) for r in (results[0], results[4], results[6])] == [expected[t] for t in TEXTS]
    assert summary(results[5]) == expected["entretien_concession.txt"]
    errors = {i: r for i, r in enumerate(results) if isinstance(r, BatchError)}
    assert sorted(errors) == [1, 2, 3]
    assert errors[1] == BatchError(missing, "InputError", f"no such file: {missing}")
    assert (errors[2].error_type, errors[3].error_type) == ("InputError", "NotFrenchError")
    assert errors[2].item == "" and errors[3].item == ENGLISH
    assert capsys.readouterr().err == ""  # progress=False: no bar


def test_two_workers_give_the_same_reports_as_one():
    """Forked workers share the parent's loaded Analyzer and give the reports of one process."""
    from clientlens.batch import _can_fork

    files = [example_path("entretien_concession.txt"), example_path("reunion_mutuelle.txt")]
    items = [*TEXTS, *files, ENGLISH]
    one = clientlens.analyze_many(items, n_jobs=1, progress=False)
    two = clientlens.analyze_many(items, n_jobs=2, batch_size=1, progress=False)
    assert [r.to_dict() for r in two[:-1]] == [r.to_dict() for r in one[:-1]]
    assert two[-1] == one[-1] and two[-1].error_type == "NotFrenchError"
    assert _can_fork() == sys.platform.startswith("linux")


def test_progress_bar_on_stderr(capsys):
    clientlens.analyze_many(TEXTS[:2], progress=True)
    assert "2/2" in capsys.readouterr().err


def test_unknown_option_fails_fast():
    with pytest.raises(TypeError, match="lexicon_file"):
        clientlens.analyze_many(TEXTS[:1], progress=False, lexicon_file="x.jsonl")


def test_dask_cluster_matches_single_process(expected):
    distributed = pytest.importorskip("dask.distributed")
    items = [*TEXTS, example_path("entretien_concession.txt"), example_path("reunion_mutuelle.txt")]
    with (
        distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None) as cluster,
        distributed.Client(cluster) as client,
        joblib.parallel_config(backend="dask"),
    ):
        results = clientlens.analyze_many(items, batch_size=2, progress=False)
        builds = client.run(lambda: default_analyzer.cache_info().misses)
    assert [summary(r) for r in results] == [
        *(expected[t] for t in TEXTS), expected["entretien_concession.txt"], expected["reunion_mutuelle.txt"],
    ]
    assert sum(builds.values()) >= 1 and max(builds.values()) == 1  # one Analyzer per worker process


def test_jsonl_resume_drops_a_cut_line(tmp_path):
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_text(TEXTS[0], "utf-8")
    second.write_text(TEXTS[1], "utf-8")
    out = tmp_path / "results.jsonl"
    analyze_to_jsonl([first], out, progress=False)
    with out.open("a", encoding="utf-8") as stream:
        stream.write('{"source": "' + str(second) + '", "report": {"ind')  # interrupted mid-line

    done = analyze_to_jsonl([first, second], out, progress=False)
    assert (done.reports, done.errors, done.skipped) == (1, 0, 1)
    lines = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert [line["source"] for line in lines] == [str(first), str(second)]


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "clientlens", *args], capture_output=True, text=True, timeout=300)


def test_cli_directory_to_jsonl_and_rerun_skips_done(tmp_path):
    folder = tmp_path / "transcripts"
    folder.mkdir()
    for name, text in (("a.txt", TEXTS[0]), ("b.md", TEXTS[1]), ("c.txt", ENGLISH)):
        (folder / name).write_text(text, "utf-8")
    (folder / "notes.csv").write_text("not a transcript", "utf-8")
    out = tmp_path / "results.jsonl"

    run = run_cli("analyze", str(folder), "--out", str(out))
    assert run.returncode == 1, run.stderr  # c.txt is English: one error line, the others go on
    lines = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert [Path(line["source"]).name for line in lines] == ["a.txt", "b.md", "c.txt"]
    assert lines[0]["report"]["verdict"] == clientlens.analyze(TEXTS[0]).verdict and "report" in lines[1]
    assert lines[2]["error"]["type"] == "NotFrenchError"
    assert "3/3" in run.stderr and "Traceback" not in run.stderr

    (folder / "d.txt").write_text(TEXTS[2], "utf-8")
    rerun = run_cli("analyze", str(folder / "*.txt"), "--out", str(out))
    assert rerun.returncode == 0, rerun.stderr
    lines = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert len(lines) == 4 and Path(lines[3]["source"]).name == "d.txt" and "report" in lines[3]
    assert "1 analysed" in rerun.stderr and "2 skipped" in rerun.stderr
