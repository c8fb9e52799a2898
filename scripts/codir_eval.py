"""Measure the team decision and the member verdicts on expert-rated leadership meetings.

``corpus/codir/`` holds leadership-team meetings written for the project and rated member by
member by their writer, with the team decision that the rule of docs/team.md takes from those
tiers (``ratings.jsonl``, one line per meeting). They were committed before any measurement
and nobody tunes on them (docs/evaluation.md, "Leadership meetings").

Each meeting is analysed as a consultant would: ``clientlens.analyze_team(path)`` with the
leader inferred (``--leader-given`` names it from the ratings instead). Reported:

* the team decision against the expert's, meeting by meeting;
* member tiers: agreement over the members the expert judged (go, probe or walk away), with
  clientlens's verdict, ``insufficient_speech`` or "left out" counting as a disagreement;
  go read walk away or the reverse counted apart; Spearman of index against rating;
* the members the expert did not judge: too short (``insufficient_speech``) or not scored
  (note-takers, facilitators), and whether clientlens treats them the same way;
* whether the inferred leader is the expert's.

    python scripts/codir_eval.py [--leader-given] [--errors]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from scipy.stats import spearmanr

from clientlens.roles import member_key
from clientlens.taxonomy import INSUFFICIENT
from clientlens.team import analyze_team

ROOT = Path(__file__).resolve().parents[1] / "corpus" / "codir"
TIERS = ("go", "probe", "walk_away")


def read_meetings(root: Path = ROOT) -> list[dict]:
    """The rated meetings of `root`/ratings.jsonl, in id order."""
    rows = [json.loads(line) for line in (root / "ratings.jsonl").read_text("utf-8").splitlines()
            if line.strip()]
    return sorted(rows, key=lambda r: r["id"])


def measure(meetings: list[dict], root: Path = ROOT, leader_given: bool = False,
            errors: bool = False) -> dict:
    """Agreement figures over `meetings` (see the module docstring)."""
    decisions, tiers, extremes, leaders = [], [], 0, []
    index, ratings = [], []
    unjudged = Counter()
    for meeting in meetings:
        team = analyze_team(root / meeting["file"], leader=meeting["leader"] if leader_given else None)
        scored = {member_key(m.name): m for m in team.members}
        left_out = {member_key(x.name) for x in team.left_out}
        leaders.append(member_key(team.leader.name) == member_key(meeting["leader"]))
        decisions.append(team.decision.decision == meeting["decision"])
        lines = []
        for rated in meeting["members"]:
            key = member_key(rated["name"])
            member = scored.get(key)
            got = member.verdict if member else ("left_out" if key in left_out else "absent")
            if rated["tier"] in TIERS:
                tiers.append(got == rated["tier"])
                extremes += {got, rated["tier"]} == {"go", "walk_away"}
                if member is not None:
                    index.append(member.index)
                    ratings.append(rated["rating"])
            else:
                expected = INSUFFICIENT if rated["tier"] == INSUFFICIENT else "left_out"
                unjudged[(rated["tier"], got == expected)] += 1
            if got != rated["tier"] and not (rated["tier"] == "not_scored" and got == "left_out"):
                shown = f"{member.index:.1f}" if member else "-"
                lines.append(f"    {rated['name']:<28} expert {rated['tier']:<20} ({rated['rating']})"
                             f"  clientlens {got:<20} ({shown})")
        if errors and (lines or not decisions[-1]):
            print(f"{meeting['id']} ({meeting['sector']}): expert {meeting['decision']} "
                  f"[{meeting['rule']}], clientlens {team.decision.decision} [{team.decision.rule_id}]"
                  f"{'' if leaders[-1] else ', leader inferred: ' + team.leader.name}")
            print("\n".join(lines))
    rho = spearmanr(index, ratings).statistic if len(index) > 2 else float("nan")
    return {
        "meetings": len(meetings),
        "decision_agreement": f"{sum(decisions)}/{len(decisions)}",
        "member_tier_agreement": round(sum(tiers) / len(tiers), 3) if tiers else None,
        "members_judged_by_expert": len(tiers),
        "member_go_walk_away_confusions": extremes,
        "member_spearman": round(float(rho), 3),
        "leader_inferred_right": f"{sum(leaders)}/{len(leaders)}",
        "unjudged_members_treated_alike": {f"{tier} {'yes' if same else 'no'}": n
                                           for (tier, same), n in sorted(unjudged.items())},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--leader-given", action="store_true",
                        help="name the leader from the ratings instead of letting clientlens infer it")
    parser.add_argument("--errors", action="store_true", help="print every disagreement")
    parser.add_argument("--root", type=Path, default=ROOT, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    result = measure(read_meetings(args.root), args.root, args.leader_given, args.errors)
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
