"""Team analysis: the decision rule's branches, too-short members, merging across files, leader inference."""

from __future__ import annotations

import json

import pytest

from clientlens.cli import main
from clientlens.errors import InputError, SpeakerNotFoundError
from clientlens.records import Component
from clientlens.resources import example_path
from clientlens.taxonomy import BEHAVIOURS, COMPONENT_NAMES
from clientlens.team import Member, analyze_team, critical_mass_reached, decide

CODIR_TXT = example_path("codir_rivaud.txt")
CODIR_VTT = example_path("codir_rivaud.vtt")


def member(verdict: str, name: str = "x", numbers: float = -5.0, care: float = -1.0) -> Member:
    """A member with a given verdict (index and interval are not read by the rule)."""
    components = {c: Component(0.0, 1.0, 0.0, 0.0) for c in COMPONENT_NAMES}
    components["numbers_only"] = Component(1.0, 1.0, 1.0, numbers)
    components["adversarial_vocabulary"] = Component(1.0, 1.0, 1.0, care)
    return Member(name=name, title=None, labels=(name,), leader=False, index=50.0, interval=(30.0, 70.0),
                  verdict=verdict, components=components, words=300, evidence=())


GO, PROBE, WALK, SHORT = "go", "probe", "walk_away", "insufficient_speech"


@pytest.mark.parametrize(
    ("leader", "others", "decision", "rule_id"),
    [
        (GO, [WALK, WALK, WALK], GO, "leader_go"),
        (WALK, [GO, GO, GO, GO], WALK, "leader_walk_away"),
        (SHORT, [GO, GO, GO], SHORT, "leader_insufficient"),
        (PROBE, [GO, GO, WALK, PROBE], PROBE, "leader_probe_critical_mass"),
        (PROBE, [GO, WALK, WALK, PROBE], WALK, "leader_probe_no_critical_mass"),
        (PROBE, [GO, GO, WALK, WALK, WALK, WALK, PROBE, PROBE], WALK, "leader_probe_no_critical_mass"),
        (PROBE, [GO], WALK, "leader_probe_no_critical_mass"),  # one ally is not a critical mass
        (PROBE, [], WALK, "leader_probe_no_critical_mass"),
        # members too short to judge count neither way: 2 of 2 judged, not 2 of 7
        (PROBE, [GO, GO, SHORT, SHORT, SHORT, SHORT, SHORT], PROBE, "leader_probe_critical_mass"),
        (PROBE, [GO, SHORT, SHORT], WALK, "leader_probe_no_critical_mass"),
    ],
)
def test_decision_rule(leader, others, decision, rule_id):
    d = decide(member(leader), [member(v) for v in others])
    assert (d.decision, d.rule_id) == (decision, rule_id)
    assert d.n_judged == sum(v != SHORT for v in others) and d.n_go == others.count(GO)


def test_critical_mass_is_a_parameter():
    leader, others = member(PROBE), [member(GO), member(GO), member(WALK), member(WALK)]
    assert decide(leader, others).decision == PROBE
    assert decide(leader, others, share=0.6).decision == WALK
    assert decide(leader, others, min_respectful=3).decision == WALK
    assert critical_mass_reached(1, 2, share=0.5, min_respectful=1)


@pytest.mark.parametrize(("numbers", "care", "kind"), [(-6.0, -1.0, "numbers"), (-1.0, -6.0, "mixed")])
def test_a_probe_leader_reads_as_numbers_only_or_mixed(numbers, care, kind):
    assert decide(member(PROBE, numbers=numbers, care=care), []).leader_kind == kind


# ---------------------------------------------------------------- on the bundled codir meeting


@pytest.fixture(scope="module")
def codir(analyzer):
    return analyze_team(CODIR_TXT, analyzer=analyzer)


@pytest.fixture(scope="module")
def codir_vtt(analyzer):
    return analyze_team(CODIR_VTT, analyzer=analyzer, language="en")


def test_codir_meeting_members_leader_and_secretary(codir):
    assert codir.leader.name == "Catherine Rivaud" and codir.leader.title == "DG"
    assert codir.leader_basis == "title" and codir.members[0].leader
    assert [m.name for m in codir.members[1:]] == ["Nadia Benali", "Thomas Lemoine", "Antoine Berthelot",
                                                   "Julien Faure"]
    assert [(x.name, x.role) for x in codir.left_out] == [("Élise Marchand", "note_taker")]
    assert all(m.judged and m.evidence for m in codir.members)
    assert codir.decision.n_judged == 4


def test_team_decision_follows_the_rule_from_the_members_verdicts(codir):
    again = decide(codir.leader, codir.members[1:], codir.critical_mass, codir.min_respectful)
    assert again == codir.decision
    assert codir.decision.decision in codir.rule_in("en").lower().replace("walk away", "walk_away") or \
        codir.decision.rule_id in {"leader_go", "leader_walk_away", "leader_insufficient"}


def test_teams_vtt_and_plain_text_give_the_same_team(codir, codir_vtt):
    assert codir_vtt.decision == codir.decision
    assert [(m.name, m.verdict, m.words) for m in codir_vtt.members] == [
        (m.name, m.verdict, m.words) for m in codir.members]
    assert all(e.t_start is not None for m in codir_vtt.members for e in m.evidence)


