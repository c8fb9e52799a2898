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
    assert errors[1] == BatchError(missing, "InputError", f"no such file: {missing}", "input_error")
    assert (errors[2].error_type, errors[3].error_type) == ("InputError", "NotFrenchError")
    assert (errors[2].code, errors[3].code) == ("input_error", "not_french")
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


def test_cli_directory_to_jsonl_rerun_skips_done_and_retries_failed(tmp_path):
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
    assert lines[2]["error"]["type"] == "NotFrenchError" and lines[2]["error"]["code"] == "not_french"
    assert "3/3" in run.stderr and "Traceback" not in run.stderr

    (folder / "d.txt").write_text(TEXTS[2], "utf-8")
    rerun = run_cli("analyze", str(folder / "*.txt"), "--out", str(out))  # c.txt still English
    assert rerun.returncode == 1, rerun.stderr
    assert "1 analysed, 1 failed" in rerun.stderr and "1 skipped" in rerun.stderr and "1 retried" in rerun.stderr
    lines = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert sorted(Path(line["source"]).name for line in lines) == ["a.txt", "b.md", "c.txt", "d.txt"]  # no duplicate

    (folder / "c.txt").write_text(TEXTS[2], "utf-8")  # fixed: the retry succeeds
    fixed = run_cli("analyze", str(folder), "--out", str(out))
    assert fixed.returncode == 0, fixed.stderr
    assert "1 analysed, 0 failed" in fixed.stderr and "3 skipped" in fixed.stderr and "1 retried" in fixed.stderr
    lines = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert sorted(Path(line["source"]).name for line in lines) == ["a.txt", "b.md", "c.txt", "d.txt"]
    assert all("report" in line for line in lines)  # the failure line was replaced by the report


def test_resume_retries_failed_items_and_keeps_reported_ones(tmp_path):
    good, bad = tmp_path / "good.txt", tmp_path / "bad.txt"
    good.write_text(TEXTS[0], "utf-8")
    bad.write_text(ENGLISH, "utf-8")
    out = tmp_path / "results.jsonl"
    first = analyze_to_jsonl([good, bad], out, progress=False)
    assert (first.reports, first.errors, first.skipped, first.retried) == (1, 1, 0, 0)
    report_line = out.read_text("utf-8").splitlines()[0] if "report" in out.read_text("utf-8").splitlines()[0] \
        else out.read_text("utf-8").splitlines()[1]

    again = analyze_to_jsonl([good, bad], out, progress=False)  # still failing: retried, not duplicated
    assert (again.reports, again.errors, again.skipped, again.retried) == (0, 1, 1, 1)
    lines = out.read_text("utf-8").splitlines()
    assert len(lines) == 2 and report_line in lines

    bad.write_text(TEXTS[1], "utf-8")
    fixed = analyze_to_jsonl([good, bad], out, progress=False)
    assert (fixed.reports, fixed.errors, fixed.skipped, fixed.retried) == (1, 0, 1, 1)
    lines = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert [Path(line["source"]).name for line in lines] == ["good.txt", "bad.txt"]
    assert all("report" in line for line in lines)
    done = analyze_to_jsonl([good, bad], out, progress=False)
    assert (done.reports, done.errors, done.skipped, done.retried) == (0, 0, 2, 0)


def test_failure_lines_carry_the_error_object(tmp_path):
    missing = tmp_path / "absent.txt"
    out = tmp_path / "results.jsonl"
    analyze_to_jsonl([missing], out, progress=False)
    line = json.loads(out.read_text("utf-8"))
    assert line == {"source": str(missing), "error": {"code": "input_error", "message": f"no such file: {missing}",
                                                       "type": "InputError"}}


# ---------------------------------------------------------------------- directories, globs, manifests


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "b.txt").write_text(TEXTS[1], "utf-8")
    (folder / "a.txt").write_text(TEXTS[0], "utf-8")
    (folder / "notes.csv").write_text("file\n", "utf-8")
    return folder


def test_analyze_many_expands_directories_and_globs_in_place(tmp_path):
    folder = _folder(tmp_path)
    results = clientlens.analyze_many([TEXTS[2], folder, str(folder / "b.*")], progress=False)
    assert [Path(r.source).name if r.source else None for r in results] == [None, "a.txt", "b.txt", "b.txt"]
    assert summary(results[1]) == summary(clientlens.analyze(TEXTS[0]))


