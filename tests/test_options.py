"""AnalysisOptions: the analysis options declared once, validated when built, accepted everywhere."""

from __future__ import annotations

import json
import math
import subprocess
import sys

import pytest

from clientlens.errors import ClientlensError, OptionsError
from clientlens.options import AnalysisOptions


@pytest.mark.parametrize(
    "kwargs,expected",
    [({}, (None, None)), ({"go": 70, "walk_away": 30}, (70.0, 30.0)), ({"go": 100, "walk_away": 0}, (100.0, 0.0)),
     ({"go": 50.5}, (50.5, None)), ({"walk_away": 10}, (None, 10.0))],
)
def test_valid_thresholds_are_kept_as_floats(kwargs, expected):
    options = AnalysisOptions(**kwargs)
    assert (options.go, options.walk_away) == expected


@pytest.mark.parametrize(
    "kwargs,message",
    [({"go": 130}, "go threshold must be within 0..100, got 130"),
     ({"walk_away": -1}, "walk_away threshold must be within 0..100, got -1"),
     ({"go": math.nan}, "go threshold must be within"),
     ({"go": math.inf}, "go threshold must be within"),
     ({"go": "60"}, "go must be a number"),
     ({"go": True}, "go must be a number"),
     ({"go": 40, "walk_away": 50}, r"walk_away threshold \(50\) must be below the go threshold \(40\)"),
     ({"go": 50, "walk_away": 50}, "must be below"),
     ({"input_format": "odt"}, "unknown input format 'odt'"),
     ({"speaker": []}, "speaker must be"),
     ({"speaker": ["  "]}, "speaker must be"),
     ({"redact": "yes"}, "redact must be True or False"),
     ({"decode_errors": "ignore"}, "decode_errors must be one of replace, strict"),
     ({"max_bytes": 0}, "max_bytes must be a positive whole number"),
     ({"max_bytes": "1e6"}, "max_bytes must be a positive whole number")],
)
def test_invalid_options_raise_a_clear_options_error(kwargs, message):
    with pytest.raises(OptionsError, match=message) as info:
        AnalysisOptions(**kwargs)
    assert isinstance(info.value, ClientlensError)
    assert info.value.to_dict() == {"code": "invalid_option", "message": str(info.value)}


def test_values_are_normalised_to_hashable_tuples():
    options = AnalysisOptions(lexicon_files="extra.jsonl", speaker="Marc")
    assert options.lexicon_files == ("extra.jsonl",) and options.speaker == ("Marc",)
    assert AnalysisOptions(speaker=["A", "B"]).speaker == ("A", "B")
    assert hash(options) == hash(AnalysisOptions(lexicon_files=["extra.jsonl"], speaker=("Marc",)))


def test_build_overrides_given_keywords_only_and_refuses_unknown_ones():
    base = AnalysisOptions(go=70, redact=True)
    built = AnalysisOptions.build(base, walk_away=20, speaker=None)
    assert (built.go, built.walk_away, built.redact, built.speaker) == (70.0, 20.0, True, None)
    with pytest.raises(TypeError, match=r"unknown analysis option.*lexicon_file"):
        AnalysisOptions.build(None, lexicon_file="x.jsonl")
    with pytest.raises(OptionsError, match="must be below"):
        AnalysisOptions.build(base, walk_away=80)


def test_dict_round_trip():
    options = AnalysisOptions(lexicon_files=("a.jsonl",), go=60, walk_away=30, speaker=("Marc",), redact=True)
    data = json.loads(json.dumps(options.to_dict()))
    assert AnalysisOptions.from_dict(data) == options


def test_index_model_refuses_one_threshold_crossing_the_other():
    """Only one threshold given: it is compared with the index model's other one."""
    from clientlens.index import load_index_model

    model = load_index_model()
    assert model.with_thresholds(go=model.walk_away + 1).go == model.walk_away + 1
    with pytest.raises(OptionsError, match=f"go threshold \\({model.walk_away - 1:g}\\)"):
        model.with_thresholds(go=model.walk_away - 1)
    with pytest.raises(OptionsError, match="walk_away threshold"):
        model.with_thresholds(walk_away=model.go)