def test_each_member_is_their_own_analysis(codir, analyzer):
    m = codir.members[1]
    alone = analyzer.analyze_file(CODIR_TXT, speaker=m.name)
    assert (m.index, m.verdict, m.words) == (alone.index, alone.verdict, alone.words)
    for e in m.evidence:
        quoted = m.report.evidence[e.id]
        assert quoted.text == e.term and quoted.counted and quoted.start == e.start
        assert quoted.text in e.text


def test_team_json_contract(codir):
    data = json.loads(codir.to_json())
    assert data["schema_version"] and data["kind"] == "team"
    assert data["decision"] == codir.decision.decision and data["rule"] == codir.rule
    assert data["leader"] == {"name": "Catherine Rivaud", "inferred": True, "basis": "title"}
    assert data["critical_mass"]["min_members"] == 2 and data["critical_mass"]["judged_others"] == 4
    first = data["members"][0]
    assert set(first) == {"name", "title", "labels", "leader", "judged", "index", "interval", "verdict",
                          "components", "words", "evidence", "talk_balance", "humanisation", "timeline", "behaviours"}
    assert list(first["behaviours"]) == list(BEHAVIOURS)  # the four behaviours, absent ones included
    assert set(first["timeline"][0]) == {"at", "impact", "id"}
    assert data["timeline"]["basis"] == "time" and data["timeline"]["end"] > 900  # the text has [hh:mm:ss] stamps
    assert set(data["talk_balance"]) == {"customers", "figures", "other", "words"}
    assert data["talk_balance"]["words"] == sum(m["talk_balance"]["words"] for m in data["members"])
    assert set(first["evidence"][0]) >= {"id", "text", "impact", "family", "start", "end"}
    assert data["left_out"][0]["role"] == "note_taker"


# ---------------------------------------------------------------- merging, leader, errors


def _split(tmp_path, relabel: dict[str, str] | None = None):
    """The codir meeting as two files, the second with other spellings of the labels."""
    turns = CODIR_TXT.read_text("utf-8").split("\n\n")
    half = len(turns) // 2
    second = "\n\n".join(turns[half:])
    for old, new in (relabel or {}).items():
        second = second.replace(old, new)
    a, b = tmp_path / "part1.txt", tmp_path / "part2.txt"
    a.write_text("\n\n".join(turns[:half]), "utf-8")
    b.write_text(second, "utf-8")
    return a, b


def test_members_merge_across_files_whatever_the_label_spelling(tmp_path, analyzer, codir):
    a, b = _split(tmp_path, {"Catherine Rivaud (DG)": "DG - Catherine RIVAUD",
                             "Nadia Benali (directrice de l'expérience client)": "NADIA BÉNALI"})
    team = analyze_team([a, b], analyzer=analyzer)
    assert sorted(m.name.casefold() for m in team.members) == sorted(m.name.casefold() for m in codir.members)
    assert {m.name: m.words for m in team.members}["Catherine Rivaud"] == codir.leader.words
    nadia = next(m for m in team.members if m.name == "Nadia Benali")
    assert len(nadia.labels) == 2 and nadia.title == "directrice de l'expérience client"
    assert team.sources == (str(a), str(b))


def test_leader_given_or_inferred_by_most_words(analyzer):
    text = ("Paul Girard : Nos clients, je les appelle chaque semaine pour savoir ce qui ne va pas, et on "
            "corrige avec eux. Mme Durand nous a aidés à réécrire nos contrats, ligne par ligne.\n\n"
            "Anne Roux : Le chiffre d'affaires progresse.\n")
    inferred = analyze_team(text, analyzer=analyzer)
    assert (inferred.leader.name, inferred.leader_basis) == ("Paul Girard", "most_words")
    given = analyze_team(text, leader="anne roux", analyzer=analyzer)
    assert (given.leader.name, given.leader_basis) == ("Anne Roux", "given")
    assert given.decision.decision == "insufficient_speech" and given.decision.rule_id == "leader_insufficient"
    with pytest.raises(SpeakerNotFoundError):
        analyze_team(text, leader="Jean Dupont", analyzer=analyzer)


@pytest.mark.parametrize(
    ("source", "options", "message"),
    [
        ("Bonjour, nous parlons de nos clients sans étiquettes d'orateurs.", {}, "no speaker labels"),
        ("Journaliste : Et vos clients ?\n\nAnimatrice : Et le SAV ?\n", {}, "nobody to score"),
        ("Anne Roux : Nos clients.\n\nPaul Girard : Oui.\n", {"critical_mass": 0}, "critical_mass"),
        ([], {}, "at least one"),
    ],
)
def test_bad_team_input_gets_a_clear_error(analyzer, source, options, message):
    with pytest.raises(InputError, match=message):
        analyze_team(source, analyzer=analyzer, **options)


def test_cli_team_text_json_and_errors(capsys):
    assert main(["team", str(CODIR_TXT), "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Team decision: ") and "Rule: " in out and "Catherine Rivaud (DG)" in out
    assert main(["team", str(CODIR_VTT), "--format", "json", "--critical-mass", "0.9"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["critical_mass"]["share"] == 0.9 and data["language"] == "fr"
    assert main(["team", str(CODIR_TXT), "--leader", "Jean Dupont"]) == 2
    assert "Jean Dupont" in capsys.readouterr().err


def test_a_printed_interview_cannot_make_a_team():
    from tests.io.test_read import PRINTED_INTERVIEW

    with pytest.raises(InputError, match="only the questions are labelled"):
        analyze_team(PRINTED_INTERVIEW)
