"""Text and HTML views of a TeamReport, in a report language (lang/<code>/report.json)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from clientlens.lang import report_strings
from clientlens.taxonomy import VERDICT_COLOURS
from clientlens.views.html import _ENV, BehaviourCell, behaviour_cells
from clientlens.views.text import clock, cut, shown_index, thresholds, warning_text
from clientlens.views.timeline import member_name as _who
from clientlens.views.timeline import quote_anchor, team_timeline

if TYPE_CHECKING:
    from clientlens.team import Decision, Member, TeamReport

#: Quote width in the team views (characters).
QUOTE_WIDTH = 140


def rule_sentence(decision: Decision, leader: Member, language: str) -> str:
    """The rule that produced the decision, in one sentence of the report language."""
    s = report_strings(language)["team"]
    kind = s[f"leader_kind_{decision.leader_kind}"] if decision.leader_kind else ""
    return s["rules"][decision.rule_id].format(
        leader=leader.name, index=member_index(leader), words=leader.words, kind=kind,
        n_go=decision.n_go, n_judged=decision.n_judged,
    )


def member_index(m: Member) -> str:
    """The member's index as printed beside their verdict (never across a threshold)."""
    if m.report is None:
        from clientlens.index import load_index_model

        model = load_index_model()
        return shown_index(m.index, m.verdict, model.go, model.walk_away)
    return shown_index(m.index, m.verdict, *thresholds(m.report))


def _leader_basis(team: TeamReport, s: dict[str, Any]) -> str:
    if team.leader_basis == "title":
        return s["leader_title"].format(title=team.leader.title or "")
    if team.leader_basis == "most_words":
        return s["leader_most_words"].format(words=team.leader.words)
    return s["leader_given"]


def _share(x: float) -> str:
    return f"{x:.0%}"


def team_summary(team: TeamReport, language: str) -> str:
    """The team as plain text: decision, rule, leader, members' rows, quotes."""
    strings = report_strings(language)
    s, verdicts, roles = strings["team"], strings["verdict"], strings["role"]
    lines = [
        f"{s['decision']}: {verdicts[team.decision.decision]}",
        f"{s['rule']}: {team.rule_in(language)}",
        f"{s['leader']}: {_who(team.leader)} ({_leader_basis(team, s)})",
        s["critical_mass"].format(min_members=team.min_respectful, share=_share(team.critical_mass)),
        "",
        f"{s['members']}:",
        f"  {s['member']:<34} {s['index']:>6} {s['interval']:>10}  {s['verdict']:<20} {s['words']:>6}",
    ]
    for m in team.members:
        mark = "*" if m.leader else " "
        lo, hi = m.interval
        verdict = verdicts[m.verdict] if m.judged else s["too_short"]
        lines.append(f"{mark} {cut(_who(m), 34):<34} {member_index(m):>6} {f'{lo:.0f}–{hi:.0f}':>10}  "
                     f"{verdict:<20} {m.words:>6}")
    short = [m for m in team.members if not m.judged]
    if short:
        lines += ["", f"{s['too_short_list']}: " + ", ".join(f"{_who(m)} ({m.words} {s['words']})" for m in short)]
    if team.left_out:
        lines += ["", f"{s['not_scored']}: " + ", ".join(
            f"{x.name} ({roles[x.role]}, {x.words} {s['words']})" for x in team.left_out)]
    lines += ["", *_balance_lines(team, s)]
    lines += ["", *_behaviour_lines(team, language)]
    lines += ["", *_timeline_lines(team, s)]
    lines += ["", f"{s['evidence']}:"]
    for m in team.members:
        lines.append(f"  {_who(m)}:")
        for e in m.evidence:
            at = f" {clock(e.t_start)}" if e.t_start is not None else ""
            family = strings["names"].get(e.family, e.family)
            lines.append(f"    [{e.impact:+.1f}] « {cut(e.text, QUOTE_WIDTH)} » ({family}, #{e.id}{at})")
        if not m.evidence:
            lines.append(f"    {s['no_evidence']}")
    if team.warnings:
        lines += ["", f"{s['warnings']}:", *(f"  - {warning_text(w, language)}" for w in team.warnings)]
    return "\n".join(lines)


def _behaviour_lines(team: TeamReport, language: str) -> list[str]:
    """The four behaviours of every member: a grid of marks, then the first quote of each sign
    found; a member too short to judge shows « ? » where nothing was found."""
    from clientlens.taxonomy import BEHAVIOURS

    b = report_strings(language)["behaviours"]
    widths = [max(len(b["short"][name]), 3) + 2 for name in BEHAVIOURS]
    head = "".join(f"{b['short'][name]:^{w}}" for name, w in zip(BEHAVIOURS, widths, strict=True))
    lines = [f"{b['title']} ({b['present_mark']} / {b['absent_mark']}; {b['legend']}):", f"  {'':<34} {head}".rstrip()]
    quotes = []
    for m in team.members:
        cells = behaviour_cells(m.behaviours, language, short=not m.judged)
        marks = "".join(f"{c.mark if c.state != 'cl-unknown' else '?':^{w}}"
                        for c, w in zip(cells, widths, strict=True))
        lines.append(f"  {cut(_who(m), 34):<34} {marks}".rstrip())
        quotes += [f"  {_who(m)}, {c.label}: « {c.text} »" for c in cells if c.state == "cl-on"]
    short = [_who(m) for m in team.members if not m.judged and m.behaviours.absent]
    if short:
        lines.append(f"  ? {', '.join(short)}: {b['too_short']}")
    lines.append(f"  {b['members_showing']}: {' · '.join(c['text'] for c in behaviour_counts(team, language))}"
                 if any(m.judged for m in team.members) else f"  {b['members_showing']}: {b['none_judged']}")
    return lines + quotes


