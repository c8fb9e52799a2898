"""The JSON contract: every output kind validates against the shipped JSON Schema, on every input
format; the JSON carries the text its offsets index; reports round-trip through JSON."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from clientlens import errors
from clientlens.batch import analyze_to_jsonl
from clientlens.pipeline import Analyzer
from clientlens.report import SCHEMA_VERSION, Report
from clientlens.resources import example_path
from clientlens.schema import KINDS, load_schema
from clientlens.taxonomy import INSUFFICIENT, VERDICT_SPECS

FORMATS = Path(__file__).parents[1] / "data" / "formats"
#: (case id, file, speaker): every input format, the bundled examples and a .md copy of one.
FILES = [
    ("txt", example_path("entretien_concession.txt"), "Bruno Caradec"),
    ("txt-meeting", example_path("reunion_mutuelle.txt"), None),
    ("md", "md", None),
    *[(p.name, p, None) for p in sorted(FORMATS.iterdir()) if p.suffix in {".vtt", ".srt", ".docx", ".json"}],
]
SHORT = "DG : Nos clients sont nos partenaires, nous les écoutons."
MODES = ["plain", "redacted", "lexicon_only"]


def validator(kind: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(load_schema(kind), format_checker=jsonschema.FormatChecker())


@pytest.fixture(scope="module")
def lexicon_only() -> Analyzer:
    return Analyzer(use_classifier=False)


@pytest.fixture(scope="module")
def reports(analyzer, lexicon_only, tmp_path_factory) -> dict[tuple[str, str], Report]:
    """Every file in every mode, plus a speech too short to judge."""
    md = tmp_path_factory.mktemp("md") / "entretien.md"
    md.write_bytes(example_path("entretien_concession.txt").read_bytes())
    out = {}
    for case, path, speaker in FILES:
        path = md if path == "md" else path
        for mode in MODES:
            chosen = lexicon_only if mode == "lexicon_only" else analyzer
            out[case, mode] = chosen.analyze_file(path, speaker, redact=mode == "redacted")
    for mode in MODES:
        chosen = lexicon_only if mode == "lexicon_only" else analyzer
        out["short", mode] = chosen.analyze(SHORT, redact=mode == "redacted")
    return out


CASES = [(case, mode) for case in [c for c, _, _ in FILES] + ["short"] for mode in MODES]


def test_the_schema_is_valid_draft_2020_12():
    for kind in (*KINDS, None):
        jsonschema.Draft202012Validator.check_schema(load_schema(kind))


@pytest.mark.parametrize(("case", "mode"), CASES)
def test_every_report_validates(reports, case, mode):
    data = json.loads(reports[case, mode].to_json())
    validator("report").validate(data)
    assert data["schema_version"] == SCHEMA_VERSION
    assert data.get("provenance", {}).get("redacted", False) is (mode == "redacted")


def test_the_cases_cover_what_they_claim(reports):
    assert reports["short", "plain"].verdict == "insufficient_speech"
    assert "lexicon-only mode: no sentence classifier was used" in reports["txt", "lexicon_only"].warnings
    assert {Path(str(p)).suffix for _, p, _ in FILES} >= {".txt", ".vtt", ".srt", ".docx", ".json"}


@pytest.mark.parametrize(("case", "mode"), CASES)
def test_offsets_index_the_text_the_json_carries(reports, case, mode):
    """A client highlights every quote from the JSON alone."""
    data = json.loads(reports[case, mode].to_json())
    assert data["sentences"]
    for item in data["evidence"] + data["sentences"]:
        assert data["text"][item["start"]:item["end"]] == item["text"]


@pytest.mark.parametrize(("case", "mode"), CASES)
def test_json_round_trips(reports, case, mode):
    first = reports[case, mode].to_json()
    again = Report.from_json(first)
    assert again.to_json() == first
    assert again.text == reports[case, mode].text


def test_redacted_text_carries_no_speaker_name(reports):
    data = reports["txt", "redacted"].to_dict()
    assert "Caradec" in reports["txt", "plain"].text
    assert "Caradec" not in data["text"]


def test_from_dict_accepts_a_1_0_value_and_an_explicit_text(reports):
    data = reports["txt", "plain"].to_dict()
    old = {k: v for k, v in data.items() if k != "text"}
    assert Report.from_dict(old).text == ""
    assert Report.from_dict(old, text=data["text"]).to_json() == reports["txt", "plain"].to_json()


def test_batch_lines_validate_success_and_failure(tmp_path):
    empty = tmp_path / "vide.txt"
    empty.write_text("   \n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    files = [path for _, path, _ in FILES if path != "md"]
    done = analyze_to_jsonl([*files, empty, tmp_path / "absent.vtt"], out, progress=False)
    assert (done.reports, done.errors) == (len(files), 2)
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    for line in lines:
        validator("batch_line").validate(line)
    assert sorted("report" in line for line in lines) == [False, False] + [True] * len(files)


ERRORS = [errors.InputError("the input is empty"), errors.NotFrenchError("not French"),
          errors.SpeakerNotFoundError(["Marc"], ["DG", "Intervieweuse"]), errors.LexiconError("bad line 3"),
          errors.ModelError("sha256 differs")]


@pytest.mark.parametrize("error", ERRORS, ids=lambda e: type(e).__name__)
def test_every_library_error_gives_a_valid_error_object(error):
    validator("error").validate({"error": error.to_dict()})


# ---------------------------------------------------------------------- negative cases


def _report_value(reports) -> dict:
    return copy.deepcopy(reports["zoom.vtt", "plain"].to_dict())


@pytest.mark.parametrize("key", ["index", "verdict", "text", "evidence", "provenance", "schema_version", "behaviours"])
def test_a_report_missing_a_key_is_rejected(reports, key):
    data = _report_value(reports)
    del data[key]
    assert not validator("report").is_valid(data)


@pytest.mark.parametrize(("path", "value"), [
    (("verdict",), "maybe"), (("index",), 101), (("interval",), [10]), (("schema_version",), "2.0"),
    (("evidence", 0, "polarity"), "neutral"), (("evidence", 0, "start"), -1), (("sentences", 0, "labels"), "x"),
    (("speakers", 0, "verdict"), "unsure"), (("provenance", "lexicon_sha256"), "abc"), (("surprise",), 1),
])
def test_a_report_with_a_bad_value_is_rejected(reports, path, value):
    data = _report_value(reports)
    target = data
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value
    assert not validator("report").is_valid(data)


@pytest.mark.parametrize("line", [
    {"source": "a.txt"}, {"source": "a.txt", "error": {"type": "InputError"}},
    {"source": "a.txt", "error": {"message": "no kind"}}, {"report": {}, "source": "a.txt"},
])
def test_bad_batch_lines_are_rejected(line):
    assert not validator("batch_line").is_valid(line)


@pytest.mark.parametrize("value", [
    {"code": "input_error", "message": "x"}, {"error": {"code": "input_error"}},
    {"error": {"code": "Bad Code", "message": "x"}}, {"error": {"code": "x", "message": "y"}, "trace": "..."},
])
def test_bad_error_objects_are_rejected(value):
    assert not validator("error").is_valid(value)


def test_verdicts_of_the_schema_are_the_taxonomy_s():
    names = {v.name for v in VERDICT_SPECS} | {INSUFFICIENT}
    assert set(load_schema()["$defs"]["verdict"]["enum"]) == names


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="batch_line"):
        load_schema("teams")


@pytest.mark.parametrize("name", ["codir_rivaud.txt", "codir_rivaud.vtt"])
@pytest.mark.parametrize(("lang", "options"), [("fr", {}), ("en", {"critical_mass": 1.0}),
                                                ("fr", {"leader": "Julien Faure"})])
def test_team_reports_validate(analyzer, name, lang, options):
    from clientlens.team import analyze_team

    team = analyze_team(example_path(name), language=lang, analyzer=analyzer, **options)
    data = json.loads(team.to_json())
    validator("team").validate(data)
    assert data["schema_version"] == "1.2"
    summary = data["behaviour_summary"]
    assert summary["judged_members"] == sum(m["judged"] for m in data["members"])
    assert summary["members_showing"] == {b: sum(m["judged"] and m["behaviours"][b]["present"] for m in data["members"])
                                          for b in summary["members_showing"]}


@pytest.mark.parametrize("change", [
    lambda t: t.update(decision="maybe"),
    lambda t: t.pop("rule"),
    lambda t: t["members"][0].pop("verdict"),
    lambda t: t["leader"].update(basis="guess"),
    lambda t: t.update(kind="report"),
    lambda t: t["members"][0].pop("behaviours"),
    lambda t: t["members"][0]["behaviours"].pop("seeking_feedback"),
    lambda t: t["members"][1]["behaviours"]["understanding_needs"].update(present="yes"),
    lambda t: t.pop("behaviour_summary"),
    lambda t: t["behaviour_summary"]["members_showing"].pop("seeking_feedback"),
    lambda t: t["behaviour_summary"]["members_showing"].update(understanding_needs=-1),
    lambda t: t["behaviour_summary"].update(judged_members="5"),
    lambda t: t["behaviour_summary"]["members_showing"].update(listening=1),
])
def test_the_team_schema_rejects_broken_team_reports(analyzer, change):
    from clientlens.team import analyze_team

    team = json.loads(analyze_team(example_path("codir_rivaud.txt"), analyzer=analyzer).to_json())
    validator("team").validate(team)
    broken = copy.deepcopy(team)
    change(broken)
    assert not validator("team").is_valid(broken)


@pytest.mark.parametrize("kind", [*KINDS, None])
def test_cli_prints_the_schema(kind):
    args = ["--kind", kind] if kind else []
    done = subprocess.run([sys.executable, "-m", "clientlens", "schema", *args], capture_output=True, text=True,
                          check=True)
    assert json.loads(done.stdout) == load_schema(kind)


@pytest.fixture(scope="module")
def comparison(analyzer, tmp_path_factory) -> dict:
    """A comparison with a scored row of each kind (a team's leader, a named speaker, an unlabelled
    text) and a failed row."""
    from clientlens.comparison import compare
    from clientlens.io.plain import parse_text

    text = parse_text("Nos clients sont des partenaires. Nous les écoutons et nous les rappelons toujours.")
    missing = tmp_path_factory.mktemp("comparison") / "absent.txt"
    result = compare([example_path("codir_rivaud.vtt"), example_path("reunion_mutuelle.txt"), text, missing],
                     speakers=[None, "Sarah Lemaire", None, None], language="en", analyzer=analyzer)
    return json.loads(result.to_json())


def test_comparisons_validate(comparison):
    validator("comparison").validate(comparison)
    assert {r["speaker_basis"] for r in comparison["rows"]} == {"title", "given", "all_speech", None}
    assert comparison["rows"][-1]["error"]["code"] == "input_error"


@pytest.mark.parametrize("change", [
    lambda c: c.update(kind="team"),
    lambda c: c.update(rows=[]),
    lambda c: c["rows"][0].pop("quote"),
    lambda c: c["rows"][0].update(verdict="maybe"),
    lambda c: c["rows"][0].update(speaker_basis="guess"),
    lambda c: c["rows"][0].update(error={"code": "input_error", "message": "x", "type": "InputError"}),
    lambda c: c["rows"][-1].update(index=50.0),
    lambda c: c["rows"][-1]["error"].pop("code"),
    lambda c: c["rows"][0]["quote"].pop("impact"),
])
def test_the_comparison_schema_rejects_broken_comparisons(comparison, change):
    broken = copy.deepcopy(comparison)
    change(broken)
    assert not validator("comparison").is_valid(broken)


def _with_signs(reports) -> dict:
    """A report value whose profile holds signs (the mutuelle meeting)."""
    data = copy.deepcopy(reports["txt-meeting", "plain"].to_dict())
    assert any(v["evidence"] for p in data["behaviours"] for v in p["profile"].values())
    return data


def _first_sign(data: dict) -> dict:
    return next(v["evidence"][0] for p in data["behaviours"] for v in p["profile"].values() if v["evidence"])


@pytest.mark.parametrize("change", [
    lambda d: d["behaviours"][0]["profile"].pop("understanding_needs"),
    lambda d: d["behaviours"][0]["profile"].update(kindness={"present": True, "evidence": []}),
    lambda d: d["behaviours"][0].pop("speaker"),
    lambda d: d["behaviours"][0]["profile"]["delivering_promises"].pop("present"),
    lambda d: _first_sign(d).update(source="classifier"),
    lambda d: _first_sign(d).update(start=-3),
    lambda d: _first_sign(d).pop("term"),
])
def test_the_schema_rejects_broken_behaviour_profiles(reports, change):
    """The four behaviours are all required, each with `present` and its signs; a sign comes from
    the lexicon or a cue and quotes the report's text by offsets."""
    data = _with_signs(reports)
    validator("report").validate(data)
    change(data)
    assert not validator("report").is_valid(data)


def test_behaviours_were_added_in_a_minor_version(reports):
    """1.2 added `behaviours` (a key more: a 1.x client still reads the report), team 1.1
    `members[].behaviours` and team 1.2 `behaviour_summary`; a 1.1 report read back gets its
    profile computed again."""
    from clientlens.team import TEAM_SCHEMA_VERSION

    assert SCHEMA_VERSION == "1.2" and TEAM_SCHEMA_VERSION == "1.2"
    data = _with_signs(reports)
    old = {k: v for k, v in data.items() if k != "behaviours"} | {"schema_version": "1.1"}
    assert Report.from_dict(old).to_dict()["behaviours"] == data["behaviours"]
