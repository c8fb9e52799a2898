"""The held-out leadership meetings (corpus/codir/) and scripts/codir_eval.py: every rating is
consistent with the decision rule and with its meeting's speakers, and the script measures what
it says it measures. The figures themselves are measured by hand (docs/evaluation.md)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import load_script

from clientlens.io.read import read_file
from clientlens.roles import member_key, speaker_roles
from clientlens.team import critical_mass_reached

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "codir_eval.py"
TIERS = ("go", "probe", "walk_away")


@pytest.fixture(scope="module")
def evaluation():
    return load_script("codir_eval")


@pytest.fixture(scope="module")
def meetings(evaluation):
    return evaluation.read_meetings()


def test_the_set_holds_every_branch_of_the_rule(meetings):
    assert len(meetings) >= 16
    rules = [m["rule"] for m in meetings]
    assert {r: rules.count(r) for r in set(rules)} == dict.fromkeys(
        ("leader_go", "leader_walk_away", "leader_probe_critical_mass", "leader_probe_no_critical_mass"), 4)


def test_each_decision_is_the_rule_applied_to_the_expert_tiers(meetings):
    for meeting in meetings:
        leader = next(m for m in meeting["members"] if m["name"] == meeting["leader"])
        others = [m for m in meeting["members"] if m is not leader and m["tier"] in TIERS]
        if leader["tier"] in ("go", "walk_away"):
            expected = (leader["tier"], f"leader_{leader['tier']}")
        elif critical_mass_reached(sum(m["tier"] == "go" for m in others), len(others)):
            expected = ("probe", "leader_probe_critical_mass")
        else:
            expected = ("walk_away", "leader_probe_no_critical_mass")
        assert (meeting["decision"], meeting["rule"]) == expected, meeting["id"]


def test_ratings_agree_with_tiers_and_speakers(meetings, evaluation):
    bands = {"go": (65, 100), "probe": (40, 64), "walk_away": (0, 39)}
    for meeting in meetings:
        transcript = read_file(evaluation.ROOT / meeting["file"])
        speakers = {member_key(label) for label in speaker_roles(transcript)}
        assert {member_key(m["name"]) for m in meeting["members"]} == speakers, meeting["id"]
        for member in meeting["members"]:
            if member["tier"] in TIERS:
                low, high = bands[member["tier"]]
                assert low <= member["rating"] <= high, (meeting["id"], member["name"])
            else:
                assert member["tier"] in ("insufficient_speech", "not_scored") and member["rating"] is None


def test_the_script_counts_agreements(evaluation, meetings, tmp_path):
    """On one meeting whose expert rating is replaced by what clientlens reads, everything agrees;
    changing one member's tier to another makes exactly that member disagree."""
    from clientlens.team import analyze_team

    meeting = dict(meetings[0])
    shutil.copy(evaluation.ROOT / meeting["file"], tmp_path / meeting["file"])
    team = analyze_team(tmp_path / meeting["file"])
    read = {member_key(m.name): m for m in team.members}
    members = []
    for rated in meeting["members"]:
        got = read.get(member_key(rated["name"]))
        tier = got.verdict if got else "not_scored"
        members.append({**rated, "tier": tier, "rating": round(got.index) if got and got.judged else None})
    agreeing = {**meeting, "members": members, "decision": team.decision.decision, "leader": team.leader.name}
    (tmp_path / "ratings.jsonl").write_text(json.dumps(agreeing, ensure_ascii=False) + "\n", "utf-8")
    result = evaluation.measure(evaluation.read_meetings(tmp_path), tmp_path)
    judged = sum(m["tier"] in TIERS for m in members)
    assert result["decision_agreement"] == "1/1" and result["member_tier_agreement"] == 1.0
    assert result["members_judged_by_expert"] == judged and result["leader_inferred_right"] == "1/1"

    first = next(i for i, m in enumerate(members) if m["tier"] in TIERS)
    other = "walk_away" if members[first]["tier"] == "go" else "go"
    members[first] = {**members[first], "tier": other}
    (tmp_path / "ratings.jsonl").write_text(
        json.dumps({**agreeing, "members": members}, ensure_ascii=False) + "\n", "utf-8")
    result = evaluation.measure(evaluation.read_meetings(tmp_path), tmp_path)
    assert result["member_tier_agreement"] == round((judged - 1) / judged, 3)
    assert result["member_go_walk_away_confusions"] == int(read[member_key(members[first]["name"])].verdict
                                                           in ("go", "walk_away"))