def behaviour_counts(team: TeamReport, language: str) -> list[dict[str, Any]]:
    """Per behaviour, in taxonomy order, how many judged members show it (`TeamReport.behaviour_summary`):
    its short name, the count, the judged members, the line's words and a tooltip."""
    b = report_strings(language)["behaviours"]
    judged = sum(m.judged for m in team.members)
    return [{"key": name, "n": n, "judged": judged,
             "text": b["showing_count"].format(name=b["short"][name], n=n, judged=judged),
             "tip": b["showing_tip"].format(name=b["names"][name], n=n, judged=judged)}
            for name, n in team.behaviour_summary.items()]


def _timeline_lines(team: TeamReport, s: dict[str, Any]) -> list[str]:
    """One strip per member: where their signals fall over the meeting."""
    from clientlens.balance import strip

    end = team.timeline_end
    axis = s["by_time"].format(end=clock(end)) if team.timeline_basis == "time" else s["by_position"]
    lines = [f"{s['timeline']}, {axis}:"]
    for m in team.members:
        lines.append(f"  {cut(_who(m), 34):<34} |{strip(team.moments_of(m), end)}|")
    return lines


def _balance_lines(team: TeamReport, s: dict[str, Any]) -> list[str]:
    """Share of each member's words on customers, figures and the rest, and how they name customers."""
    lines = [f"{s['balance']}:",
             f"  {'':<34} {s['customers']:>24} {s['figures']:>20} {s['other']:>20}   {s['humanisation']}"]
    rows = [(_who(m), m.balance, m.humanisation) for m in team.members]
    for who, b, h in [*rows, (s["meeting"], team.balance, team.humanisation)]:
        lines.append(f"  {cut(who, 34):<34} {_share(b.share('customers')):>24} {_share(b.share('figures')):>20} "
                     f"{_share(b.share('other')):>20}   {h.individual} / {h.abstract}")
    return lines


@dataclass(frozen=True)
class _Row:
    who: str
    leader: bool
    index: str
    interval: str
    verdict: str
    verdict_name: str
    colour: str
    words: int
    quotes: list[dict[str, str]]
    bars: list[tuple[float, float, str, str]]  # talk balance: (x, width, colour, tooltip), in % of 100
    named: str  # humanisation: individual / abstract
    behaviours: list[BehaviourCell]  # the four behaviours, in taxonomy order


def _anchor_prefix(team: TeamReport) -> str:
    """A prefix for the page's ids, the same for the same team, other for another: two teams
    shown in one notebook keep their links apart."""
    key = "\n".join([*team.sources, *(f"{m.name}:{m.words}:{m.index}" for m in team.members)])
    return "cl-" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:10]


def _context(team: TeamReport, language: str) -> dict[str, Any]:
    strings = report_strings(language)
    s, verdicts = strings["team"], strings["verdict"]
    prefix = _anchor_prefix(team)
    rows = []
    for n, m in enumerate(team.members):
        lo, hi = m.interval
        rows.append(_Row(
            who=_who(m), leader=m.leader, index=member_index(m), interval=f"{lo:.0f}–{hi:.0f}",
            verdict=verdicts[m.verdict] if m.judged else s["too_short"], verdict_name=m.verdict,
            colour=VERDICT_COLOURS.get(m.verdict, "#444"), words=m.words,
            quotes=[{"text": cut(e.text, QUOTE_WIDTH), "impact": f"{e.impact:+.1f}",
                     "family": strings["names"].get(e.family, e.family),
                     "at": clock(e.t_start) if e.t_start is not None else "",
                     "anchor": quote_anchor(prefix, n, e.id)} for e in m.evidence],
            bars=_bars(m.balance, s), named=f"{m.humanisation.individual} / {m.humanisation.abstract}",
            behaviours=behaviour_cells(m.behaviours, language, short=not m.judged),
        ))
    return {
        "s": s, "b": strings["behaviours"], "roles": strings["role"], "team": team, "rows": rows,
        "behaviour_counts": behaviour_counts(team, language) if any(m.judged for m in team.members) else [],
        "rule": team.rule_in(language), "timeline": team_timeline(team, s, prefix, strings["names"]),
        "warnings": [warning_text(w, language) for w in team.warnings],
        "decision": verdicts[team.decision.decision],
        "decision_colour": VERDICT_COLOURS.get(team.decision.decision, "#444"),
        "leader_basis": _leader_basis(team, s),
        "critical_mass": s["critical_mass"].format(min_members=team.min_respectful,
                                                   share=_share(team.critical_mass)),
    }


#: Colours of the talk-balance bars: customers, figures, other.
BALANCE_COLOURS = {"customers": "#2a9d8f", "figures": "#e9a23b", "other": "#b8c0cc"}


def _bars(balance: Any, s: dict[str, Any]) -> list[tuple[float, float, str, str]]:
    """Stacked bar segments of a talk balance, for an inline SVG."""
    out, x = [], 0.0
    for part, colour in BALANCE_COLOURS.items():
        width = 100.0 * balance.share(part)
        out.append((round(x, 2), round(width, 2), colour, f"{s[part]}: {_share(balance.share(part))}"))
        x += width
    return out


def team_fragment(team: TeamReport, language: str) -> str:
    """The team as one `<div class="clientlens">` (Jupyter)."""
    return _ENV.get_template("team.html.j2").render(_context(team, language))


def team_page(team: TeamReport, language: str) -> str:
    """The team as a standalone HTML page (no script, no network)."""
    title = "clientlens – " + " + ".join(Path(x).name for x in team.sources) if team.sources else "clientlens"
    return _ENV.get_template("team_page.html.j2").render(_context(team, language), title=title, lang=language)