def test_analyzer_takes_options_or_the_old_keywords(analyzer):
    from clientlens.pipeline import Analyzer

    by_keywords = Analyzer(go=70, walk_away=30, use_classifier=False)
    by_options = Analyzer(options=AnalysisOptions(go=70, walk_away=30, use_classifier=False))
    for built in (by_keywords, by_options):
        assert (built.index_model.go, built.index_model.walk_away, built.classifier) == (70.0, 30.0, None)
    assert by_keywords.options == by_options.options
    with pytest.raises(OptionsError, match="must be below"):
        Analyzer(go=30, walk_away=50)
    with pytest.raises(OptionsError, match=r"within 0\.\.100"):
        Analyzer(options=AnalysisOptions(go=60), walk_away=-5)


@pytest.mark.slow
def test_batch_accepts_options_or_the_old_keywords():
    import clientlens

    text = "DG : Nos clients ne sont pas des cibles, ce sont des partenaires, nous les écoutons."
    old = clientlens.analyze_many([text], go=90, walk_away=80, progress=False)
    new = clientlens.analyze_many([text], options=AnalysisOptions(go=90, walk_away=80), progress=False)
    assert old[0].to_dict() == new[0].to_dict()
    assert old[0].provenance["settings"]["thresholds"] == {"go": 90.0, "walk_away": 80.0}
    with pytest.raises(OptionsError, match="must be below"):
        clientlens.analyze_many([text], go=10, walk_away=80, progress=False)


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "clientlens", *args], capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize(
    "flags,message",
    [(["--go", "30", "--walk-away", "50"], "must be below the go threshold"),
     (["--go", "101"], "within 0..100"),
     (["--walk-away", "-3"], "within 0..100"),
     (["--walk-away", "90"], "must be below the go threshold")],
)
def test_cli_shows_bad_thresholds_as_usage_errors(example, flags, message):
    out = cli("analyze", str(example("entretien_concession.txt")), *flags)
    assert out.returncode == 2
    assert out.stderr.startswith("usage: clientlens analyze") and message in out.stderr
    assert "Traceback" not in out.stderr and out.stdout == ""
    as_json = cli("analyze", str(example("entretien_concession.txt")), *flags, "--format", "json")
    assert as_json.returncode == 2
    error = json.loads(as_json.stderr)["error"]
    assert error["code"] == "invalid_option" and message in error["message"]


def test_cli_accepts_valid_thresholds(example):
    out = cli("analyze", str(example("entretien_concession.txt")), "--go", "20", "--walk-away", "10",
              "--format", "json")
    assert out.returncode == 0, out.stderr
    report = json.loads(out.stdout)
    assert report["provenance"]["settings"]["thresholds"] == {"go": 20.0, "walk_away": 10.0}
    assert report["verdict"] == ("go" if report["index"] >= 20 else "probe")


def _stray_byte_folder(tmp_path):
    """A folder with the example and a copy of it holding one invalid UTF-8 byte."""
    from clientlens.resources import example_path

    data = example_path("entretien_concession.txt").read_bytes()
    (tmp_path / "clean.txt").write_bytes(data)
    (tmp_path / "stray.txt").write_bytes(data.replace("…".encode(), b"\xff", 1))
    return tmp_path


@pytest.mark.parametrize(("flags", "failed"), [((), 0), (("--strict-decoding",), 1), (("--encoding", "ascii"), 0),
                                              (("--encoding", "ascii", "--strict-decoding"), 2)])
def test_batches_read_files_as_the_reading_options_say(tmp_path, flags, failed):
    """--encoding, --strict-decoding (and --max-bytes) reach every file of a directory."""
    import json

    (tmp_path / "in").mkdir()
    folder = _stray_byte_folder(tmp_path / "in")
    done = cli("analyze", str(folder), "--speaker", "Bruno Caradec", "--format", "json", "--quiet", *flags)
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(lines) == 2 and sum("error" in line for line in lines) == failed
    assert all(line["error"]["code"] == "input_error" for line in lines if "error" in line)
    expected = "ascii" if "ascii" in flags else "utf-8"
    assert all(line["report"]["provenance"]["input"]["encoding"] == expected for line in lines if "report" in line)


def test_batch_api_takes_the_reading_options(tmp_path):
    from clientlens.batch import BatchError, analyze_many

    folder = _stray_byte_folder(tmp_path)
    results = analyze_many([folder], speaker="Bruno Caradec", decode_errors="strict", max_bytes=10**8, n_jobs=1,
                           progress=False)
    assert [isinstance(r, BatchError) for r in results] == [False, True]