def test_analyze_many_refuses_a_directory_without_transcripts(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(clientlens.InputError, match="no transcript"):
        clientlens.analyze_many([empty], progress=False)


def test_a_glob_matching_nothing_stays_one_failed_item(tmp_path):
    pattern = str(tmp_path / "*.vtt")
    results = clientlens.analyze_many([pattern], progress=False)
    assert len(results) == 1 and isinstance(results[0], BatchError) and results[0].code == "input_error"


def _manifest(tmp_path: Path, rows: str) -> Path:
    path = tmp_path / "manifest.csv"
    path.write_text(rows, "utf-8")
    return path


def test_manifest_gives_each_file_its_own_speaker(tmp_path, expected):
    concession, mutuelle = example_path("entretien_concession.txt"), example_path("reunion_mutuelle.txt")
    manifest = _manifest(tmp_path, f"id,file,speaker,notes\nc1,{concession},Bruno Caradec,x\n"
                                   f"m1,{mutuelle},Claire Vasseur; Sarah Lemaire,\nm2,{mutuelle},,\n"
                                   f"zz,{tmp_path / 'absent.txt'},Personne,\n")
    results = clientlens.analyze_many(manifest=manifest, progress=False)
    assert [r.provenance["settings"]["speaker"] for r in results[:3]] == [
        ["Bruno Caradec"], ["Claire Vasseur", "Sarah Lemaire"], None]
    assert summary(results[0]) == summary(clientlens.analyze_file(concession, speaker="Bruno Caradec"))
    assert summary(results[2]) == expected["reunion_mutuelle.txt"]
    assert isinstance(results[3], BatchError) and (results[3].id, results[3].code) == ("zz", "input_error")


def test_manifest_relative_paths_and_batch_speaker_fallback(tmp_path):
    folder = _folder(tmp_path)
    manifest = _manifest(folder, "file;speaker\na.txt;\nb.txt;Directeur\n")  # ; delimited, relative paths
    results = clientlens.analyze_many(manifest=manifest, speaker="DG", progress=False)
    assert [r.provenance["settings"]["speaker"] for r in results] == [["DG"], ["Directeur"]]


@pytest.mark.parametrize(
    "rows,message",
    [("", "empty"),
     ("file,id\na.txt,1\n", "missing column.*speaker"),
     ("file,speaker,id\na.txt,DG,1\nb.txt,DG,1\n", r"manifest\.csv:3: id '1' already on line 2"),
     ("file,speaker\na.txt,DG\na.txt,Directeur\n", r":3: .*a\.txt \(without an id\) already on line 2"),
     ("file,speaker\n,DG\n", ":2: the file cell is empty")],
)
def test_bad_manifests_are_refused_with_the_line(tmp_path, rows, message):
    from clientlens.manifest import read_manifest

    with pytest.raises(clientlens.InputError, match=message):
        read_manifest(_manifest(tmp_path, rows))


def test_manifest_ids_name_jsonl_lines_and_resume(tmp_path):
    folder = _folder(tmp_path)
    (folder / "c.txt").write_text(ENGLISH, "utf-8")
    manifest = _manifest(folder, "file,speaker,id\na.txt,DG,first\na.txt,,second\nc.txt,,third\n")
    out = tmp_path / "out.jsonl"
    done = analyze_to_jsonl([], out, manifest=manifest, progress=False)
    assert (done.reports, done.errors) == (2, 1)
    lines = {json.loads(line)["id"]: json.loads(line) for line in out.read_text("utf-8").splitlines()}
    assert lines["first"]["report"]["provenance"]["settings"]["speaker"] == ["DG"]
    assert lines["second"]["report"]["provenance"]["settings"]["speaker"] is None
    assert lines["third"]["error"]["code"] == "not_french"
    again = analyze_to_jsonl([], out, manifest=manifest, progress=False)
    assert (again.skipped, again.retried, again.errors) == (2, 1, 1)


def test_cli_manifest(tmp_path):
    folder = _folder(tmp_path)
    manifest = _manifest(folder, "file,speaker\na.txt,DG\nb.txt,Inconnu\n")
    run = run_cli("analyze", "--manifest", str(manifest), "--format", "csv", "--quiet")
    assert run.returncode == 1 and run.stderr == ""
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(run.stdout)))
    assert [(Path(r["file"]).name, r["speaker"]) for r in rows] == [("a.txt", "DG"), ("b.txt", "Inconnu")]
    assert rows[0]["verdict"] and not rows[0]["error"]
    assert rows[1]["error"].startswith("speaker_not_found: speaker Inconnu not found") and not rows[1]["index"]
    bad = run_cli("analyze", "--manifest", str(tmp_path / "none.csv"))
    assert bad.returncode == 2 and "cannot read manifest" in bad.stderr
